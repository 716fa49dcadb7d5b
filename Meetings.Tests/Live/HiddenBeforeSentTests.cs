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
    private TestHost _host = null!;
    private LiveClient _clerk = null!;
    private MeetingStore _store = null!;
    private Guid _id;
    private Guid _item;
    private MeetingSnapshot _before = null!;

    [SetUp]
    public async Task PublicCommentOpen()
    {
        _host = new TestHost();
        var meeting = await _host.Anonymous().DemoMeeting();
        (_id, _item) = (meeting.Meeting.Id, meeting.Agenda[2].Id);
        _clerk = await LiveClient.ConnectAsync(_host, Demo.Clerk, "clerk", _id);
        await _clerk.OpenPublicComment(_id, _item);
        _store = _host.Services.GetRequiredService<MeetingStore>();
        _before = await _store.ReadAsync(_id, m => LiveViews.Snapshot(m, default));
    }

    [TearDown]
    public async Task Stop()
    {
        await _clerk.DisposeAsync();
        _host.Dispose();
    }

    /// <summary>
    /// A feed of its own, loaded with the meeting as it was before the test's changes and taking the meeting as it is
    /// now, with one screen that <paramref name="send"/> writes to.
    /// </summary>
    private (MeetingFeed Feed, Outbox Screen) FeedWithOneScreen(Func<LiveUpdate, ValueTask> send)
    {
        Outbox? screen = null;
        var feed = new MeetingFeed(_id, _ => screen = new Outbox(_id, send, NullLogger.Instance), take => _store.ReadAsync(_id, m =>
        {
            take(LiveViews.Snapshot(m, default), m.TextIsPublic);
            return true;
        }), TimeProvider.System, NullLogger.Instance);
        feed.Load(_before, accessCode: "");
        feed.Follow("screen");
        return (feed, screen!);
    }

    [Test]
    public async Task ANameHiddenBeforeItsUpdateGoesOut_IsNotSentWithItsEvent()
    {
        var entry = await _clerk.Invoke<Guid>("AddRoomSpeaker", _id, _item, "A slur, not a name", null, false);
        bool SignUp(JournalEventDto e) => e.Type == "SpeakerSignedUp" && e.Sequence > _before.Sequence;
        await Wait.Until(() => _clerk.Events.Any(SignUp), "the sign-up's event");
        var signedUp = _clerk.Events.Single(SignUp);
        Assert.That(signedUp.Texts, Is.Not.Null, "handed on with its name, public when it was committed");
        await _clerk.Do("HideSpeakerName", _id, entry, "Not a name");

        // The feed handed the sign-up's event as it was committed.
        var sent = new List<LiveUpdate>();
        var (feed, _) = FeedWithOneScreen(update =>
        {
            lock (sent) sent.Add(update);
            return ValueTask.CompletedTask;
        });
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
        // A slow screen: the first update it is sent is taken only when the screen reads again.
        var sent = new List<LiveUpdate>();
        var reads = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (feed, slow) = FeedWithOneScreen(async update =>
        {
            lock (sent) sent.Add(update);
            await reads.Task;
        });

        // Each change handed on as it is committed, as the broadcaster does.
        async Task<JournalEventDto> Committed(string type, Func<Task> command)
        {
            var after = _clerk.Events.Count == 0 ? _before.Sequence : _clerk.Events.Max(e => e.Sequence);
            await command();
            await Wait.Until(() => _clerk.Events.Any(e => e.Type == type && e.Sequence > after), type);
            var e = _clerk.Events.Single(e => e.Type == type && e.Sequence > after);
            feed.Publish([e]);
            return e;
        }
        await Committed("SpeakerSignedUp", () => _clerk.Invoke<Guid>("AddRoomSpeaker", _id, _item, "Card 1", null, false));
        await Wait.Until(() => { lock (sent) return sent.Count == 1; }, "the first update being written to the slow screen");
        var entry = Guid.Empty;
        var signedUp = await Committed("SpeakerSignedUp", async () => entry = await _clerk.Invoke<Guid>("AddRoomSpeaker", _id, _item, "A slur, not a name", null, false));
        await Wait.Until(() => slow.Waiting == 1, "the update with the name waiting for the slow screen");
        Assert.That(signedUp.Texts, Is.Not.Null, "its name was public when it was made");
        await Committed("SpeakerNameHidden", () => _clerk.Do("HideSpeakerName", _id, entry, "Not a name"));
        await Wait.Until(() => slow.Resyncs == 1, "what waited for the slow screen dropped at the hide, for a resync");

        reads.SetResult();
        await Wait.Until(() => { lock (sent) return sent.Count == 2; }, "the slow screen read again");
        await Wait.Until(() => slow.Waiting == 0, "nothing more waiting");
        lock (sent)
        {
            Assert.That(sent.Select(u => Encoding.UTF8.GetString(u.Message.Utf8)), Has.None.Contains("A slur"), "the hidden name never reached the slow screen");
            Assert.That(sent[1].IsResync, Is.True, "told to fetch the meeting as it is now, the name hidden");
        }
    }
}
