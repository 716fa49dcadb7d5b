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
/// second or more later) is not sent to screens with the sign-up's event.
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
}
