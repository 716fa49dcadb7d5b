using System.Net;
using Meetings.Client.Contracts;
using Meetings.Server.Live;
using Meetings.Server.Meetings;
using Meetings.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Security;

/// <summary>
/// Opening meetings of the archive, which nothing here holds, makes the server read each one's whole journal and hold
/// it. However many ask, an instance holds at most <c>Meetings:HeldAtMost</c> meetings that nothing needs held (the
/// least used let go first; never one in session or one people here watch), and loading them for a page or the API (the
/// meeting, its resident page, a document, the journal) is counted against the address, as a screen's join of one is.
/// </summary>
public class ArchiveLoadTests
{
    [Test]
    public async Task OpeningMoreOfTheArchiveThanItHolds_LetsGoOfTheLeastUsed_NeverTheMeetingInSessionOrOneWatched()
    {
        using var host = new TestHost(settings: new Dictionary<string, string?> { ["Meetings:HeldAtMost"] = "3" });
        var store = host.Services.GetRequiredService<MeetingStore>();
        var clerk = await host.SignInAsync(Demo.Clerk);
        var watched = (await clerk.DemoMeeting()).Meeting.Id;
        await using var viewer = await LiveClient.ConnectAsync(host, null, "viewer", watched);
        var body = (await clerk.DemoBody()).Id;
        var inSession = (await clerk.ScheduleMeeting(body, "Regular Meeting", Dates.DaysAfter(host.Clock.GetUtcNow(), 1), publish: true)).Meeting.Id;
        await using (var chair = await LiveClient.ConnectAsync(host, Demo.Clerk, "clerk", inSession)) await chair.Do("StartMeeting", inSession);
        var broadcaster = host.Services.GetRequiredService<MeetingBroadcaster>();
        await Wait.Until(() => broadcaster.Following == 1, "the clerk gone, the viewer left");
        // Ten minutes later nobody follows the meeting in session here, so only being in session keeps it.
        host.Clock.Advance(MeetingBroadcaster.KeptUnfollowed + MeetingWatcher.SweepInterval);
        await host.Services.GetRequiredService<MeetingWatcher>().TickAsync();
        await Wait.Until(() => broadcaster.Current(inSession) is null, "the meeting in session has no feed here");

        // Drafts, which no notice is planned for, so that nothing in the background reads them: only the clerk's requests use them.
        List<MeetingDetail> scheduled = [];
        for (var i = 0; i < 5; i++)
            scheduled.Add(await clerk.ScheduleMeeting(body, $"Special Meeting {i}", Dates.DaysAfter(host.Clock.GetUtcNow(), 40 + i), publish: false));
        await FollowersDoneWith(host, scheduled);
        var archive = scheduled.Select(m => m.Meeting.Id).ToList();
        for (var i = 0; i < archive.Count; i++)
        {
            host.Clock.Advance(TimeSpan.FromSeconds(1));
            Assert.That((await clerk.Get<MeetingDetail>($"/api/meetings/{archive[i]}")).Meeting.Title, Is.EqualTo($"Special Meeting {i}"));
            Assert.That(archive.Count(store.Holds), Is.LessThanOrEqualTo(3), $"after opening meeting {i}");
        }

        Assert.That(archive.Select(store.Holds), Is.EqualTo(new[] { false, false, true, true, true }), "the three used last are held");
        Assert.That((store.Holds(inSession), store.Holds(watched)), Is.EqualTo((true, true)), "the meeting in session and the one watched are kept, though used before them all");

        host.Clock.Advance(TimeSpan.FromSeconds(1));
        var again = await clerk.Get<MeetingDetail>($"/api/meetings/{archive[0]}");
        Assert.That(again.Meeting.Title, Is.EqualTo("Special Meeting 0"), "one let go is read again by the next to ask");
        Assert.That(archive.Select(store.Holds), Is.EqualTo(new[] { true, false, false, true, true }), "and the least used of the rest let go");
        var added = await clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{watched}/agenda", new AgendaItemRequest("Added to the watched meeting", "Action"), HttpStatusCode.Created);
        Assert.That((await viewer.WaitForSequence(added.Version)).Agenda.Any(i => i.Title == "Added to the watched meeting"), "the watched meeting's screens still get its changes");
    }

    [Test]
    public async Task LoadingMeetingsNothingHereHolds_ForThePageOrTheApi_IsCountedPerAddress_NotWatchedOnesOrStaff()
    {
        // Holding one meeting nothing needs, each of two opened in turn is loaded again every time.
        using var host = new TestHost(settings: new Dictionary<string, string?> { ["Meetings:HeldAtMost"] = "1" });
        var clerk = await host.SignInAsync(Demo.Clerk);
        var watched = (await clerk.DemoMeeting()).Meeting.Id;
        await using var viewer = await LiveClient.ConnectAsync(host, null, "viewer", watched);
        var body = (await clerk.DemoBody()).Id;
        MeetingDetail[] scheduled =
        [
            await clerk.ScheduleMeeting(body, "Special Meeting on the Pier", Dates.DaysAfter(host.Clock.GetUtcNow(), 40), publish: true),
            await clerk.ScheduleMeeting(body, "Special Meeting on the Levee", Dates.DaysAfter(host.Clock.GetUtcNow(), 41), publish: true),
            // A draft: nothing in the background reads it, so it is held only when a request has just loaded it.
            await clerk.ScheduleMeeting(body, "Special Meeting on the Marsh", Dates.DaysAfter(host.Clock.GetUtcNow(), 42), publish: false),
        ];
        await FollowersDoneWith(host, scheduled);
        var archive = scheduled[..2].Select(m => m.Meeting.Id).ToList();
        var draft = scheduled[2].Meeting.Id;
        const string address = "198.51.100.30";

        // Each request loads a meeting (unless something else here has just read it: notices are planned in the
        // background), and each load takes one of the address's reads.
        var served = 0;
        HttpResponseMessage refused;
        while ((refused = await host.Anonymous().GetFrom($"/api/meetings/{archive[served % 2]}", address)).StatusCode == HttpStatusCode.OK && served <= 2 * JournalReadLimits.Burst)
        {
            refused.Dispose();
            served++;
        }

        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "loads past the address's burst");
        Assert.That(served, Is.GreaterThanOrEqualTo(JournalReadLimits.Burst), "the burst served first");
        Assert.That(refused.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1 / JournalReadLimits.PerSecond)), "when to ask again");
        Assert.That(await refused.Content.ReadAsStringAsync(), Does.Contain(JournalReadLimits.TooMany));
        refused.Dispose();
        var madeUp = Guid.NewGuid();
        using var madeUpRefused = await host.Anonymous().GetFrom($"/api/meetings/{madeUp}", address);
        Assert.That(madeUpRefused.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "an id that names no meeting is a load too");
        Assert.That(host.Services.GetRequiredService<MeetingStore>().Knows(madeUp), Is.False, "and, refused, leaves nothing behind");
        using var page = await host.Anonymous().GetFrom($"/meetings/{draft}", address);
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "the resident page loads it too");
        Assert.That(await page.Content.ReadAsStringAsync(), Does.Contain("Too many meetings were opened from your network"), "and says so in a page");
        Assert.That(page.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)));
        foreach (var route in new[] { $"/api/meetings/{draft}/documents/{Guid.NewGuid()}", $"/api/meetings/{draft}/journal", $"/api/meetings/{draft}/journal/verify" })
        {
            using var loadedThere = await host.Anonymous().GetFrom(route, address);
            Assert.That(loadedThere.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), route);
            Assert.That(await loadedThere.Content.ReadAsStringAsync(), Does.Contain(JournalReadLimits.TooMany), $"{route} loads it too");
        }

        using var watchedDetail = await host.Anonymous().GetFrom($"/api/meetings/{watched}", address);
        using var watchedPage = await host.Anonymous().GetFrom($"/meetings/{watched}", address);
        Assert.That((watchedDetail.StatusCode, watchedPage.StatusCode), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.OK)), "a meeting watched here is loaded for nobody");
        using var other = await host.Anonymous().GetFrom($"/meetings/{draft}", "198.51.100.31");
        Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "another address is answered: a draft is not public");
        using var staff = await clerk.GetFrom($"/api/meetings/{draft}", address);
        Assert.That(staff.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the clerk, from the same address");

        // The clerk's read of another meeting lets go of the draft (one held at most): the next page loads it again.
        using var clerkElsewhere = await clerk.GetFrom($"/api/meetings/{archive[0]}", address);
        Assert.That(host.Services.GetRequiredService<MeetingStore>().Holds(draft), Is.False);
        host.Clock.Advance(TimeSpan.FromSeconds(1 / JournalReadLimits.PerSecond));
        using var later = await host.Anonymous().GetFrom($"/meetings/{draft}", address);
        Assert.That(later.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "one more load a second: answered");
        using var past = await host.Anonymous().GetFrom($"/meetings/{draft}", address);
        Assert.That(past.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "held now: no load, not counted");
    }

    /// <summary>The journal's followers read a meeting after its commits: once they are past them, only the test's requests use it.</summary>
    private static Task FollowersDoneWith(TestHost host, IEnumerable<MeetingDetail> meetings) =>
        Wait.Until(() => meetings.All(m => Crash.Checkpoint(host, "notices", m.Meeting.Id) >= m.Version && Crash.Checkpoint(host, "phone", m.Meeting.Id) >= m.Version),
            "the followers caught up");
}
