using System.Net;
using Meetings.Client.Contracts;
using Meetings.Tests.Support;

namespace Meetings.Tests.Phone;

public class CallFlowTests : PhoneFixture
{
    [Test]
    public async Task ACaller_JoinsMuted_RaisesAHand_IsUnmutedForTheirTurn_AndMutedWhenItExpires()
    {
        await OpenPublicComment();
        var caller = NewCaller("+15035554821");

        var greeting = await caller.Dial();
        Assert.That(greeting, Does.Contain("<Gather").And.Contain("/phone/voice/code?lang=en&amp;attempt=1").And.Contain("oprima 2"));
        var joining = await caller.EnterCode(Meeting.AccessCode);
        Assert.That(joining, Does.Contain("<Dial").And.Contain("hangupOnStar=\"true\"").And.Contain("action=\"/phone/voice/star?lang=en\""));
        Assert.That(joining, Does.Contain("muted=\"true\"").And.Contain($"meeting-{MeetingId:N}</Conference>"));
        Assert.That(joining, Does.Contain("star then 9"));
        await caller.ConferenceEvent(MeetingId, "participant-join", muted: true);
        Assert.That((await PhoneStatus()).Listening, Is.EqualTo(1));

        // *9 raises the hand: the caller is in the same queue as everyone else, known only by the last four digits.
        var menu = await caller.PressStar();
        Assert.That(menu, Does.Contain("numDigits=\"1\""));
        await caller.ConferenceEvent(MeetingId, "participant-leave", muted: true, participantCallStatus: "in-progress");
        var raised = await caller.PressDigit("9");
        Assert.That(raised, Does.Contain("Your hand is raised").And.Contain("number 1 in line"));
        Assert.That(raised, Does.Contain("muted=\"true\""), "back in the meeting, still muted");
        await caller.ConferenceEvent(MeetingId, "participant-join", muted: true);
        var queued = await Clerk.WaitUntil(s => s.Speakers.Any(e => e.Source == "Phone"), "the caller in the queue");
        var entry = queued.Speakers.Single();
        Assert.That(entry.Name, Is.EqualTo("Caller ending 4821"));
        Assert.That(entry.State, Is.EqualTo("Waiting"));
        Assert.That((await PhoneStatus()).Callers.Single().State, Is.EqualTo("HandRaised"));

        // The clerk gives the floor: Twilio is told to unmute exactly this call.
        await Clerk.Do("StartTurn", MeetingId, entry.Id);
        await Eventually(() => Twilio.ParticipantUpdates(caller.CallSid).Count == 1, "the unmute");
        var unmute = Twilio.ParticipantUpdates(caller.CallSid).Single();
        Assert.That(unmute.Path, Does.Contain($"/Accounts/{FakeTwilio.AccountSid}/Conferences/{caller.ConferenceSid}/Participants/"));
        Assert.That(unmute.Form["Muted"], Is.EqualTo("false"));
        Assert.That((await PhoneStatus()).Callers.Single().State, Is.EqualTo("Speaking"));

        // Time runs out with nobody touching anything: the server ends the turn and mutes the line.
        Host.Clock.Advance(TimeSpan.FromSeconds(181));
        await Eventually(() => Twilio.ParticipantUpdates(caller.CallSid).Count == 2, "the mute after expiry");
        Assert.That(Twilio.ParticipantUpdates(caller.CallSid)[1].Form["Muted"], Is.EqualTo("true"));
        var done = await Clerk.WaitUntil(s => s.Speakers.Single().State == "Done", "the turn to end");
        Assert.That(done.Speaking, Is.Null);

        // The full number is never broadcast or put in the public record.
        var journal = await Host.Anonymous().GetStringAsync($"/api/meetings/{MeetingId}/journal");
        Assert.That(journal, Does.Not.Contain("5035554821").And.Contain("Caller ending 4821"));
        Assert.That(System.Text.Json.JsonSerializer.Serialize(Clerk.Snapshot), Does.Not.Contain("5035554821"));
    }

    [Test]
    public async Task ACallerWhoHangsUpWhileWaiting_BecomesANoShow_AndOneWhoHangsUpSpeaking_EndsTheTurn()
    {
        await OpenPublicComment();
        var waiting = await CallInWithHandRaised("+15035550001");
        var speaking = await CallInWithHandRaised("+15035550002");
        var queue = (await Clerk.WaitUntil(s => s.Speakers.Count == 2, "two callers")).Speakers;
        await Clerk.Do("StartTurn", MeetingId, queue[1].Id);

        await waiting.ConferenceEvent(MeetingId, "participant-leave", muted: true, participantCallStatus: "completed");
        await speaking.ConferenceEvent(MeetingId, "participant-leave", muted: false, participantCallStatus: "completed");

        var after = await Clerk.WaitUntil(s => s.Speakers.All(e => e.State is "NoShow" or "Done"), "both callers gone");
        Assert.That(after.Speakers.Select(e => e.State), Is.EqualTo(new[] { "NoShow", "Done" }));
        Assert.That(after.Speaking, Is.Null);
        var status = await PhoneStatus();
        Assert.That(status.Listening, Is.EqualTo(0));
        Assert.That(status.Callers.Select(c => c.State), Is.EqualTo(new[] { "Left", "Left" }));
        var journal = await Host.Anonymous().Get<List<JournalEventDto>>($"/api/meetings/{MeetingId}/journal");
        Assert.That(journal.Last().Payload.GetProperty("reason").GetString(), Is.EqualTo("SpeakerLeft"));
    }

    [Test]
    public async Task StarNineAgain_LowersTheHand()
    {
        await OpenPublicComment();
        var caller = await CallInWithHandRaised();
        await caller.PressStar();
        var lowered = await caller.PressDigit("9");
        Assert.That(lowered, Does.Contain("Your hand is lowered"));
        var snapshot = await Clerk.WaitUntil(s => s.Speakers.Single().State == "Withdrawn", "the hand lowered");
        Assert.That(snapshot.Speakers, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task StarNine_WhenNoCommentIsOpen_SaysSo_AndQueuesNothing()
    {
        await Clerk.Do("StartMeeting", MeetingId);
        var caller = await CallIn();
        await caller.PressStar();
        var answer = await caller.PressDigit("9");
        Assert.That(answer, Does.Contain("Public comment is not open right now"));
        Assert.That((await ClerkCaughtUp()).Speakers, Is.Empty);
    }

    [Test]
    public async Task StarSix_UnmutesOnlyTheCallerWhoHasTheFloor()
    {
        await OpenPublicComment();
        var caller = await CallInWithHandRaised();
        await caller.PressStar();
        var early = await caller.PressDigit("6");
        Assert.That(early, Does.Contain("You do not have the floor yet").And.Contain("muted=\"true\""));

        var entry = (await Clerk.WaitUntil(s => s.Speakers.Count == 1, "the caller")).Speakers.Single();
        await Clerk.Do("StartTurn", MeetingId, entry.Id);
        await caller.PressStar();
        var onTheFloor = await caller.PressDigit("6");
        Assert.That(onTheFloor, Does.Contain("You have the floor").And.Contain("muted=\"false\""));
    }

    [Test]
    public async Task StarOne_SaysTheCurrentItemAndThePlaceInLine()
    {
        await OpenPublicComment();
        await CallInWithHandRaised("+15035550001");
        var second = await CallInWithHandRaised("+15035550002");
        await second.PressStar();
        var answer = await second.PressDigit("1");
        Assert.That(answer, Does.Contain("The current item is 3, Public Comment on Items Not on the Agenda.").And.Contain("You are number 2 in line."));
        await second.PressStar();
        Assert.That(await second.PressDigit("0"), Does.Contain("star then 9"));
    }

    [Test]
    public async Task ThreeWrongCodes_EndWithAPoliteGoodbye()
    {
        var caller = NewCaller();
        await caller.Dial();
        var first = await caller.EnterCode("000000");
        Assert.That(first, Does.Contain("does not match a meeting").And.Contain("attempt=2"));
        var second = await caller.EnterCode("111111", attempt: 2);
        Assert.That(second, Does.Contain("attempt=3"));
        var third = await caller.EnterCode("222222", attempt: 3);
        Assert.That(third, Does.Contain("Goodbye").And.Contain("<Hangup"));
        Assert.That((await PhoneStatus()).Callers, Is.Empty);
    }

    [Test]
    public async Task PressingTwo_ContinuesInSpanish()
    {
        await OpenPublicComment();
        var caller = NewCaller();
        await caller.Dial();
        var spanish = await caller.EnterCode("2");
        Assert.That(spanish, Does.Contain("Marque el código de acceso").And.Contain("lang=es"));
        var joined = await caller.EnterCode(Meeting.AccessCode, lang: "es");
        Assert.That(joined, Does.Contain("language=\"es-MX\"").And.Contain("asterisco y luego 9"));
        await caller.ConferenceEvent(MeetingId, "participant-join", muted: true);
        await caller.PressStar("es");
        Assert.That(await caller.PressDigit("9", "es"), Does.Contain("Su mano está levantada"));
    }

    [Test]
    public async Task ACallerBeforeTheStart_HearsWhenItStarts_AndWaitsForTheMeeting()
    {
        var caller = NewCaller();
        var answer = await caller.EnterCode(Meeting.AccessCode);
        Assert.That(answer, Does.Contain("starts on").And.Contain("6:00 PM"));
        Assert.That(answer, Does.Contain("startConferenceOnEnter=\"false\""));
    }

    [Test]
    public async Task TheChambersModeratorCode_JoinsUnmuted_AndStartsTheConference()
    {
        var status = await PhoneStatus();
        Assert.That(status.Enabled, Is.True);
        Assert.That(status.ModeratorCode, Does.Match("^[0-9]{8}$"));
        var answer = await NewCaller("+15035550000").EnterCode(status.ModeratorCode!);
        Assert.That(answer, Does.Contain("muted=\"false\"").And.Contain("startConferenceOnEnter=\"true\"").And.Contain($"meeting-{MeetingId:N}"));
        Assert.That((await PhoneStatus()).Callers, Is.Empty, "the chamber is not a caller");
    }

    [Test]
    public async Task StarNine_DuringARecess_IsAnsweredWithAPrompt_NotAnErrorThatHangsUp()
    {
        await OpenPublicComment();
        var caller = await CallIn();
        await Clerk.Do("Recess", MeetingId);
        await caller.PressStar();
        var answer = await caller.PressDigit("9");
        Assert.That(answer, Does.Contain("That cannot be done right now").And.Contain("<Dial"));
    }

    [Test]
    public async Task ACallerWhoHangsUpInTheKeypadMenu_GivesUpTheirPlace_ThroughTheCallStatusCallback()
    {
        await OpenPublicComment();
        var caller = await CallInWithHandRaised();
        await caller.PressStar();
        await caller.ConferenceEvent(MeetingId, "participant-leave", muted: true, participantCallStatus: "in-progress");

        var ended = await caller.PostAsync("/phone/call-status", new Dictionary<string, string> { ["CallStatus"] = "completed" });

        Assert.That((int)ended.StatusCode, Is.LessThan(300));
        await Clerk.WaitUntil(s => s.Speakers.Single().State == "NoShow", "the no-show");
        Assert.That((await PhoneStatus()).Callers.Single().State, Is.EqualTo("Left"));
    }

    [Test]
    public async Task ACallerBackInTheMeetingsConferenceStartedAgain_IsOpenedWhenGivenTheFloor()
    {
        await OpenPublicComment();
        var caller = await CallIn();
        await caller.PressStar();
        await caller.ConferenceEvent(MeetingId, "participant-leave", muted: true, participantCallStatus: "in-progress");
        await caller.PressDigit("9");
        // The lone caller's leaving ended the conference: back in, it is a new one, whose events Twilio numbers from 1.
        var ended = caller.ConferenceSid;
        caller.NewConference();
        await caller.ConferenceEvent(MeetingId, "participant-join", muted: true);
        // Stragglers from the conference that ended change nothing.
        await caller.ConferenceEvent(MeetingId, "participant-mute", muted: true, sequence: 3, conferenceSid: ended);
        await caller.ConferenceEvent(MeetingId, "participant-leave", muted: true, participantCallStatus: "in-progress", sequence: 4, conferenceSid: ended);
        var entry = (await Clerk.WaitUntil(s => s.Speakers.Any(e => e.Source == "Phone"), "the caller in the queue")).Speakers.Single();

        await Clerk.Do("StartTurn", MeetingId, entry.Id);

        await Eventually(() => Twilio.ParticipantUpdates(caller.CallSid).Count == 1, "the unmute");
        Assert.That(Twilio.ParticipantUpdates(caller.CallSid)[0].Path, Does.Contain($"/Conferences/{caller.ConferenceSid}/"), "in the conference the caller is in now");
        Assert.That(Twilio.ParticipantUpdates(caller.CallSid)[0].Form["Muted"], Is.EqualTo("false"));
    }

    [Test]
    public async Task TheSameNumber_CannotHoldTwoPlaces_FromTwoCalls()
    {
        await OpenPublicComment();
        await CallInWithHandRaised("+15035550777");
        var second = await CallIn("+15035550777");
        await second.PressStar();
        Assert.That(await second.PressDigit("9"), Does.Contain("already in line from another call"));
        Assert.That((await ClerkCaughtUp()).Speakers, Has.Count.EqualTo(1));
        var journal = await Host.Anonymous().GetStringAsync($"/api/meetings/{MeetingId}/journal");
        var numberHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("phone:+15035550777")))[..24];
        Assert.That(journal, Does.Not.Contain(numberHash), "the public key is not a hash of the number");
    }
}
