using Meetings.Client.Contracts;
using Meetings.Tests.Support;

namespace Meetings.Tests.Phone;

/// <summary>The clerk ends a caller's turn and drops the call in one action, and blocks a caller by a keyed hash of their number.</summary>
public class DropAndBlockTests : PhoneFixture
{
    [Test]
    public async Task DroppingACaller_EndsTheTurn_AndHangsUpTheCallThroughTwilio()
    {
        await OpenPublicComment();
        var caller = await CallInWithHandRaised("+15035554821");
        var entry = (await Clerk.WaitUntil(s => s.Speakers.Count == 1, "the caller in line")).Speakers.Single();
        await Clerk.Do("StartTurn", MeetingId, entry.Id);
        await Eventually(() => Twilio.ParticipantUpdates(caller.CallSid).Count == 1, "the unmute");

        var dropped = await Clerk.Do("DropSpeaker", MeetingId, entry.Id);

        await Eventually(() => Twilio.HangUps(caller.CallSid).Count == 1, "the call hung up");
        var after = await Clerk.WaitForSequence(dropped.Sequence);
        Assert.That((after.Speaking, after.Speakers.Single().State), Is.EqualTo(((SpeakerDto?)null, "Done")));
        var journal = await Host.Anonymous().Get<List<JournalEventDto>>($"/api/meetings/{MeetingId}/journal");
        Assert.That(journal[^1].Type, Is.EqualTo("TurnEnded"));
        Assert.That(journal[^1].Payload.GetProperty("reason").GetString(), Is.EqualTo("Dropped"), "on the record as a drop");
        await Eventually(() => PhoneStatus().Result.Callers.Single().State == "Left", "the caller shown as gone");
        Assert.That(Twilio.HangUps(caller.CallSid).Single().Path, Does.EndWith($"/Accounts/{FakeTwilio.AccountSid}/Calls/{caller.CallSid}.json"));
    }

    [Test]
    public async Task ADropThatTwilioRefusesAtFirst_IsRetriedUntilTheCallIsGone()
    {
        await OpenPublicComment();
        var caller = await CallInWithHandRaised("+15035554821");
        var entry = (await Clerk.WaitUntil(s => s.Speakers.Count == 1, "the caller in line")).Speakers.Single();
        await Clerk.Do("StartTurn", MeetingId, entry.Id);
        Twilio.FailWith = System.Net.HttpStatusCode.ServiceUnavailable;

        await Clerk.Do("DropSpeaker", MeetingId, entry.Id);
        await Eventually(() => Twilio.HangUps(caller.CallSid).Count >= 1, "a first attempt");
        Twilio.FailWith = null;

        await AfterSync(() => PhoneStatus().Result.Callers.Single().State == "Left", "the call gone once Twilio answers");
        Assert.That(Twilio.HangUps(caller.CallSid).Count, Is.GreaterThanOrEqualTo(2));
    }

    [Test]
    public async Task ABlockedCaller_CannotRaiseAHandAgain_FromAnyCallFromThatNumber()
    {
        await OpenPublicComment();
        var caller = await CallInWithHandRaised("+15035554821");
        var entry = (await Clerk.WaitUntil(s => s.Speakers.Count == 1, "the caller in line")).Speakers.Single();
        await Clerk.Do("MarkNoShow", MeetingId, entry.Id);

        var blocked = await Clerk.Do("BlockSpeaker", MeetingId, entry.Id, "Shouted slurs");

        var again = await CallIn("+15035554821");
        await again.PressStar();
        await again.ConferenceEvent(MeetingId, "participant-leave", muted: true, participantCallStatus: "in-progress");
        var refused = await again.PressDigit("9");
        Assert.That(refused, Does.Contain("That cannot be done right now."));
        var other = await CallInWithHandRaised("+15035550000");
        var queue = (await Clerk.WaitUntil(s => s.Speakers.Count == 2, "another number's caller in line")).Speakers;
        Assert.That(queue.Select(e => e.Name), Is.EqualTo(new[] { "Caller ending 4821", "Caller ending 0000" }));
        var journal = await Host.Anonymous().Get<List<JournalEventDto>>($"/api/meetings/{MeetingId}/journal");
        var block = journal.Single(e => e.Sequence == blocked.Sequence);
        Assert.That(block.Type, Is.EqualTo("SpeakerBlocked"));
        Assert.That(block.Payload.GetProperty("personKey").GetString(), Is.EqualTo(entry.PersonKey).And.Match("^[0-9a-f]{24}$"));
        Assert.That(System.Text.Json.JsonSerializer.Serialize(journal), Does.Not.Contain("5035554821"), "blocked by a keyed hash, never the number");
        _ = other;
    }
}

/// <summary>A web speaker heard through the browser is dropped the same way: the browser's call into the conference is hung up.</summary>
public class DropBrowserSpeakerTests : WebSpeakerFixture
{
    [Test]
    public async Task DroppingAWebSpeaker_EndsTheTurn_AndHangsUpTheirBrowsersCall()
    {
        await OpenPublicComment();
        var (resident, entry) = await WebSpeaker();
        await using var _ = resident;
        var browser = Browser(await TokenFor(resident, entry));
        await browser.Parsed("/phone/voice/browser");
        await browser.ConferenceEvent(MeetingId, "participant-join", muted: true);
        await Clerk.Do("StartTurn", MeetingId, entry);

        await Clerk.Do("DropSpeaker", MeetingId, entry);

        await Eventually(() => Twilio.HangUps(browser.CallSid).Count == 1, "the browser's call hung up");
        await Eventually(() => PhoneStatus().Result.Callers.Single().State == "Left", "the browser shown as gone");
        var journal = await Host.Anonymous().Get<List<JournalEventDto>>($"/api/meetings/{MeetingId}/journal");
        Assert.That(journal[^1].Payload.GetProperty("reason").GetString(), Is.EqualTo("Dropped"));
    }
}
