using Meetings.Client.Contracts;
using Meetings.Server.Errors;
using Meetings.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;

namespace Meetings.Tests.Security;

/// <summary>
/// Refusals are the server working as it should: each is one Information line without a stack trace, and no
/// flood of them can make the log grow without bound. Counted with the test host's own log provider.
/// </summary>
public class RefusalLogTests
{
    [Test]
    public async Task AThousandRefusedSignUps_WriteABoundedNumberOfInformationLines_AndNoneAtWarningOrError()
    {
        // With a public address, the demo meeting's notice (a Hangfire job, picked up on real time) has nothing to warn about.
        using var host = new TestHost(settings: new Dictionary<string, string?> { ["PublicBaseUrl"] = "https://meetings.example.gov" });
        var meeting = await host.Anonymous().DemoMeeting();
        var id = meeting.Meeting.Id;
        var item = meeting.Agenda[2].Id; // public comment is not open: every sign-up breaks a rule
        await using var script = await LiveClient.ConnectAsync(host, null, "script", id);
        await using var signedIn = await LiveClient.ConnectAsync(host, Demo.Clerk, "a signed-in script", id);
        var before = host.Logs.Entries.Count;

        var refusals = new List<string>();
        for (var i = 0; i < 1000; i++)
        {
            var from = i % 2 == 0 ? script : signedIn; // half rate-limited soon, half refused by the rule each time
            var refused = Assert.ThrowsAsync<HubException>(() => from.Invoke<Guid>("SignUpToSpeak", id, $"resident-token-number-{i:D4}", new SignUpRequest(item, $"Flood {i}")));
            refusals.Add(refused!.Message);
        }

        var logged = host.Logs.Entries.Skip(before).Where(e => !e.Category.StartsWith("Hangfire", StringComparison.Ordinal)).ToList();
        Assert.That(refusals.Count(r => r.Contains("Too many requests", StringComparison.Ordinal)), Is.GreaterThan(400), "the script was rate-limited");
        Assert.That(refusals.Count(r => !r.Contains("Too many requests", StringComparison.Ordinal)), Is.GreaterThan(500), "and refused by the rule");
        Assert.That(logged.Where(e => e.Level >= LogLevel.Warning).Select(e => $"{e.Category}: {e.Message}"), Is.Empty);
        Assert.That(logged.Where(e => e.Exception is not null), Is.Empty, "no stack traces");
        Assert.That(logged.Count(e => e.Category == typeof(RefusalLog).FullName), Is.EqualTo(RefusalLog.LinesPerMinute));
        Assert.That(logged, Has.Count.LessThanOrEqualTo(RefusalLog.LinesPerMinute + 5), string.Join("\n", logged.Select(e => $"{e.Category}: {e.Message}")));

        // When the minute is over, one line counts the rest.
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        await Wait.Until(() => host.Logs.Entries.Any(e => e.Message.StartsWith($"{1000 - RefusalLog.LinesPerMinute} more refusals", StringComparison.Ordinal)),
            "one line counting the refusals not logged one by one");
    }
}
