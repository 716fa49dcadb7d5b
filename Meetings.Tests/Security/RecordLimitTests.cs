using System.Net;
using Meetings.Tests.Support;

namespace Meetings.Tests.Security;

/// <summary>
/// Reading a meeting's record (its journal, minutes, exports and packet) is worked out from the journal or built per
/// request, so a crowd of requests from one address could load the server during a hearing: one address gets
/// <c>Records:PerMinute</c> a minute, then 429. Another address, and signed-in staff, are not held up by it.
/// </summary>
public class RecordLimitTests
{
    private const string Hostile = "198.51.100.70";

    [Test]
    public async Task ReadingTheRecord_IsLimitedPerAddress_NotForOtherAddressesOrStaff()
    {
        using var host = new TestHost(settings: new Dictionary<string, string?> { ["Records:PerMinute"] = "3" });
        var meeting = await host.Anonymous().DemoMeeting();
        var id = meeting.Meeting.Id;
        string[] paths =
        [
            $"/api/meetings/{id}/journal", $"/api/meetings/{id}/minutes/versions", $"/api/meetings/{id}/exports/ocd-event",
            $"/api/meetings/{id}/exports/votes.csv", $"/api/meetings/{id}/packet", $"/api/bodies/{meeting.Meeting.BodyId}/exports/votes.csv",
            $"/api/meetings/{id}/exports/legistar",
        ];

        // Seven in a row: however the minute falls, some minute holds four of them.
        var answers = new List<HttpStatusCode>();
        foreach (var path in paths) answers.Add(await GetFrom(host.Anonymous(), path, Hostile));

        Assert.That(answers.Take(3), Is.All.EqualTo(HttpStatusCode.OK), "three a minute are answered");
        Assert.That(answers, Does.Contain(HttpStatusCode.TooManyRequests), string.Join(", ", answers));
        Assert.That(answers, Is.All.EqualTo(HttpStatusCode.OK).Or.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(await GetFrom(host.Anonymous(), paths[^1], "198.51.100.71"), Is.EqualTo(HttpStatusCode.OK), "another address is not held up");
        var clerk = await host.SignInAsync(Demo.Clerk);
        foreach (var path in paths) Assert.That(await GetFrom(clerk, path, Hostile), Is.EqualTo(HttpStatusCode.OK), $"the clerk, from the same address: {path}");
        Assert.That(await GetFrom(host.Anonymous(), $"/api/meetings/{id}", Hostile), Is.EqualTo(HttpStatusCode.OK), "the meeting itself is not limited");
    }

    private static async Task<HttpStatusCode> GetFrom(HttpClient client, string path, string address)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Forwarded-For", address);
        using var answer = await client.SendAsync(request);
        return answer.StatusCode;
    }
}
