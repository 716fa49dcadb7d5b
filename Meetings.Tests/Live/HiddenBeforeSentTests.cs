using System.Text;
using System.Text.Json;
using Meetings.Client.Contracts;
using Meetings.Server.Live;
using Meetings.Server.Meetings;
using Meetings.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Meetings.Tests.Live;

/// <summary>
/// A name the clerk hides between its sign-up's commit and the update that carries it (a paced update can go out a
/// second or more later) is not sent to screens with the sign-up's event; nor is it sent to a slow screen in an
/// update that was made before the hide and still waits for that screen.
/// </summary>
public class HiddenBeforeSentTests
{
    [Test]
    public async Task ANameHiddenBeforeItsUpdateGoesOut_IsNotSentWithItsEvent()
    {
        using var host = new TestHost();
        var meeting = await host.Anonymous().DemoMeeting();
        var (id, item) = (meeting.Meeting.Id, meeting.Agenda[2].Id);
        await using var clerk = await LiveClient.ConnectAsync(host, Demo.Clerk, "clerk", id);
        await clerk.OpenPublicComment(id, item);
        var store = host.Services.GetRequiredService<MeetingStore>();
        var before = await store.ReadAsync(id, m => LiveViews.Snapshot(m, default));
        var entry = await clerk.Invoke<Guid>("AddRoomSpeaker", id, item, "A slur, not a name", null, false);
        bool SignUp(JournalEventDto e) => e.Type == "SpeakerSignedUp" && e.Sequence > before.Sequence;
        await Wait.Until(() => clerk.Events.Any(SignUp), "the sign-up's event");
        var signedUp = clerk.Events.Single(SignUp);
        Assert.That(signedUp.Texts, Is.Not.Null, "handed on with its name, public when it was committed");
        await clerk.Do("HideSpeakerName", id, entry, "Not a name");

        // A feed of its own, handed the sign-up's event as it was committed, and taking the meeting as it is now.
        var sent = new List<LiveUpdate>();
        var feed = new MeetingFeed(id, _ => new Outbox(id, update =>
        {
            lock (sent) sent.Add(update);
            return ValueTask.CompletedTask;
        }, NullLogger.Instance), take => store.ReadAsync(id, m =>
        {
            take(LiveViews.Snapshot(m, default), m.TextIsPublic);
            return true;
        }), TimeProvider.System, NullLogger.Instance);
        feed.Load(before, accessCode: "");
        feed.Follow("screen");
        feed.Publish([signedUp]);
        await Wait.Until(() => { lock (sent) return sent.Count > 0; }, "the update sent");

        var update = JsonSerializer.Deserialize<MeetingUpdate>(sent[0].Message.Utf8, LiveJson.Options)!;
        var carried = update.Events.Single(e => e.Sequence == signedUp.Sequence);
        Assert.That(carried.Texts, Is.Null, "the hidden name is not sent");
        Assert.That(JsonSerializer.Serialize(update, LiveJson.Options), Does.Not.Contain("A slur"));
    }

    [Test]
    public async Task ANameHiddenWhileItsUpdateWaitsForASlowScreen_IsNotSentToIt()
    {
        using var host = new TestHost();
        var meeting = await host.Anonymous().DemoMeeting();
        var (id, item) = (meeting.Meeting.Id, meeting.Agenda[2].Id);
        await using var clerk = await LiveClient.ConnectAsync(host, Demo.Clerk, "clerk", id);
        await clerk.OpenPublicComment(id, item);
        var store = host.Services.GetRequiredService<MeetingStore>();
        var before = await store.ReadAsync(id, m => LiveViews.Snapshot(m, default));

        // A feed of its own with one slow screen: the first update it is sent is taken only when the screen reads again.
        var sent = new List<LiveUpdate>();
        var reads = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Outbox? slow = null;
        var feed = new MeetingFeed(id, _ => slow = new Outbox(id, async update =>
        {
            lock (sent) sent.Add(update);
            await reads.Task;
        }, NullLogger.Instance), take => store.ReadAsync(id, m =>
        {
            take(LiveViews.Snapshot(m, default), m.TextIsPublic);
            return true;
        }), TimeProvider.System, NullLogger.Instance);
        feed.Load(before, accessCode: "");
        feed.Follow("slow screen");

        // Each change handed on as it is committed, as the broadcaster does.
        async Task<JournalEventDto> Committed(string type, Func<Task> command)
        {
            var after = clerk.Events.Count == 0 ? before.Sequence : clerk.Events.Max(e => e.Sequence);
            await command();
            await Wait.Until(() => clerk.Events.Any(e => e.Type == type && e.Sequence > after), type);
            var e = clerk.Events.Single(e => e.Type == type && e.Sequence > after);
            feed.Publish([e]);
            return e;
        }
        await Committed("SpeakerSignedUp", () => clerk.Invoke<Guid>("AddRoomSpeaker", id, item, "Card 1", null, false));
        await Wait.Until(() => { lock (sent) return sent.Count == 1; }, "the first update being written to the slow screen");
        var entry = Guid.Empty;
        var signedUp = await Committed("SpeakerSignedUp", async () => entry = await clerk.Invoke<Guid>("AddRoomSpeaker", id, item, "A slur, not a name", null, false));
        await Wait.Until(() => slow!.Waiting == 1, "the update with the name waiting for the slow screen");
        Assert.That(signedUp.Texts, Is.Not.Null, "its name was public when it was made");
        await Committed("SpeakerNameHidden", () => clerk.Do("HideSpeakerName", id, entry, "Not a name"));
        await Wait.Until(() => slow!.Resyncs == 1, "what waited for the slow screen dropped at the hide, for a resync");

        reads.SetResult();
        await Wait.Until(() => { lock (sent) return sent.Count == 2; }, "the slow screen read again");
        await Wait.Until(() => slow!.Waiting == 0, "nothing more waiting");
        lock (sent)
        {
            Assert.That(sent.Select(u => Encoding.UTF8.GetString(u.Message.Utf8)), Has.None.Contains("A slur"), "the hidden name never reached the slow screen");
            Assert.That(sent[1].IsResync, Is.True, "told to fetch the meeting as it is now, the name hidden");
        }
    }
}
