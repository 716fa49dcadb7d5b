using System.Net;
using System.Text.Json;
using Meetings.Client.Contracts;
using Meetings.Server.Data;
using Meetings.Server.Journal;
using Meetings.Server.Live;
using Meetings.Server.Phone;
using Meetings.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Meetings.Tests.Phone;

/// <summary>"Call me when I'm up": the server calls a web speaker from the meeting line when they go on deck.</summary>
public class CallBackTests : PhoneFixture
{
    private const string Number = "+15035557788";
    private readonly FailsToRecordACall _recording = new();

    private readonly WhileACallBackIsTaken _taking = new();
    private readonly BeforeFindingACall _finding = new();

    protected override Action<IServiceCollection>? Services => s => s.ConfigureDbContext<SqliteMeetingsDbContext>(o => o.AddInterceptors(_recording, _taking, _finding));

    /// <summary>Once armed, runs its step as the first write that counts a call-back attempt goes to the database.</summary>
    private sealed class WhileACallBackIsTaken : DbCommandInterceptor
    {
        public Func<Task>? Step;

        private async Task RunAsync(System.Data.Common.DbCommand command)
        {
            if (command.CommandText.Contains("UPDATE \"SpeakerContacts\"", StringComparison.Ordinal) && command.CommandText.Contains("\"CallBackAttempts\" =", StringComparison.Ordinal)
                && Interlocked.Exchange(ref Step, null) is { } step)
                await step();
        }

        public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(System.Data.Common.DbCommand command, CommandEventData data, InterceptionResult<int> result, CancellationToken ct = default)
        {
            await RunAsync(command);
            return result;
        }

        public override async ValueTask<InterceptionResult<System.Data.Common.DbDataReader>> ReaderExecutingAsync(System.Data.Common.DbCommand command, CommandEventData data,
            InterceptionResult<System.Data.Common.DbDataReader> result, CancellationToken ct = default)
        {
            await RunAsync(command);
            return result;
        }
    }

    /// <summary>Once armed, runs its step as the next look-up of one phone call by its id goes to the database.</summary>
    private sealed class BeforeFindingACall : DbCommandInterceptor
    {
        public Func<Task>? Step;

        public override async ValueTask<InterceptionResult<System.Data.Common.DbDataReader>> ReaderExecutingAsync(System.Data.Common.DbCommand command, CommandEventData data,
            InterceptionResult<System.Data.Common.DbDataReader> result, CancellationToken ct = default)
        {
            if (command.CommandText.Contains("FROM \"PhoneCalls\"", StringComparison.Ordinal) && command.CommandText.Contains("\"CallSid\" = ", StringComparison.Ordinal)
                && command.CommandText.Contains("LIMIT 1", StringComparison.Ordinal) && Interlocked.Exchange(ref Step, null) is { } step)
                await step();
            return result;
        }
    }

    /// <summary>Once armed, the next save that records a phone call fails, once, as a database in trouble would.</summary>
    private sealed class FailsToRecordACall : SaveChangesInterceptor
    {
        public int Armed;

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData data, InterceptionResult<int> result, CancellationToken ct = default) =>
            data.Context!.ChangeTracker.Entries<PhoneCall>().Any(e => e.State == EntityState.Added) && Interlocked.Exchange(ref Armed, 0) == 1
                ? throw new InvalidOperationException("The database could not record the call.")
                : base.SavingChangesAsync(data, result, ct);
    }

    private async Task<(LiveClient Resident, Guid Entry)> AskedToBeCalled(string language = "en")
    {
        var resident = await LiveClient.ConnectAsync(Host, null, "resident", MeetingId);
        var entry = await resident.Invoke<Guid>("SignUpToSpeak", MeetingId, resident.ResidentToken,
            new SignUpRequest(CommentItem, "Rosa Delgado", Phone: "(503) 555-7788", CallMe: true, Language: language));
        return (resident, entry);
    }

    /// <summary>The call Twilio placed, as it reaches the server once answered.</summary>
    private FakeCaller Answered(FakeTwilio.Recorded placed) => new(Host, placed.Sid!, Number);

    /// <summary>The call Twilio placed, once the server has recorded placing it: Twilio's status callbacks for it are then known.</summary>
    private async Task<FakeCaller> Recorded(FakeTwilio.Recorded placed)
    {
        await Eventually(() => Host.WithDb(db => db.PhoneCalls.Any(c => c.CallSid == placed.Sid)), "the call-back recorded as placed");
        return Answered(placed);
    }

    /// <summary>
    /// A call-back Twilio has placed but whose answer to the placing it holds (on its clock, until advanced a minute):
    /// until then the server has not recorded the call, and Twilio's webhooks about it come first.
    /// </summary>
    private async Task<(LiveClient Resident, Guid Entry, FakeTwilio.Recorded Placed, FakeTimeProvider TwilioAnswers)> PlacedWithTwilioAnswerHeld()
    {
        var twilioAnswers = new FakeTimeProvider();
        (Twilio.Clock, Twilio.Delay) = (twilioAnswers, TimeSpan.FromMinutes(1));
        await OpenPublicComment();
        var (resident, entry) = await AskedToBeCalled();
        await Clerk.Do("CallNextSpeaker", MeetingId, CommentItem);
        await Eventually(() => Twilio.CallsPlaced.Count == 1, "the call-back reaches Twilio");
        return (resident, entry, Twilio.CallsPlaced[0], twilioAnswers);
    }

    private static string PathOf(string url) => url[FakeTwilio.PublicBaseUrl.Length..];

    /// <summary>A web speaker who asked to be called is called when on deck, and nobody answers: the clerk sees "did not answer".</summary>
    private async Task<(LiveClient Resident, Guid Entry)> NobodyAnswered()
    {
        await OpenPublicComment();
        var asked = await AskedToBeCalled();
        await Clerk.Do("CallNextSpeaker", MeetingId, CommentItem);
        await Eventually(() => Twilio.CallsPlaced.Count == 1, "the call-back");
        var first = await Recorded(Twilio.CallsPlaced[0]);
        await first.PostAsync(PathOf(Twilio.CallsPlaced[0].Form["StatusCallback"]), new Dictionary<string, string> { ["CallStatus"] = "no-answer" });
        await Eventually(() => PhoneStatus().Result.Callers.Single().State == "DidNotAnswer", "did not answer");
        return asked;
    }

    [Test]
    public async Task AWebSpeakerWhoAskedToBeCalled_IsCalledWhenOnDeck_PressesOne_AndIsHandledLikeACaller()
    {
        await OpenPublicComment();
        var (resident, entry) = await AskedToBeCalled("es");
        await using var _ = resident;
        Assert.That(Twilio.CallsPlaced, Is.Empty, "nobody is called while merely waiting");

        await Clerk.Do("CallNextSpeaker", MeetingId, CommentItem);
        await Eventually(() => Twilio.CallsPlaced.Count == 1, "the call-back");
        var placed = Twilio.CallsPlaced.Single();
        Assert.That(placed.Form["To"], Is.EqualTo(Number));
        Assert.That(placed.Form["From"], Is.EqualTo(FakeTwilio.PhoneNumber));
        Assert.That(placed.Form["Url"], Is.EqualTo($"{FakeTwilio.PublicBaseUrl}/phone/voice/callback?entry={entry}&lang=es"));
        Assert.That(placed.Form["MachineDetection"], Is.EqualTo("Enable"));
        Assert.That(placed.Form["StatusCallback"], Is.EqualTo($"{FakeTwilio.PublicBaseUrl}/phone/call-status?entry={entry}"));
        await Eventually(() => PhoneStatus().Result.Callers.SingleOrDefault()?.State == "Calling", "calling, on the clerk's screen");

        var call = Answered(placed);
        var intro = await call.Parsed(PathOf(placed.Form["Url"]), new Dictionary<string, string> { ["AnsweredBy"] = "human" });
        Assert.That(intro.Gather, Is.Not.Null);
        Assert.That(Twiml.Attr(intro.Gather, "numDigits"), Is.EqualTo("1"));
        Assert.That(intro.Text, Does.Contain("Le llama Harbor City Council").And.Contain("Regular Meeting of the City Council").And.Contain("Oprima 1"));
        Assert.That(intro.AfterGather?.Name.LocalName, Is.EqualTo("Redirect"), "silence asks once more");

        var joined = await call.Parsed(Twiml.Attr(intro.Gather, "action")!, new Dictionary<string, string> { ["Digits"] = "1" });
        Assert.That(Twiml.Attr(joined.Dial, "hangupOnStar"), Is.EqualTo("true"), "the keypad works as for any caller");
        Assert.That(Twiml.Attr(joined.Conference, "muted"), Is.EqualTo("true"));
        Assert.That(Twiml.Attr(joined.Conference, "participantLabel"), Is.EqualTo($"entry-{entry:N}"));
        Assert.That(Twiml.Attr(joined.Conference, "statusCallback"), Is.EqualTo($"/phone/conference-status?meeting={MeetingId}"));
        await call.ConferenceEvent(MeetingId, "participant-join", muted: true);
        var line = (await PhoneStatus()).Callers.Single();
        Assert.That((line.Leg, line.State, line.Label), Is.EqualTo(("CallBack", "OnDeck", "Rosa Delgado")));

        await Clerk.Do("StartTurn", MeetingId, entry);
        await Eventually(() => Twilio.ParticipantUpdates(call.CallSid).Count == 1 && Twilio.Announcements(call.CallSid).Count == 1, "unmuted and told");
        Assert.That(Twilio.ParticipantUpdates(call.CallSid).Single().Form["Muted"], Is.EqualTo("false"));

        // The number is never shown or broadcast.
        var everything = JsonSerializer.Serialize(Clerk.Snapshot) + JsonSerializer.Serialize(await PhoneStatus())
            + await Host.Anonymous().GetStringAsync($"/api/meetings/{MeetingId}/journal");
        Assert.That(everything, Does.Not.Contain("5557788").And.Not.Contain("555-7788"));
    }

    [Test]
    public async Task ACallBackAnsweredAsItsSpeakersTurnStarts_IsOpened()
    {
        await OpenPublicComment();
        var (resident, entry) = await AskedToBeCalled();
        await using var _ = resident;
        await Clerk.Do("CallNextSpeaker", MeetingId, CommentItem);
        await Eventually(() => Twilio.CallsPlaced.Count == 1, "the call-back");
        var placed = Twilio.CallsPlaced[0];
        var call = await Recorded(placed);
        var intro = await call.Parsed(PathOf(placed.Form["Url"]), new Dictionary<string, string> { ["AnsweredBy"] = "human" });
        // The clerk starts the turn, and the phone follower opens the line, after the speaker's state was read for the
        // answer and before the line is looked up to record it.
        var ran = false;
        _finding.Step = async () =>
        {
            var started = await Clerk.Do("StartTurn", MeetingId, entry);
            await Eventually(() => Crash.Checkpoint(Host, "phone", MeetingId) >= started.Sequence, "the phone follower past the turn's start");
            ran = true;
        };

        var joined = await call.Parsed(Twiml.Attr(intro.Gather, "action")!, new Dictionary<string, string> { ["Digits"] = "1" });
        Assert.That(ran, "the turn started while the answer was being recorded");
        Assert.That(Host.WithDb(db => db.PhoneCalls.AsNoTracking().Single(c => c.CallSid == call.CallSid).WantMuted), Is.False, "the line still to be open");
        var joinedMuted = Twiml.Attr(joined.Conference, "muted") == "true";
        Assert.That((joinedMuted, joined.Text.Contains("muted", StringComparison.Ordinal)), Is.EqualTo((false, false)), "joins open, and is not told it is muted");
        await call.ConferenceEvent(MeetingId, "participant-join", muted: joinedMuted);

        // What Twilio holds for the line: the last mute or unmute it was told, or else how the line joined.
        string Heard() => Twilio.ParticipantUpdates(call.CallSid) is [.., var last] ? last.Form["Muted"] : joinedMuted ? "true" : "false";
        await AfterSync(() => Heard() == "false", "the speaker's line open while they have the floor");
    }

    [Test]
    public async Task ACallBackNobodyAnswers_ShowsDidNotAnswer_AndTheClerkCanTryAgain_OrSkip()
    {
        var (resident, entry) = await NobodyAnswered();
        await using var _ = resident;
        Assert.That(Clerk.Snapshot.Speakers.Single().State, Is.EqualTo("OnDeck"), "the clerk decides, not the server");

        var clerk = await Host.SignInAsync(Demo.Clerk);
        Assert.That((await clerk.PostAsync($"/api/meetings/{MeetingId}/speakers/{entry}/call-back", null)).StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await Eventually(() => Twilio.CallsPlaced.Count == 2, "the second call");
        Assert.That((await clerk.PostAsync($"/api/meetings/{MeetingId}/speakers/{entry}/call-back", null)).StatusCode, Is.EqualTo(HttpStatusCode.Conflict),
            "not while it rings");
        var machine = await Answered(Twilio.CallsPlaced[1]).Parsed(PathOf(Twilio.CallsPlaced[1].Form["Url"]), new Dictionary<string, string> { ["AnsweredBy"] = "machine_start" });
        Assert.That(machine.Verbs, Is.EqualTo(new[] { "Hangup" }), "nothing is left on an answering machine");
        await Eventually(() => PhoneStatus().Result.Callers.Single().State == "DidNotAnswer", "a machine is not an answer");

        Assert.That((await Host.Anonymous().PostAsync($"/api/meetings/{MeetingId}/speakers/{entry}/call-back", null)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        await Clerk.Do("MarkNoShow", MeetingId, entry);
        Assert.That((await clerk.PostAsync($"/api/meetings/{MeetingId}/speakers/{entry}/call-back", null)).StatusCode, Is.EqualTo(HttpStatusCode.Conflict),
            "skipped: no more calls");
        Assert.That(Twilio.CallsPlaced, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task AWebSpeakersLanguage_IsOneTheServerSpeaks_TheDefaultForAnyOther()
    {
        await OpenPublicComment();
        var (mexican, inSpanish) = await AskedToBeCalled("es-MX");
        var (german, inGerman) = await AskedToBeCalled("de");
        await using var _ = mexican;
        await using var __ = german;
        string LanguageOf(Guid entry) => Host.WithDb(db => db.SpeakerContacts.Single(c => c.EntryId == entry).Language);
        Assert.That(LanguageOf(inSpanish), Is.EqualTo("es"), "a browser's regional Spanish is the server's Spanish");
        Assert.That(LanguageOf(inGerman), Is.EqualTo("en"), "a language the server does not speak: its default");
    }

    [Test]
    public async Task OnceTheMeetingIsAdjourned_NobodyIsCalledAgain()
    {
        var (resident, entry) = await NobodyAnswered();
        await using var _ = resident;
        await Clerk.Do("Adjourn", MeetingId);

        var clerk = await Host.SignInAsync(Demo.Clerk);
        var answer = await clerk.PostAsync($"/api/meetings/{MeetingId}/speakers/{entry}/call-back", null);
        Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(await answer.Content.ReadAsStringAsync(), Does.Contain("call-back-in-session"));
        Assert.That(Twilio.CallsPlaced, Has.Count.EqualTo(1), "only the first call, made while the meeting was in session");
    }

    [Test]
    public async Task TheClerkAskingTwiceAtOnceToCallAgain_SetsOneCallGoing()
    {
        var (resident, entry) = await NobodyAnswered();
        await using var _ = resident;

        // A double click: the second request runs whole while the first one's write is on its way to the database.
        var clerk = await Host.SignInAsync(Demo.Clerk);
        var url = $"/api/meetings/{MeetingId}/speakers/{entry}/call-back";
        HttpResponseMessage? second = null;
        _taking.Step = async () => second = await clerk.PostAsync(url, null);
        var answer = await clerk.PostAsync(url, null);

        Assert.That(second, Is.Not.Null, "the second request ran while the first was writing");
        Assert.That(new[] { answer.StatusCode, second!.StatusCode }, Is.EquivalentTo(new[] { HttpStatusCode.Accepted, HttpStatusCode.Conflict }),
            "one sets the call going; the other finds the speaker being called");
        Assert.That(Host.WithDb(db => db.SpeakerContacts.Single(c => c.EntryId == entry).CallBackAttempts), Is.EqualTo(1), "one more try, counted once");
    }

    [Test]
    public async Task ACallBackTwilioRefuses_ShowsTheClerkWhy_WithoutTheNumberItQuotes()
    {
        Twilio.NotAuthorizedToCall = Number;
        await OpenPublicComment();
        var (resident, _) = await AskedToBeCalled();
        await using var _ = resident;
        await Clerk.Do("CallNextSpeaker", MeetingId, CommentItem);
        await Eventually(() => PhoneStatus().Result.Callers.SingleOrDefault()?.Problem is not null, "the refusal shown to the clerk");
        var problem = (await PhoneStatus()).Callers.Single().Problem!;
        Assert.That(problem, Does.Contain("not authorized to call …7788"), "Twilio's words, with the number's last four digits");
        Assert.That(problem, Does.Not.Contain("5557788"));
        Assert.That(Twilio.Refused.Single().Form["To"], Is.EqualTo(Number), "Twilio was asked, and quoted the number");
    }

    [Test]
    public async Task AMachineThatAnswersBeforeThePlacingIsRecorded_StillShowsDidNotAnswer()
    {
        // Twilio's webhook about the call arrives before the server has recorded placing it.
        var (resident, entry, placed, twilioAnswers) = await PlacedWithTwilioAnswerHeld();
        await using var _ = resident;

        var machine = await Answered(placed).Parsed(PathOf(placed.Form["Url"]), new Dictionary<string, string> { ["AnsweredBy"] = "machine_start" });
        Assert.That(machine.Verbs, Is.EqualTo(new[] { "Hangup" }));
        twilioAnswers.Advance(TimeSpan.FromMinutes(1));
        await Eventually(() => Host.WithDb(db => db.SpeakerContacts.Single(c => c.EntryId == entry).CallBack == CallBackState.Placed), "the placing recorded");

        var line = (await PhoneStatus()).Callers.Single();
        Assert.That((line.Leg, line.State), Is.EqualTo(("CallBack", "DidNotAnswer")), "what the machine's answer told is kept");
        Assert.That(Host.WithDb(db => db.PhoneCalls.Count(c => c.CallSid == placed.Sid)), Is.EqualTo(1));
    }

    [Test]
    public async Task NoAnswerReportedBeforeThePlacingIsRecorded_StillShowsDidNotAnswer()
    {
        // As above; this time the status callback comes first.
        var (resident, entry, placed, twilioAnswers) = await PlacedWithTwilioAnswerHeld();
        await using var _ = resident;

        var status = await Answered(placed).PostAsync(PathOf(placed.Form["StatusCallback"]), new Dictionary<string, string> { ["CallStatus"] = "no-answer" });
        Assert.That(status.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        twilioAnswers.Advance(TimeSpan.FromMinutes(1));
        await Eventually(() => Host.WithDb(db => db.SpeakerContacts.Single(c => c.EntryId == entry).CallBack == CallBackState.Placed), "the placing recorded");

        var line = (await PhoneStatus()).Callers.Single();
        Assert.That((line.Leg, line.State), Is.EqualTo(("CallBack", "DidNotAnswer")), "what the status callback told is kept");
        Assert.That(Host.WithDb(db => db.PhoneCalls.Count(c => c.CallSid == placed.Sid)), Is.EqualTo(1));
    }

    [Test]
    public async Task ACallBackTheServerCouldNotRecord_IsNotLeftCalling_AndTheClerkCanCallAgain()
    {
        await OpenPublicComment();
        var (resident, entry) = await AskedToBeCalled();
        await using var _ = resident;
        _recording.Armed = 1;
        await Clerk.Do("CallNextSpeaker", MeetingId, CommentItem);
        await Eventually(() => PhoneStatus().Result.Callers.SingleOrDefault()?.State == "DidNotAnswer", "did not answer, rather than calling for good");
        Assert.That(_recording.Armed, Is.Zero, "recording the placed call failed");
        Assert.That(Twilio.CallsPlaced, Has.Count.EqualTo(1));
        Assert.That((await PhoneStatus()).Callers.Single().Problem, Is.EqualTo("The server could not finish placing this call."));

        var clerk = await Host.SignInAsync(Demo.Clerk);
        Assert.That((await clerk.PostAsync($"/api/meetings/{MeetingId}/speakers/{entry}/call-back", null)).StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await Eventually(() => Twilio.CallsPlaced.Count == 2, "called again");
    }

    [Test]
    public async Task ACallBackLeftDiallingByAServerThatStopped_ShowsDidNotAnswer_AndTheClerkCanCallAgain()
    {
        await OpenPublicComment();
        var (resident, entry) = await AskedToBeCalled();
        await using var _ = resident;
        // What a server killed while asking Twilio to place the call leaves behind.
        Host.WithDb(db => db.SpeakerContacts.Where(c => c.EntryId == entry)
            .ExecuteUpdate(x => x.SetProperty(c => c.CallBack, CallBackState.Dialling).SetProperty(c => c.DiallingSince, Host.Clock.GetUtcNow())));
        var clerk = await Host.SignInAsync(Demo.Clerk);
        Assert.That((await clerk.PostAsync($"/api/meetings/{MeetingId}/speakers/{entry}/call-back", null)).StatusCode, Is.EqualTo(HttpStatusCode.Conflict),
            "while it may still be placed, it is not doubled");

        Host.Clock.Advance(PhoneSync.DiallingAbandonedAfter + TimeSpan.FromSeconds(1));
        await Eventually(() => PhoneStatus().Result.Callers.SingleOrDefault()?.State == "DidNotAnswer", "did not answer, rather than calling for good");
        Assert.That((await PhoneStatus()).Callers.Single().Problem, Is.EqualTo("The server stopped while placing this call."));
        Assert.That(Twilio.CallsPlaced, Is.Empty, "whether it was placed is not known: the server does not call again by itself");

        Assert.That((await clerk.PostAsync($"/api/meetings/{MeetingId}/speakers/{entry}/call-back", null)).StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await Eventually(() => Twilio.CallsPlaced.Count == 1, "called again");
    }

    [Test]
    public async Task SilenceOnTheCallBack_AsksOnceMore_ThenSaysGoodbye_AndTheClerkSeesDidNotAnswer()
    {
        await OpenPublicComment();
        var (resident, _) = await AskedToBeCalled();
        await using var __ = resident;
        await Clerk.Do("CallNextSpeaker", MeetingId, CommentItem);
        await Eventually(() => Twilio.CallsPlaced.Count == 1, "the call-back");
        var call = Answered(Twilio.CallsPlaced[0]);

        var first = await call.Parsed(PathOf(Twilio.CallsPlaced[0].Form["Url"]), new Dictionary<string, string> { ["AnsweredBy"] = "human" });
        var again = await call.Parsed(first.RedirectUrl!);
        Assert.That(again.Text, Does.Contain("Press 1 to join the meeting"));
        Assert.That(again.AfterGather?.Name.LocalName, Is.EqualTo("Say"));
        Assert.That(again.Verbs[^1], Is.EqualTo("Hangup"));
        Assert.That(again.Text, Does.Contain("We did not hear 1").And.Contain("Goodbye"));

        await call.PostAsync("/phone/call-status", new Dictionary<string, string> { ["CallStatus"] = "completed" });
        await Eventually(() => PhoneStatus().Result.Callers.Single().State == "DidNotAnswer", "did not answer");
    }

    [Test]
    public async Task TheSameEventsHandledTwice_CallNobodyTwice_AndAnnounceNothingTwice()
    {
        await OpenPublicComment();
        var (resident, entry) = await AskedToBeCalled();
        await using var _ = resident;
        await Clerk.Do("CallNextSpeaker", MeetingId, CommentItem);
        await Eventually(() => Twilio.CallsPlaced.Count == 1, "the call-back");
        var call = Answered(Twilio.CallsPlaced[0]);
        await call.Parsed($"/phone/voice/callback/join?entry={entry}&lang=en", new Dictionary<string, string> { ["Digits"] = "1" });
        await call.ConferenceEvent(MeetingId, "participant-join", muted: true);
        await Clerk.Do("StartTurn", MeetingId, entry);
        await Eventually(() => Twilio.Announcements(call.CallSid).Count == 1, "the floor announcement");

        // A crash after acting but before the checkpoint hands the same events over again.
        using var scope = Host.Services.CreateScope();
        var journal = await scope.ServiceProvider.GetRequiredService<MeetingJournal>().ReadAsync(MeetingId, 0);
        var marked = await CallerAnnouncements.MarkAsync(scope.ServiceProvider.GetRequiredService<MeetingsDbContext>(), MeetingId,
            journal.Select(e => (e.Sequence, EventSerializer.Deserialize(e))));
        await Host.Services.GetRequiredService<PhoneSync>().SyncAsync();

        Assert.That(marked, Is.False, "nothing to do again");
        Assert.That(Twilio.CallsPlaced, Has.Count.EqualTo(1));
        Assert.That(Twilio.Announcements(call.CallSid), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task ToBeCalled_NeedsANumber()
    {
        await OpenPublicComment();
        await using var resident = await LiveClient.ConnectAsync(Host, null, "resident", MeetingId);
        var refused = Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() =>
            resident.Invoke<Guid>("SignUpToSpeak", MeetingId, resident.ResidentToken, new SignUpRequest(CommentItem, "Rosa", CallMe: true)));
        Assert.That(refused!.Message, Does.Contain("give the number to call"));
    }
}
