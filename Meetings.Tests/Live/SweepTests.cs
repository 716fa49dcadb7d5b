using System.Net;
using Meetings.Client.Contracts;
using Meetings.Server.Live;
using Meetings.Server.Meetings;
using Meetings.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Live;

/// <summary>
/// What an instance holds follows what people watch now: a meeting nobody here has followed or used for ten minutes
/// has its live feed and its state let go, and is read again from the journal by the next to ask.
/// </summary>
public class SweepTests
{
    [Test]
    public async Task AMeetingNobodyHereFollowsOrUsesForTenMinutes_IsLetGo_AndReadAgainByTheNextToJoin()
    {
        using var host = new TestHost();
        var id = (await host.Anonymous().DemoMeeting()).Meeting.Id;
        var (store, broadcaster) = (host.Services.GetRequiredService<MeetingStore>(), host.Services.GetRequiredService<MeetingBroadcaster>());
        await using (await LiveClient.ConnectAsync(host, null, "viewer", id)) { }
        await Wait.Until(() => broadcaster.Following == 0, "the viewer gone");
        Assert.That(broadcaster.Current(id), Is.Not.Null, "the feed kept meanwhile");
        Assert.That(store.Holds(id), "and the meeting's state");

        host.Clock.Advance(MeetingBroadcaster.KeptUnfollowed + MeetingWatcher.SweepInterval);
        await host.Services.GetRequiredService<MeetingWatcher>().TickAsync();

        await Wait.Until(() => broadcaster.Feeds == 0 && !store.Holds(id), "the feed and the state let go");
        await store.RefreshAsync(id);
        Assert.That(store.Holds(id), Is.False, "another instance's commit does not make this one read it all again");
        Assert.That(broadcaster.Follow(id, "a-screen-late"), Is.Null, "a feed let go takes no screen");
        Assert.That(broadcaster.Following, Is.Zero, "and keeps nothing for it");
        // (The feed made for that screen, never loaded, goes at the next sweep.)
        host.Clock.Advance(MeetingWatcher.SweepInterval);
        await host.Services.GetRequiredService<MeetingWatcher>().TickAsync();
        await Wait.Until(() => broadcaster.Feeds == 0, "the feed never loaded let go");

        // Read again by the next to join, who follows it as before.
        var clerk = await host.SignInAsync(Demo.Clerk);
        await using var back = await LiveClient.ConnectAsync(host, null, "back", id);
        var added = await clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{id}/agenda", new AgendaItemRequest("Added after the sweep", "Action"), HttpStatusCode.Created);
        var seen = await back.WaitUntil(s => s.Agenda.Any(i => i.Title == "Added after the sweep"), "the change after the sweep");
        Assert.That(seen.Sequence, Is.EqualTo(added.Version));
    }

    [Test]
    public async Task AMeetingFollowedHere_IsKept_HoweverLongItStandsStill()
    {
        using var host = new TestHost();
        var id = (await host.Anonymous().DemoMeeting()).Meeting.Id;
        var (store, broadcaster) = (host.Services.GetRequiredService<MeetingStore>(), host.Services.GetRequiredService<MeetingBroadcaster>());
        await using var viewer = await LiveClient.ConnectAsync(host, null, "viewer", id);

        host.Clock.Advance(TimeSpan.FromHours(3));
        await host.Services.GetRequiredService<MeetingWatcher>().TickAsync();

        Assert.That((broadcaster.Feeds, store.Holds(id)), Is.EqualTo((1, true)), "a meeting someone here watches is kept");
        var clerk = await host.SignInAsync(Demo.Clerk);
        var added = await clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{id}/agenda", new AgendaItemRequest("Added hours later", "Action"), HttpStatusCode.Created);
        Assert.That((await viewer.WaitForSequence(added.Version)).Agenda.Any(i => i.Title == "Added hours later"));
    }
}
