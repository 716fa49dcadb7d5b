using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Meetings.Bench;

/// <summary>
/// The officials at the dais, each signed in on a screen of their own: in a vote round one moves, another seconds, the
/// clerk opens the vote, every member votes at once, and the clerk closes it. A command refused or timed out fails the
/// round (the run counts it among its errors). The board has nine seats, so nine officials vote. How long each
/// official's command took is kept for <c>vote_p50_ms</c> and <c>vote_p99_ms</c>.
/// </summary>
internal sealed class Council : IAsyncDisposable
{
    public const string BodyName = "Harbor County Board of Supervisors";
    public const string HearingTitle = "Public Hearing on the Harbor Way Rezoning";
    private const string Password = "Meetings-bench-2026";
    private static readonly string[] Emails = [.. Enumerable.Range(1, 9).Select(d => $"district{d}@bench.county")];
    private readonly List<HubSocket> _members = [];
    private readonly List<double> _times = [];
    private Guid _meeting;

    /// <summary>Milliseconds each official's command took.</summary>
    public List<double> Times
    {
        get { lock (_times) return [.. _times]; }
    }

    public int Rounds { get; private set; }

    /// <summary>How many officials vote in each round.</summary>
    public int Members => _members.Count;

    /// <summary>
    /// Makes the board and its hearing as an administrator's and a clerk's screens would, through the REST API: nine
    /// official accounts, a body with a seat for each, and a meeting a week away, published, whose third item is the
    /// public hearing. The demo council has only five seats.
    /// </summary>
    public static async Task<Guid> ConveneAsync(Uri server, CancellationToken ct)
    {
        using var admin = await SignedInAsync(server, "admin@demo.city", "Meetings-demo-2026", ct);
        var body = await PostAsync(admin, "/api/bodies", new { name = BodyName }, ct);
        for (var d = 1; d <= Emails.Length; d++)
        {
            await PostAsync(admin, "/api/users", new { email = Emails[d - 1], displayName = $"Supervisor {d}", password = Password, role = "Official" }, ct);
            await PostAsync(admin, $"/api/bodies/{body["id"]}/seats", new { title = $"District {d}", memberName = $"Supervisor {d}", officialEmail = Emails[d - 1], isChair = d == 1 }, ct);
        }
        using var clerk = await SignedInAsync(server, "clerk@demo.city", "Meetings-demo-2026", ct);
        var start = DateTime.UtcNow.AddDays(7).ToString("yyyy-MM-dd'T'18:00:00", CultureInfo.InvariantCulture);
        var meeting = (await PostAsync(clerk, "/api/meetings", new { bodyId = body["id"], title = HearingTitle, kind = "Regular", start, timeZone = "America/Los_Angeles", location = "Board Chambers" }, ct))["meeting"]!["id"]!;
        foreach (var (title, kind, comment) in new[] { ("Call to Order", "Procedural", false), ("Roll Call", "Procedural", false), ("Rezoning of Harbor Way between 1st and 6th Streets", "PublicHearing", true), ("Adjournment", "Procedural", false) })
            await PostAsync(clerk, $"/api/meetings/{meeting}/agenda", new { title, kind, takesPublicComment = comment }, ct);
        await PostAsync(clerk, $"/api/meetings/{meeting}/publish", new { }, ct);
        return meeting.GetValue<Guid>();
    }

    /// <summary>A client signed in with a cookie, kept in <paramref name="jar"/> (a fresh one if none is given) for a hub connection too.</summary>
    public static async Task<HttpClient> SignedInAsync(Uri server, string email, string password, CancellationToken ct, CookieContainer? jar = null)
    {
        var http = new HttpClient(new HttpClientHandler { CookieContainer = jar ?? new CookieContainer() }) { BaseAddress = server };
        (await http.PostAsJsonAsync("/api/auth/login?useCookies=true", new { email, password }, ct)).EnsureSuccessStatusCode();
        return http;
    }

    private static async Task<JsonObject> PostAsync(HttpClient http, string path, object request, CancellationToken ct)
    {
        using var answer = await http.PostAsJsonAsync(path, request, ct);
        if (!answer.IsSuccessStatusCode) throw new InvalidOperationException($"POST {path}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync(ct)}");
        return (await answer.Content.ReadFromJsonAsync<JsonObject>(ct))!;
    }

    /// <summary>Signs every official in and joins them to the meeting.</summary>
    public static async Task<Council> SeatAsync(Uri server, Uri hub, Guid meeting, CancellationToken ct)
    {
        var council = new Council { _meeting = meeting };
        foreach (var email in Emails)
        {
            var jar = new CookieContainer();
            using var http = await SignedInAsync(server, email, Password, ct, jar);
            var member = await HubSocket.ConnectAsync(hub, IPAddress.Loopback, jar.GetCookieHeader(server), signalR: true, -1000 - council._members.Count, ct);
            council._members.Add(member);
            await member.InvokeAsync("Join", $"[\"{meeting}\",null]", ct);
        }
        return council;
    }

    /// <summary>The clerk marks every seat present in the room, so the members may move and vote.</summary>
    public static async Task RollCallAsync(HttpClient clerk, HubSocket clerkHub, Guid meeting, CancellationToken ct)
    {
        var bodies = await clerk.GetFromJsonAsync<JsonArray>("/api/bodies", ct);
        var seats = bodies!.Single(b => b!["name"]!.GetValue<string>() == BodyName)!["seats"]!.AsArray();
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
