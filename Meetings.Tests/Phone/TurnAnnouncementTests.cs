using System.Net;
using Meetings.Client.Contracts;
using Meetings.Server.Phone;
using Meetings.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Phone;

/// <summary>What a caller hears alone during their turn, an open line never shown as muted, and a Twilio outage in the log.</summary>
public class TurnAnnouncementTests : PhoneFixture
{
    /// <summary>Fetches an announce URL as Twilio would (signed) and returns what it says.</summary>
    private static async Task<Twiml> Heard(FakeCaller caller, string announceUrl)
    {
        Assert.That(announceUrl, Does.StartWith(FakeTwilio.PublicBaseUrl + "/phone/announce?"));
        return await caller.Parsed(announceUrl[FakeTwilio.PublicBaseUrl.Length..]);
    }

    [Test]
    public async Task ACallerAlone_HearsTheyHaveTheFloor_ThirtySecondsLeft_AndThatTheirTimeIsUp()
    {
        await OpenPublicComment();
        var speaker = await CallInWithHandRaised("+15035550001");
        var listener = await CallInWithHandRaised("+15035550002");
        var entry = (await Clerk.WaitUntil(s => s.Speakers.Count == 2, "two callers")).Speakers[0];

        await Clerk.Do("StartTurn", MeetingId, entry.Id);
        await Eventually(() => Twilio.Announcements(speaker.CallSid).Count == 1, "the floor announcement");
        Assert.That(Twilio.ParticipantUpdates(speaker.CallSid).Single().Form["Muted"], Is.EqualTo("false"));
        var floor = await Heard(speaker, Twilio.Announcements(speaker.CallSid)[0]);
        Assert.That(floor.Text, Is.EqualTo("You have the floor. You have 3 minutes."));
        Assert.That(Twilio.Requests.Single(r => r.Form.ContainsKey("AnnounceUrl")).Path, Does.EndWith($"/Conferences/{speaker.ConferenceSid}/Participants/{speaker.CallSid}.json"),
            "played to that participant alone, not to the conference");

        Host.Clock.Advance(TimeSpan.FromSeconds(149));
        await Host.Services.GetRequiredService<PhoneSync>().SyncAsync();
        Assert.That(Twilio.Announcements(speaker.CallSid), Has.Count.EqualTo(1), "no warning at 31 seconds left");
        Host.Clock.Advance(TimeSpan.FromSeconds(1));
        await AfterSync(() => Twilio.Announcements(speaker.CallSid).Count == 2, "the warning at 30 seconds left");
        Assert.That((await Heard(speaker, Twilio.Announcements(speaker.CallSid)[1])).Text, Is.EqualTo("30 seconds left."));

        Host.Clock.Advance(TimeSpan.FromSeconds(31));
        await Eventually(() => Twilio.Announcements(speaker.CallSid).Count == 3, "time is up");
        Assert.That((await Heard(speaker, Twilio.Announcements(speaker.CallSid)[2])).Text, Is.EqualTo("Your time is up. Thank you."));
        await Eventually(() => Twilio.ParticipantUpdates(speaker.CallSid).Count == 2, "the mute");
        Assert.That(Twilio.ParticipantUpdates(speaker.CallSid)[1].Form["Muted"], Is.EqualTo("true"));

        Assert.That(Twilio.Announcements(listener.CallSid), Is.Empty, "nobody else hears it");
    }

    [Test]
    public async Task ASpanishCaller_HearsTheFloorInSpanish_AndAnExtendedTurnIsWarnedAgain()
    {
        await OpenPublicComment();
        var caller = NewCaller("+15035550003");
        await caller.EnterCode(Meeting.AccessCode, lang: "es");
        await caller.ConferenceEvent(MeetingId, "participant-join", muted: true);
        await caller.PressStar("es");
        await caller.ConferenceEvent(MeetingId, "participant-leave", muted: true, participantCallStatus: "in-progress");
        await caller.PressDigit("9", "es");
        await caller.ConferenceEvent(MeetingId, "participant-join", muted: true);
        var entry = (await Clerk.WaitUntil(s => s.Speakers.Count == 1, "the caller")).Speakers[0];

        await Clerk.Do("StartTurn", MeetingId, entry.Id);
        await Eventually(() => Twilio.Announcements(caller.CallSid).Count == 1, "the floor announcement");
        var floor = await Heard(caller, Twilio.Announcements(caller.CallSid)[0]);
        Assert.That(floor.Text, Is.EqualTo("Tiene la palabra. Tiene 3 minutos."));
        Assert.That(floor.Said.Single().Language, Is.EqualTo("es-MX"));

        Host.Clock.Advance(TimeSpan.FromSeconds(151));
        await AfterSync(() => Twilio.Announcements(caller.CallSid).Count == 2, "the warning");
        Assert.That((await Heard(caller, Twilio.Announcements(caller.CallSid)[1])).Text, Is.EqualTo("Le quedan 30 segundos."));
        await Clerk.Do("ExtendTurn", MeetingId, 60);
        Host.Clock.Advance(TimeSpan.FromSeconds(60));
        await AfterSync(() => Twilio.Announcements(caller.CallSid).Count == 3, "the warning for the new end");
        await Clerk.Do("EndTurn", MeetingId);
        await Eventually(() => Twilio.Announcements(caller.CallSid).Count == 4, "the end of the turn");
        Assert.That((await Heard(caller, Twilio.Announcements(caller.CallSid)[3])).Text, Is.EqualTo("Terminó su turno. Gracias."));
    }

    [Test]
    public async Task ALineThatStaysOpenBecauseTheMuteFails_ShowsMutePending_WithWhy_UntilTwilioConfirms()
    {
        await OpenPublicComment();
        var caller = await CallInWithHandRaised();
        var entry = (await Clerk.WaitUntil(s => s.Speakers.Count == 1, "the caller")).Speakers.Single();
        await Clerk.Do("StartTurn", MeetingId, entry.Id);
        await Eventually(() => Twilio.ParticipantUpdates(caller.CallSid).Count == 1, "the unmute");
        // *6: the caller comes back into the conference unmuted.
        await caller.PressStar();
        await caller.ConferenceEvent(MeetingId, "participant-leave", muted: false, participantCallStatus: "in-progress");
        await caller.PressDigit("6");
        await caller.ConferenceEvent(MeetingId, "participant-join", muted: false);

        Twilio.FailWith = HttpStatusCode.ServiceUnavailable;
        await Clerk.Do("EndTurn", MeetingId);
        await AfterSync(() => PhoneStatus().Result.Callers.Single() is { State: "MutePending", Problem: not null }, "mute pending, not listening, and why");
        var pending = (await PhoneStatus()).Callers.Single();
        Assert.That(pending.Problem, Does.Contain("503").Or.Contain("Service unavailable"), "the clerk sees why");

        Twilio.FailWith = null;
        await AfterSync(() => PhoneStatus().Result.Callers.Single().State == "Listening", "the mute confirmed");
        Assert.That((await PhoneStatus()).Callers.Single().Problem, Is.Null);
    }

    [Test]
    public async Task ATwilioOutage_IsLoggedOnceWhenItStarts_AndOnceWhenItEnds_NotForEveryRetry()
    {
        await OpenPublicComment();
        var caller = await CallInWithHandRaised();
        var entry = (await Clerk.WaitUntil(s => s.Speakers.Count == 1, "the caller")).Speakers.Single();
        Twilio.FailWith = HttpStatusCode.ServiceUnavailable;
        var before = Host.Logs.Warnings.Count;

        await Clerk.Do("StartTurn", MeetingId, entry.Id);
        for (var pass = 1; pass <= 10; pass++)
        {
            var attempts = Twilio.ParticipantUpdates(caller.CallSid).Count;
            await AfterSync(() => Twilio.ParticipantUpdates(caller.CallSid).Count > attempts, $"retry pass {pass}");
        }
        Assert.That((await PhoneStatus()).Callers.Single().State, Is.EqualTo("UnmutePending"));
        var outage = Host.Logs.Warnings.Skip(before).ToList();
        Assert.That(outage.Select(l => $"{l.Category}: {l.Message}").ToList(), Has.Count.EqualTo(1), "one line for the whole outage");
        // The first request of the turn to fail may be its unmute or its "you have the floor": either starts the outage.
        Assert.That(outage[0].Message, Does.Match("^Twilio did not (unmute a line|play an announcement)").And.Contain("503"));
        Assert.That(outage[0].Exception, Is.Null, "no stack trace for a failure of the far end");

        Twilio.FailWith = null;
        await AfterSync(() => Host.Logs.Entries.Any(l => l.Message.StartsWith("Twilio answers again", StringComparison.Ordinal)), "the recovery logged");
        var recovery = Host.Logs.Entries.Single(l => l.Message.StartsWith("Twilio answers again", StringComparison.Ordinal));
        var counted = int.Parse(System.Text.RegularExpressions.Regex.Match(recovery.Message, @"after (\d+) failed attempts").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(counted, Is.GreaterThanOrEqualTo(10), "the retries are counted, not logged");
        Assert.That(Host.Logs.Warnings.Skip(before).Count(), Is.EqualTo(1));
    }

    [Test]
    public async Task ACallerStillInLine_HungUpAtAdjournment_LeavesTheClosedRecordAsItWas()
    {
        await OpenPublicComment();
        var caller = await CallInWithHandRaised();
        await Eventually(() => Clerk.Snapshot.Speakers.Any(s => s.Source == "Phone" && s.State == "Waiting"), "the caller in line");

        await Clerk.Do("Adjourn", MeetingId);
        await Eventually(() => Twilio.CallUpdates(caller.CallSid).Count == 1, "the caller told and hung up");
        var ended = await caller.PostAsync("/phone/call-status", new Dictionary<string, string> { ["CallStatus"] = "completed" });

        Assert.That((int)ended.StatusCode, Is.LessThan(300));
        await Eventually(() => Host.WithDb(db => db.PhoneCalls.Single(c => c.CallSid == caller.CallSid).HungUp), "the hang-up recorded");
        var journal = await Host.Anonymous().Get<List<JournalEventDto>>($"/api/meetings/{MeetingId}/journal");
        Assert.That(journal[^1].Type, Is.EqualTo("JournalHeadRecorded"), "nothing after the head the minutes print");
    }

    [Test]
    public async Task WhenTheMeetingAdjourns_EveryLineHearsItHasEnded_InItsLanguage_AndIsHungUp()
    {
        await OpenPublicComment();
        var english = await CallIn("+15035550001");
        var spanish = NewCaller("+15035550002");
        await spanish.EnterCode(Meeting.AccessCode, lang: "es");
        await spanish.ConferenceEvent(MeetingId, "participant-join", muted: true);
        var inTheMenu = await CallIn("+15035550003");
        await inTheMenu.PressStar();
        var gone = await CallIn("+15035550004");
        await gone.ConferenceEvent(MeetingId, "participant-leave", muted: true, participantCallStatus: "completed");

        await Clerk.Do("Adjourn", MeetingId);

        await Eventually(() => new[] { english, spanish, inTheMenu }.All(c => Twilio.CallUpdates(c.CallSid).Count == 1), "every line told");
        Twiml Said(FakeCaller c) => Twiml.Parse(Twilio.CallUpdates(c.CallSid).Single().Form["Twiml"]);
        Assert.That(Said(english).Verbs, Is.EqualTo(new[] { "Say", "Hangup" }));
        Assert.That(Said(english).Text, Is.EqualTo("The meeting has ended. Thank you for calling."));
        Assert.That(Said(spanish).Text, Is.EqualTo("La reunión ha terminado. Gracias por llamar."));
        Assert.That(Said(spanish).Said.Single().Language, Is.EqualTo("es-MX"));
        Assert.That(Said(inTheMenu).Verbs, Is.EqualTo(new[] { "Say", "Hangup" }));
        Assert.That(Twilio.CallUpdates(gone.CallSid), Is.Empty, "a call already gone is left alone");
    }
}
