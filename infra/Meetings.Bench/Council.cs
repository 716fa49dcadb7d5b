using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Meetings.Bench;

/// <summary>
/// The officials at the dais, each signed in on a screen of their own: in a vote round one moves, another seconds, the
/// clerk opens the vote, every member votes at once, and the clerk closes it. A command refused or timed out fails the
/// round (the run counts it among its errors). The demo council has five seats, so five
/// officials vote. How long each official's command took is kept for <c>vote_p50_ms</c> and <c>vote_p99_ms</c>.
/// </summary>
internal sealed class Council : IAsyncDisposable
{
    private static readonly string[] Emails = ["mayor@demo.city", "okafor@demo.city", "tran@demo.city", "haines@demo.city", "natarajan@demo.city"];
    private readonly List<HubSocket> _members = [];
    private readonly List<double> _times = [];
    private Guid _meeting;

    /// <summary>Milliseconds each official's command took.</summary>
    public List<double> Times
    {
        get { lock (_times) return [.. _times]; }
    }

    public int Rounds { get; private set; }

    /// <summary>Signs every official in and joins them to the meeting.</summary>
    public static async Task<Council> SeatAsync(Uri server, Uri hub, Guid meeting, CancellationToken ct)
    {
        var council = new Council { _meeting = meeting };
        foreach (var email in Emails)
        {
            var jar = new CookieContainer();
            using var http = new HttpClient(new HttpClientHandler { CookieContainer = jar }) { BaseAddress = server };
            (await http.PostAsJsonAsync("/api/auth/login?useCookies=true", new { email, password = "Meetings-demo-2026" }, ct)).EnsureSuccessStatusCode();
            var member = await HubSocket.ConnectAsync(hub, IPAddress.Loopback, jar.GetCookieHeader(server), signalR: true, -1000 - council._members.Count, ct);
            council._members.Add(member);
            await member.InvokeAsync("Join", $"[\"{meeting}\",null]", ct);
        }
        return council;
    }

    /// <summary>The clerk marks every seat present in the room, so the members may move and vote.</summary>
    public static async Task RollCallAsync(HttpClient clerk, HubSocket clerkHub, Guid meeting, string bodyName, CancellationToken ct)
    {
        var bodies = await clerk.GetFromJsonAsync<JsonArray>("/api/bodies", ct);
        var seats = bodies!.Single(b => b!["name"]!.GetValue<string>() == bodyName)!["seats"]!.AsArray();
        var present = string.Join(",", seats.Select(s => $"{{\"seatId\":\"{s!["id"]}\",\"presence\":\"InRoom\"}}"));
        await clerkHub.InvokeAsync("TakeRollCall", $"[\"{meeting}\",[{present}]]", ct);
    }

    /// <summary>One motion, moved, seconded, voted on by every member and closed by the clerk.</summary>
    public async Task VoteRoundAsync(HubSocket clerk, CancellationToken ct)
    {
        var moved = await TimedAsync(_members[0], "Move", $"[\"{_meeting}\",{{\"text\":\"Motion {Rounds + 1} to continue the hearing\"}}]", ct);
        var motion = moved.Prefix[(moved.Prefix.IndexOf("\"result\":\"", StringComparison.Ordinal) + 10)..][..36];
        await TimedAsync(_members[1], "Second", $"[\"{_meeting}\",\"{motion}\"]", ct);
        await clerk.InvokeAsync("OpenVote", $"[\"{_meeting}\",\"{motion}\"]", ct);
        try
        {
            await Task.WhenAll(_members.Select(m => TimedAsync(m, "Vote", $"[\"{_meeting}\",\"{motion}\",\"Aye\"]", ct)));
        }
        finally
        {
            // Closed even when a vote failed, so the next round can open its own.
            await clerk.InvokeAsync("CloseVote", $"[\"{_meeting}\",\"{motion}\"]", ct);
        }
        Rounds++;
    }

    private async Task<Record> TimedAsync(HubSocket member, string target, string arguments, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var answer = await member.InvokeAsync(target, arguments, ct);
        lock (_times) _times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return answer;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var member in _members) await member.DisposeAsync();
    }
}
