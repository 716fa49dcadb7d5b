using System.Net;
using System.Net.Http.Headers;
using Meetings.Client.Contracts;
using Meetings.Tests.Support;

namespace Meetings.Tests.Notices;

/// <summary>
/// The public calendar feed is made once per change of the body's meetings and kept: calendar apps polling it
/// revalidate with its ETag and get 304, and one that asks in full gets the kept feed, not a fresh read of every meeting.
/// </summary>
public class CalendarFeedCacheTests
{
    [Test]
    public async Task ThePollerWithTheFeedsETag_Gets304_UntilAMeetingOfTheBodyChanges_ThenTheNewFeed()
    {
        using var host = new TestHost();
        var anyone = host.Anonymous();
        var body = await anyone.DemoBody();
        var meeting = await anyone.DemoMeeting();
        var url = $"/api/bodies/{body.Id}/calendar.ics";

        var first = await anyone.GetAsync(url);
        var tag = first.Headers.ETag;
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(tag, Is.Not.Null);
        var again = await Poll(anyone, url, tag!);
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        Assert.That(await again.Content.ReadAsStringAsync(), Is.Empty);

        var clerk = await host.SignInAsync(Demo.Clerk);
        await clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{meeting.Meeting.Id}/cancel", new CancelRequest("No quorum"), HttpStatusCode.OK);
        var changed = await Poll(anyone, url, tag!);

        Assert.That(changed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(changed.Headers.ETag, Is.Not.EqualTo(tag));
        Assert.That(await changed.Content.ReadAsStringAsync(), Does.Contain("STATUS:CANCELLED"));
        Assert.That((await Poll(anyone, url, changed.Headers.ETag!)).StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
    }

    [Test]
    public async Task AFeedMadeAgain_ReadsOnlyTheMeetingThatChanged_NotTheBodysWholeArchive()
    {
        var reads = new JournalReads();
        using var host = new TestHost(services: reads.Register);
        var clerk = await host.SignInAsync(Demo.Clerk);
        var body = await clerk.DemoBody();
        var meeting = (await clerk.DemoMeeting()).Meeting.Id;
        for (var i = 0; i < 3; i++)
            await clerk.ScheduleMeeting(body.Id, $"Special Meeting {i}", Dates.DaysAfter(host.Clock.GetUtcNow(), 30 + i), publish: true);
        var url = $"/api/bodies/{body.Id}/calendar.ics";
        var before = reads.Count;
        await host.Anonymous().GetStringAsync(url);
        Assert.That(reads.Count - before, Is.GreaterThanOrEqualTo(4), "made the first time from each posted meeting");

        await clerk.Send<MeetingDetail>(HttpMethod.Put, $"/api/meetings/{meeting}/stream", new StreamRequest("https://video.example/council", null), HttpStatusCode.OK);
        before = reads.Count;
        var changed = (await host.Anonymous().GetStringAsync(url)).Replace("\r\n ", "", StringComparison.Ordinal); // unfolded

        Assert.That(changed, Does.Contain("https://video.example/council"), "made again, with the change");
        Assert.That(reads.Count - before, Is.EqualTo(1), "from the meeting that changed, the others as they were read");
    }

    [Test]
    public async Task TheFeedIsMadeOncePerChange_AndKept_ItsStampTellsWhenItWasMade()
    {
        using var host = new TestHost();
        var anyone = host.Anonymous();
        var body = await anyone.DemoBody();
        var meeting = await anyone.DemoMeeting();
        var url = $"/api/bodies/{body.Id}/calendar.ics";

        var made = await anyone.GetStringAsync(url);
        host.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.That(await anyone.GetStringAsync(url), Is.EqualTo(made), "the kept feed, stamped when it was made ten minutes ago");

        await using var clerk = await LiveClient.ConnectAsync(host, Demo.Clerk, "clerk", meeting.Meeting.Id);
        await clerk.Do("StartMeeting", meeting.Meeting.Id);
        var remade = await anyone.GetStringAsync(url);
        Assert.That(Stamp(remade), Is.EqualTo(Dates.ICalendar(host.Clock.GetUtcNow())).And.Not.EqualTo(Stamp(made)), "made again after the meeting changed");
    }

    private static Task<HttpResponseMessage> Poll(HttpClient client, string url, EntityTagHeaderValue tag)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.IfNoneMatch.Add(tag);
        return client.SendAsync(request);
    }

    private static string Stamp(string ics) => ics.Split("\r\n").First(l => l.StartsWith("DTSTAMP:", StringComparison.Ordinal))["DTSTAMP:".Length..];
}
