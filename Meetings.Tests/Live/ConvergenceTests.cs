using System.Data.Common;
using System.Net;
using Meetings.Client.Contracts;
using Meetings.Server.Data;
using Meetings.Server.Live;
using Meetings.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Meetings.Tests.Live;

/// <summary>Nothing acknowledged is lost and every screen converges: after a cut-off, a restart, or across two instances.</summary>
public class ConvergenceTests
{
    [Test]
    public async Task AClientCutOffMidMeeting_MissesEvents_ThenReconnectsAndConverges()
    {
        using var host = new TestHost();
        var meeting = await host.Anonymous().DemoMeeting();
        var id = meeting.Meeting.Id;
        await using var clerk = await LiveClient.ConnectAsync(host, Demo.Clerk, "clerk", id);
        await using var resident = await LiveClient.ConnectAsync(host, null, "resident", id);
        var started = await clerk.Do("StartMeeting", id);
        await resident.WaitForSequence(started.Sequence);

        await resident.Connection.StopAsync();
        await clerk.Do("OpenItem", id, meeting.Agenda[2].Id);
        await clerk.Do("OpenPublicComment", id, meeting.Agenda[2].Id);
        await clerk.Invoke<Guid>("AddRoomSpeaker", id, meeting.Agenda[2].Id, "Card Speaker", null, false);
        var last = await clerk.Do("CallNextSpeaker", id, meeting.Agenda[2].Id);
        Assert.That(resident.Sequence, Is.EqualTo(started.Sequence), "the resident missed the changes while cut off");

        await resident.Connection.StartAsync();
        await resident.CatchUpAsync();

        var seen = await resident.WaitForSequence(last.Sequence);
        Assert.That(seen.Speakers.Single().State, Is.EqualTo("OnDeck"));
        var sequences = resident.Events.Select(e => e.Sequence).ToList();
        Assert.That(sequences, Is.EqualTo(Enumerable.Range((int)started.Sequence, (int)(last.Sequence - started.Sequence + 1)).Select(i => (long)i)));
        // Still in the group: later changes arrive by themselves.
        var after = await clerk.Do("StartTurn", id, seen.Speakers.Single().Id);
        Assert.That((await resident.WaitForSequence(after.Sequence)).Speaking?.Name, Is.EqualTo("Card Speaker"));
    }

    [Test]
    public async Task TheHostStopsMidMeeting_AndEverythingAcknowledgedIsThereAfterItStarts_WithTheTurnTimerStillRunning()
    {
        var folder = TestHost.NewFolder();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        Guid id;
        CommandAck lastAck;
        MeetingSnapshot before;
        using (var host = new TestHost(folder, clock))
        {
            var meeting = await host.Anonymous().DemoMeeting();
            id = meeting.Meeting.Id;
            await using var clerk = await LiveClient.ConnectAsync(host, Demo.Clerk, "clerk", id);
            await using var resident = await LiveClient.ConnectAsync(host, null, "resident", id);
            await clerk.OpenPublicComment(id, meeting.Agenda[2].Id);
            var entry = await resident.Invoke<Guid>("SignUpToSpeak", id, resident.ResidentToken, new SignUpRequest(meeting.Agenda[2].Id, "Pat Resident"));
            lastAck = await clerk.Do("StartTurn", id, entry);
            before = await clerk.WaitForSequence(lastAck.Sequence);
        }

        // Three minutes pass while the server is down; when it is back, nobody is connected and the turn still ends.
        clock.Advance(TimeSpan.FromMinutes(3).Add(TimeSpan.FromSeconds(1)));
        using var restarted = new TestHost(folder, clock);
        await using var viewer = await LiveClient.ConnectAsync(restarted, null, "viewer", id);

        // The watcher's first pass at start-up ends the turn whose time ran out while the server was down.
        var after = await viewer.WaitUntil(s => s.Speakers.Single().State == "Done", "the expired turn ended");
        Assert.That(after.Sequence, Is.EqualTo(lastAck.Sequence + 1), "everything acknowledged, then the expiry");
        Assert.That(after.Speakers.Single().Name, Is.EqualTo(before.Speaking!.Name));
        Assert.That(after.Speakers.Single().State, Is.EqualTo("Done"));
        var journal = await restarted.Anonymous().Get<List<JournalEventDto>>($"/api/meetings/{id}/journal?after={lastAck.Sequence}");
        Assert.That(journal.Single().Type, Is.EqualTo("TurnEnded"));
        Assert.That(journal.Single().Payload.GetProperty("reason").GetString(), Is.EqualTo("Expired"));
        Assert.That(journal.Single().Actor, Is.EqualTo("system"));
    }

    [Test]
    public async Task TwoInstancesOnOneDatabase_TakeCommandsForOneMeeting_AndTheirClientsConverge()
    {
        var folder = TestHost.NewFolder();
        using var a = new TestHost(folder);
        using var b = new TestHost(folder);
        var meeting = await a.Anonymous().DemoMeeting();
        var body = await a.Anonymous().DemoBody();
        var id = meeting.Meeting.Id;
        var item = meeting.Agenda[2].Id;
        await using var clerkOnA = await LiveClient.ConnectAsync(a, Demo.Clerk, "clerk on A", id);
        await using var viewerOnA = await LiveClient.ConnectAsync(a, null, "viewer on A", id);
        await using var viewerOnB = await LiveClient.ConnectAsync(b, null, "viewer on B", id);
        await using var crowdOnB = new LiveCrowd();
        for (var i = 0; i < 8; i++) crowdOnB.Add(await LiveClient.ConnectAsync(b, null, $"resident {i} on B", id));

        await clerkOnA.OpenPublicComment(id, item);
        await WhileTimePasses([a, b], crowdOnB[0].WaitUntil(s => s.Agenda.Single(i => i.Id == item).CommentOpen, "comment open, seen on B"));

        // Residents on B sign up while the clerk on A adds room cards: both instances append at once.
        var signUps = crowdOnB.Select((r, i) => r.Invoke<Guid>("SignUpToSpeak", id, r.ResidentToken, new SignUpRequest(item, $"Web {i}")));
        var cards = Enumerable.Range(0, 8).Select(i => clerkOnA.Invoke<Guid>("AddRoomSpeaker", id, item, $"Card {i}", null, false));
        var all = await Task.WhenAll(signUps.Concat(cards));

        var final = await clerkOnA.Do("MarkArrival", id, body.Seats[0].Id, "InRoom", null);
        LiveClient[] everyone = [clerkOnA, viewerOnA, viewerOnB, .. crowdOnB];
        await WhileTimePasses([a, b], Task.WhenAll(everyone.Select(c => c.WaitForSequence(final.Sequence))));
        foreach (var client in everyone)
        {
            var seen = client.Snapshot;
            Assert.That(seen.Speakers.Select(s => s.Id), Is.EquivalentTo(all), $"{client.Name} sees all sixteen speakers");
            Assert.That(seen.Members[0].Presence, Is.EqualTo("InRoom"));
        }
        var journal = await b.Anonymous().Get<List<JournalEventDto>>($"/api/meetings/{id}/journal");
        Assert.That(journal.Select(e => e.Sequence), Is.EqualTo(Enumerable.Range(1, journal.Count).Select(i => (long)i)), "contiguous");
        Assert.That(journal.Count(e => e.Type == "SpeakerSignedUp"), Is.EqualTo(16), "nothing lost, nothing doubled");
        Assert.That((await a.Anonymous().Get<JournalVerification>($"/api/meetings/{id}/journal/verify")).Intact, Is.True);
    }

    /// <summary>
    /// On an instance whose screens have not yet been sent another instance's change (its watcher looks on the test's
    /// clock, which stands still here) the journal is ahead of the snapshot its screens share, as it is in a flood
    /// while an update is on its way. Catching up lands on that shared snapshot, where the next update starts, or the
    /// screen would have to catch up again at every update.
    /// </summary>
    [Test]
    public async Task CatchingUpWhileTheJournalIsAhead_LandsOnTheSharedSnapshot_AndTheNextUpdateApplies()
    {
        var folder = TestHost.NewFolder();
        using var a = new TestHost(folder);
        using var b = new TestHost(folder);
        var id = (await a.Anonymous().DemoMeeting()).Meeting.Id;
        await using var clerkOnA = await LiveClient.ConnectAsync(a, Demo.Clerk, "clerk on A", id);
        await using var viewerOnB = b.AnonymousHub();
        var next = new TaskCompletionSource<MeetingUpdate>(TaskCreationOptions.RunContinuationsAsynchronously);
        viewerOnB.On<MeetingUpdate>("MeetingUpdated", u => next.TrySetResult(u));
        await viewerOnB.StartAsync();
        var shared = (await viewerOnB.InvokeAsync<JoinResult>("Join", id, null)).Snapshot.Sequence;

        // Made on A; B's clock stands still, so its watcher has not looked and its screens share the older snapshot.
        var made = (await clerkOnA.Do("StartMeeting", id)).Sequence;
        Assert.That(made, Is.GreaterThan(shared));
        var caughtUp = await viewerOnB.InvokeAsync<CatchUp>("EventsAfter", id, shared - 1);

        Assert.That(caughtUp.Snapshot.Sequence, Is.EqualTo(shared), "the snapshot B's screens share, not the journal's end");
        Assert.That(caughtUp.Events.Select(e => e.Sequence), Is.EqualTo(new[] { shared }), "and the events up to it");
        while (!next.Task.IsCompleted)
        {
            b.Clock.Advance(MeetingWatcher.Interval);
            await Task.WhenAny(next.Task, Task.Delay(100));
        }
        var update = await next.Task;
        Assert.That((update.From, update.Sequence), Is.EqualTo((shared, made)), "the next update starts where the screen landed");
    }

    [Test]
    public async Task TwoInstancesAddingCardsAtOnce_TakeTurns_RefuseNone_AndLoseNoRace()
    {
        var folder = TestHost.NewFolder();
        using var a = new TestHost(folder);
        using var b = new TestHost(folder);
        var meeting = await a.Anonymous().DemoMeeting();
        var (id, item) = (meeting.Meeting.Id, meeting.Agenda[2].Id);
        await using var clerkOnA = await LiveClient.ConnectAsync(a, Demo.Clerk, "clerk on A", id);
        await using var clerkOnB = await LiveClient.ConnectAsync(b, Demo.Clerk, "clerk on B", id);
        await clerkOnA.OpenPublicComment(id, item);

        // Both clerks add cards at once, round after round. Each instance holds the end of the journal while it
        // commits, so the other waits its turn: no race for a place is lost, and no card is refused for one.
        const int Rounds = 100, PerRound = 10;
        for (var round = 0; round < Rounds; round++)
            await Task.WhenAll(Enumerable.Range(0, PerRound).SelectMany(i => new[]
            {
                clerkOnA.Invoke<Guid>("AddRoomSpeaker", id, item, $"Card A{round}.{i}", null, false),
                clerkOnB.Invoke<Guid>("AddRoomSpeaker", id, item, $"Card B{round}.{i}", null, false),
            }));

        var raced = a.Logs.Entries.Concat(b.Logs.Entries).Where(e => e.Message.Contains("was changed elsewhere", StringComparison.Ordinal));
        Assert.That(raced.Select(e => e.Message), Is.Empty, "no instance lost a race for a place in the journal");
        var journal = new List<JournalEventDto>();
        for (List<JournalEventDto> page; (page = await b.Anonymous().Get<List<JournalEventDto>>($"/api/meetings/{id}/journal?after={journal.Count}")).Count > 0;)
            journal.AddRange(page);
        Assert.That(journal.Count(e => e.Type == "SpeakerSignedUp"), Is.EqualTo(2 * Rounds * PerRound), "every card, once");
        Assert.That(journal.Select(e => e.Sequence), Is.EqualTo(Enumerable.Range(1, journal.Count).Select(i => (long)i)), "contiguous");
    }

    [Test]
    public async Task AMeetingOnlyWatched_IsReadEachTick_NeverWritten()
    {
        var writes = new CountsMeetingWrites();
        using var host = new TestHost(services: s => s.ConfigureDbContext<SqliteMeetingsDbContext>(o => o.AddInterceptors(writes)));
        var meeting = await host.Anonymous().DemoMeeting();
        await using var viewer = await LiveClient.ConnectAsync(host, null, "viewer", meeting.Meeting.Id);
        Assert.That(meeting.Meeting.Status, Is.Not.EqualTo("Live").And.Not.EqualTo("Recessed"), "watched, not in session");
        var watcher = host.Services.GetRequiredService<MeetingWatcher>();

        var before = writes.Count;
        for (var tick = 0; tick < 5; tick++) await watcher.TickAsync();

        // Anyone may open any meeting, adjourned ones too: watching must not cost a write lock each half second.
        Assert.That(writes.Count - before, Is.Zero, "no hold on the journal of a meeting with no turn to end");
        Assert.That(host.Services.GetRequiredService<MeetingBroadcaster>().Watched, Does.Contain(meeting.Meeting.Id));
    }

    [Test]
    public async Task MeetingsOnlyWatched_AreNotReadEachTick_UntilAnotherInstanceAppendsToOne()
    {
        var reads = new JournalReads();
        var folder = TestHost.NewFolder();
        using var host = new TestHost(folder, services: reads.Register);
        using var other = new TestHost(folder);
        var clerk = await host.SignInAsync(Demo.Clerk);
        var body = await clerk.DemoBody();
        var meetings = new List<Guid> { (await clerk.DemoMeeting()).Meeting.Id };
        for (var i = 0; i < 3; i++) meetings.Add((await clerk.ScheduleMeeting(body.Id, $"Special meeting {i}", Dates.DaysAfter(host.Clock.GetUtcNow(), 30 + i), publish: true)).Meeting.Id);
        var viewers = new List<LiveClient>();
        foreach (var id in meetings) viewers.Add(await LiveClient.ConnectAsync(host, null, $"viewer of {id}", id));
        var watcher = host.Services.GetRequiredService<MeetingWatcher>();
        Assert.That(host.Services.GetRequiredService<MeetingBroadcaster>().Watched, Is.EquivalentTo(meetings), "all watched here, none in session");

        await reads.Mark(() => watcher.TickAsync());
        await reads.Mark(() => watcher.TickAsync());
        Assert.That(reads.Marked, Is.Zero, "four meetings watched, none in session, unchanged: two passes read no journal");

        var otherClerk = await other.SignInAsync(Demo.Clerk);
        var changed = (await otherClerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{meetings[2]}/agenda",
            new AgendaItemRequest("Added elsewhere", "Discussion"), System.Net.HttpStatusCode.Created)).Version;
        await reads.Mark(() => watcher.TickAsync());

        Assert.That(reads.Marked, Is.EqualTo(1), "the one meeting another instance appended to is read, once");
        await viewers[2].WaitForSequence(changed);
        foreach (var viewer in viewers) await viewer.DisposeAsync();
    }

    /// <summary>Counts the statements that write a meeting's row (the hold on its journal's end, or an append).</summary>
    private sealed class CountsMeetingWrites : DbCommandInterceptor
    {
        private int _count;
        public int Count => _count;

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData data, InterceptionResult<int> result, CancellationToken ct = default)
        {
            if (command.CommandText.Contains("UPDATE \"MeetingList\"", StringComparison.Ordinal)) Interlocked.Increment(ref _count);
            return base.NonQueryExecutingAsync(command, data, result, ct);
        }
    }

    /// <summary>
    /// Lets the hosts' own watchers run, with nothing calling them by hand: half a second passes on each host's clock,
    /// again every tenth of a real second, until <paramref name="converged"/> completes (it fails by itself after its timeout).
    /// </summary>
    private static async Task WhileTimePasses(TestHost[] hosts, Task converged)
    {
        while (!converged.IsCompleted)
        {
            foreach (var host in hosts) host.Clock.Advance(MeetingWatcher.Interval);
            await Task.WhenAny(converged, Task.Delay(100));
        }
        await converged;
    }
}
