using System.Net;
using Meetings.Tests.Support;

namespace Meetings.Tests.Security;

/// <summary>
/// Reading a meeting's record (its journal, minutes, exports and packet) is worked out from the journal or built per
/// request, so a crowd of requests from one address could load the server during a hearing: one address gets
/// <c>Records:PerMinute</c> a minute, then 429 with when to ask again. Another address, and signed-in staff, are not
/// held up by it.
/// </summary>
public class RecordLimitTests
{
    [Test]
    public async Task EachRouteToTheRecord_IsLimitedPerAddress_NotForOtherAddressesOrStaff()
    {
        using var host = new TestHost(settings: new Dictionary<string, string?> { ["Records:PerMinute"] = "1" });
        var meeting = await host.Anonymous().DemoMeeting();
        var id = meeting.Meeting.Id;
        string[] paths =
        [
            $"/api/meetings/{id}/journal", $"/api/meetings/{id}/journal/verify", $"/api/meetings/{id}/minutes", $"/api/meetings/{id}/minutes/versions",
            $"/api/meetings/{id}/exports/ocd-event", $"/api/meetings/{id}/exports/ocd-votes", $"/api/meetings/{id}/exports/legistar",
            $"/api/meetings/{id}/exports/votes.csv", $"/api/bodies/{meeting.Meeting.BodyId}/exports/votes.csv", $"/api/meetings/{id}/packet",
        ];

        // A fresh address for each route: its first request is answered (the minutes: 404, none approved yet), its
        // second, moments later and so in the same minute, is refused.
        for (var i = 0; i < paths.Length; i++)
        {
            var address = $"198.51.100.{70 + i}";
            using var first = await host.Anonymous().GetFrom(paths[i], address);
            Assert.That(first.StatusCode, Is.Not.EqualTo(HttpStatusCode.TooManyRequests), $"the first from {address}: {paths[i]}");
            using var second = await host.Anonymous().GetFrom(paths[i], address);
            Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), $"the second from {address}: {paths[i]}");
            Assert.That(second.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, Is.GreaterThan(TimeSpan.Zero).And.LessThanOrEqualTo(TimeSpan.FromMinutes(1)), "when to ask again");
        }

        var clerk = await host.SignInAsync(Demo.Clerk);
        foreach (var path in paths.Where(p => !p.EndsWith("/minutes", StringComparison.Ordinal)))
        {
            using var answer = await clerk.GetFrom(path, "198.51.100.70");
            Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"the clerk, from a limited address: {path}");
        }
        using var page = await host.Anonymous().GetFrom($"/api/meetings/{id}", "198.51.100.70");
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the meeting itself is not limited");
    }
}
