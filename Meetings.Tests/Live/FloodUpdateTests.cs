using System.Text.Json;
using System.Text.Json.Nodes;
using Meetings.Client.Contracts;
using Meetings.Client.Services;
using Meetings.Server.Live;
using Meetings.Server.Meetings;
using Meetings.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Meetings.Tests.Live;

/// <summary>
/// A flood that outruns the sending: what changes while an update is being sent goes out together in the next one, and
/// when that is more than 50 events it carries the patch alone, so every screen still gets the meeting as it is now.
/// </summary>
public class FloodUpdateTests
{
    [Test]
    public async Task SixtyChangesMadeWhileAnUpdateIsBeingSent_GoOutAsOnePatch_WithTheirEventsLeftOut()
    {
        using var host = new TestHost();
        // The meeting as it stood before each of 61 sign-ups and after, with each one's events as screens got them.
        var taken = await SignUpStates.TakeAsync(host, signUps: 61);
        var (id, states, events) = taken;

        // A feed of its own with two screens (so the feed waits for one of them), whose sends do not finish until the test lets them.
        var sent = new List<LiveUpdate>();
        var sending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var letGo = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The meeting stands at the last change handed on, as it would under the meeting's lock.
        var standing = 0;
        var feed = new MeetingFeed(id, screen => new Outbox(id, async update =>
        {
            if (screen == "watched") lock (sent) sent.Add(update);
            sending.TrySetResult();
            await letGo.Task;
        }, NullLogger.Instance), take =>
        {
            lock (states) take(states[standing], _ => true);
            return Task.CompletedTask;
        }, TimeProvider.System, NullLogger.Instance);
        void Change(int change)
        {
            lock (states)
            {
                standing = change;
                feed.Publish(taken.EventsOf(change));
            }
        }
        feed.Load(states[0], accessCode: "");
        feed.Follow("watched");
        feed.Follow("other");

        Change(1);
        await sending.Task.WaitAsync(TimeSpan.FromSeconds(10));
        for (var change = 2; change <= 61; change++) Change(change);
        letGo.SetResult();
        await Wait.Until(() => { lock (sent) return sent.Count > 0 && sent[^1].Sequence == states[^1].Sequence; }, "the screen is sent the last change");

        List<MeetingUpdate> updates;
        lock (sent) updates = [.. sent.Select(u => JsonSerializer.Deserialize<MeetingUpdate>(u.Message.Utf8, LiveJson.Options)!)];
        Assert.That(updates, Has.Count.EqualTo(2), "the first change alone, then the sixty made while it was being sent");
        Assert.That((updates[0].From, updates[0].Sequence, updates[0].Events.Count, updates[0].EventsLeftOut),
            Is.EqualTo((states[0].Sequence, states[1].Sequence, taken.EventsOf(1).Count, false)), "one change carries its events");
        Assert.That((updates[1].From, updates[1].Sequence, updates[1].Events.Count, updates[1].EventsLeftOut),
            Is.EqualTo((states[1].Sequence, states[61].Sequence, 0, true)), "sixty gathered carry the patch alone, and say so");
        Assert.That(events.Count(e => e.Sequence > states[1].Sequence), Is.GreaterThan(MeetingFeed.MostEventsPerUpdate));

        var held = JsonSerializer.SerializeToNode(states[0], LiveJson.Options);
        foreach (var update in updates) held = JsonPatch.Apply(held, update.Patch!.Value);
        Assert.That(Snapshots.Canonical(held.Deserialize<MeetingSnapshot>(LiveJson.Options)!), Is.EqualTo(Snapshots.Canonical(states[61])),
            "the patches bring the screen to the meeting as it is");
    }
}
