using Meetings.Server.Data;
using Meetings.Server.Phone;
using Meetings.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Meetings.Tests.Phone;

/// <summary>
/// Twilio's word that a line was unmuted and the meeting's change of who has the floor can cross: a callback must not
/// mark a line done from what it read before the floor changed, or a caller whose turn has ended stays audible.
/// </summary>
public class MuteRaceTests : PhoneFixture
{
    private readonly FloorChangesWhileSaving _floor = new();

    protected override Action<IServiceCollection>? Services => s => s.ConfigureDbContext<SqliteMeetingsDbContext>(o => o.AddInterceptors(_floor));

    /// <summary>Once armed, the follower's write for a turn that ended lands on the call between a callback's read of it and its save.</summary>
    private sealed class FloorChangesWhileSaving : SaveChangesInterceptor
    {
        public string? CallSid;

        public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData data, InterceptionResult<int> result, CancellationToken ct = default)
        {
            if (CallSid is { } sid && data.Context!.ChangeTracker.Entries<PhoneCall>().Any(e => e.State == EntityState.Modified && e.Entity.CallSid == sid))
            {
                CallSid = null;
                // What PhoneFollower writes when the turn ends: the line is to be muted, and that is not done yet.
                await data.Context.Set<PhoneCall>().Where(c => c.CallSid == sid)
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.WantMuted, true).SetProperty(c => c.MuteApplied, false), ct);
            }
            return await base.SavingChangesAsync(data, result, ct);
        }
    }

    [Test]
    public async Task AnUnmuteReportedAsTheTurnEnds_LeavesTheLineToBeMuted_AndItIsMuted()
    {
        await OpenPublicComment();
        var caller = await CallInWithHandRaised();
        var entry = (await Clerk.WaitUntil(s => s.Speakers.Any(e => e.Source == "Phone"), "the caller in the queue")).Speakers.Single();
        // Twilio holds its answer to the unmute, so the server has not yet marked it done when Twilio's callback comes.
        var twilioAnswers = new FakeTimeProvider();
        (Twilio.Clock, Twilio.Delay) = (twilioAnswers, TimeSpan.FromMinutes(1));
        await Clerk.Do("StartTurn", MeetingId, entry.Id);
        await Eventually(() => Twilio.ParticipantUpdates(caller.CallSid).Count == 1, "the unmute reaches Twilio");

        _floor.CallSid = caller.CallSid;
        await caller.ConferenceEvent(MeetingId, "participant-unmute", muted: false);
        Assert.That(_floor.CallSid, Is.Null, "the floor changed while the callback was being saved");
        twilioAnswers.Advance(TimeSpan.FromMinutes(1));

        var call = Host.WithDb(db => db.PhoneCalls.AsNoTracking().Single(c => c.CallSid == caller.CallSid));
        Assert.That((call.WantMuted, call.MuteApplied), Is.EqualTo((true, false)), "the line is still to be muted");
        Twilio.Delay = TimeSpan.Zero;
        await AfterSync(() => Twilio.ParticipantUpdates(caller.CallSid).Count == 2, "the line muted");
        Assert.That(Twilio.ParticipantUpdates(caller.CallSid)[1].Form["Muted"], Is.EqualTo("true"));
    }
}

/// <summary>A web speaker's browser joining just as their turn starts must be heard: the line recorded after the follower looked is looked at again.</summary>
public class BrowserJoiningAsTheTurnStartsTests : WebSpeakerFixture
{
    private readonly TurnStartsWhileRecording _turn = new();

    protected override Action<IServiceCollection>? Services => s => s.ConfigureDbContext<SqliteMeetingsDbContext>(o => o.AddInterceptors(_turn));

    /// <summary>Once armed, runs its step just before a browser's line is first saved: after the speaker's state was read.</summary>
    private sealed class TurnStartsWhileRecording : SaveChangesInterceptor
    {
        public Func<Task>? Step;

        public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData data, InterceptionResult<int> result, CancellationToken ct = default)
        {
            if (data.Context!.ChangeTracker.Entries<PhoneCall>().Any(e => e.State == EntityState.Added && e.Entity.Leg == CallLeg.Browser)
                && Interlocked.Exchange(ref Step, null) is { } step)
                await step();
            return await base.SavingChangesAsync(data, result, ct);
        }
    }

    [Test]
    public async Task ABrowserJoiningAsItsSpeakersTurnStarts_IsOpened()
    {
        await OpenPublicComment();
        var (resident, entry) = await WebSpeaker();
        await using var _ = resident;
        var browser = Browser(await TokenFor(resident, entry));
        _turn.Step = async () =>
        {
            // The clerk starts the turn, and the phone follower has done with it, before the browser's line exists.
            var started = await Clerk.Do("StartTurn", MeetingId, entry);
            await Eventually(() => Crash.Checkpoint(Host, "phone", MeetingId) >= started.Sequence, "the phone follower past the turn's start");
        };

        var twiml = await browser.Parsed("/phone/voice/browser");
        Assert.That(_turn.Step, Is.Null, "the turn started while the line was being recorded");
        var joinedMuted = Twiml.Attr(twiml.Conference!, "muted") == "true";
        await browser.ConferenceEvent(MeetingId, "participant-join", muted: joinedMuted);

        // What Twilio holds for the line: the last mute or unmute it was told, or else how the line joined.
        string Heard() => Twilio.ParticipantUpdates(browser.CallSid) is [.., var last] ? last.Form["Muted"] : joinedMuted ? "true" : "false";
        await AfterSync(() => Heard() == "false", "the speaker's browser open while they have the floor");
    }
}
