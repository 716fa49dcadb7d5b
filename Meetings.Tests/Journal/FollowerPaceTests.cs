using System.Collections.Concurrent;
using System.Net;
using Meetings.Client.Contracts;
using Meetings.Server.Followers;
using Meetings.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Meetings.Tests.Journal;

/// <summary>
/// A follower's passes are paced: changes committed soon after its last pass are taken in by its next one together,
/// so a flood of commits costs each follower a few passes (and checkpoint writes), not one per commit.
/// </summary>
public class FollowerPaceTests
{
    [Test]
    public async Task ChangesCommittedWithinTheGap_AreFollowedInOnePass()
    {
        var pace = new FakeTimeProvider();
        var recorder = new Recorder();
        using var host = new TestHost(services: s =>
        {
            s.AddKeyedSingleton<TimeProvider>(JournalFollowers.PaceClock, pace);
            s.AddSingleton<IJournalFollower>(recorder);
        });
        var clerk = await host.SignInAsync(Demo.Clerk);
        var meeting = await clerk.DemoMeeting();
        var id = meeting.Meeting.Id;

        // Past the demo meeting as it stands (moving the pace clock on until a pass has taken it in), then a gap later,
        // so the next change is followed at once: that pass is where the gap starts.
        await Wait.Until(() =>
        {
            pace.Advance(JournalFollowers.Gap);
            return recorder.Last(id) >= meeting.Version;
        }, "the follower past the demo meeting");
        pace.Advance(JournalFollowers.Gap);
        var first = await AddItem(clerk, id, "First late item");
        await Wait.Until(() => recorder.Last(id) >= first, "the lone change followed at once");

        long last = 0;
        for (var i = 0; i < 4; i++) last = await AddItem(clerk, id, $"Late item {i}");
        pace.Advance(JournalFollowers.Gap);
        await Wait.Until(() => recorder.Last(id) >= last, "the follower past the four changes");

        var after = recorder.Batches(id).Where(b => b[^1] > first).ToList();
        Assert.That(after, Has.Count.EqualTo(1), "the changes made within one gap were followed in one pass");
        Assert.That(after[0], Is.EqualTo(Enumerable.Range(1, (int)(last - first)).Select(k => first + k)));
        Assert.That(after[0], Has.Length.GreaterThanOrEqualTo(4));
    }

    [Test]
    public async Task AnotherInstancesCommit_IsFollowedWithinTheInterval_WhileThisInstanceCommitsWithoutPause()
    {
        var recorder = new Recorder();
        using var here = new TestHost(services: s => s.AddSingleton<IJournalFollower>(recorder));
        var clerkHere = await here.SignInAsync(Demo.Clerk);
        var busy = (await clerkHere.DemoMeeting()).Meeting.Id;
        await Wait.Until(() => recorder.Last(busy) > 0, "the follower's first sweep");

        // Another instance on the same database schedules a meeting: nothing here is told of it.
        using var there = new TestHost(here.DataFolder, here.Clock);
        var clerkThere = await there.SignInAsync(Demo.Clerk);
        var elsewhere = (await clerkThere.Send<MeetingDetail>(HttpMethod.Post, "/api/meetings",
            new MeetingRequest((await clerkThere.DemoBody()).Id, "Special Meeting", "Special", Dates.DaysAfter(here.Clock.GetUtcNow(), 30),
                "America/Los_Angeles", "Council Chambers"), HttpStatusCode.Created)).Meeting.Id;

        // Meanwhile this instance commits every two seconds, each commit waking the follower before five seconds pass.
        for (var second = 0; second <= 2 * JournalFollowers.Interval.TotalSeconds && recorder.Last(elsewhere) == 0; second += 2)
        {
            var change = await AddItem(clerkHere, busy, $"Item at {second} s");
            await Wait.Until(() => recorder.Last(busy) >= change, "this instance's change followed");
            here.Clock.Advance(TimeSpan.FromSeconds(2));
        }
        await Wait.Until(() => recorder.Last(elsewhere) > 0, "the other instance's meeting followed by a sweep");
    }

    private static async Task<long> AddItem(HttpClient clerk, Guid meetingId, string title) =>
        (await clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{meetingId}/agenda", new AgendaItemRequest(title, "Discussion"), HttpStatusCode.Created)).Version;

    /// <summary>A follower that notes the sequences of each batch it is handed, per meeting.</summary>
    private sealed class Recorder : IJournalFollower
    {
        private readonly ConcurrentDictionary<Guid, ConcurrentQueue<long[]>> _batches = new();

        public string Name => "pace-recorder";

        public Task FollowAsync(FollowedEvents batch, CancellationToken ct)
        {
            _batches.GetOrAdd(batch.MeetingId, _ => new()).Enqueue([.. batch.Entries.Select(e => e.Sequence)]);
            return Task.CompletedTask;
        }

        public IReadOnlyList<long[]> Batches(Guid meetingId) => _batches.TryGetValue(meetingId, out var q) ? [.. q] : [];

        public long Last(Guid meetingId) => Batches(meetingId) is [.., var last] ? last[^1] : 0;
    }
}
