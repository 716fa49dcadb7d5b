using Meetings.Server.Data;
using Meetings.Server.Phone;
using Meetings.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Meetings.Tests.Phone;

/// <summary>
/// Once armed, runs a step just before the first save of a phone call that matches: what another request or the
/// phone follower does between one request's read of the call and its write.
/// </summary>
internal sealed class BeforeSavingACall : SaveChangesInterceptor
{
    private sealed record Armed(Func<EntityEntry<PhoneCall>, bool> When, Func<DbContext, Task> Step);
    private Armed? _armed;

    public bool Ran { get; private set; }

    public void Arm(Func<EntityEntry<PhoneCall>, bool> when, Func<DbContext, Task> step) => _armed = new(when, step);

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData data, InterceptionResult<int> result, CancellationToken ct = default)
    {
        if (_armed is { } armed && data.Context!.ChangeTracker.Entries<PhoneCall>().Any(armed.When) && Interlocked.CompareExchange(ref _armed, null, armed) == armed)
        {
            await armed.Step(data.Context);
            Ran = true;
        }
        return await base.SavingChangesAsync(data, result, ct);
    }

    public static void Register(IServiceCollection services, BeforeSavingACall interceptor) =>
        services.ConfigureDbContext<SqliteMeetingsDbContext>(o => o.AddInterceptors(interceptor));
}

/// <summary>
/// Once armed, runs a step just before the next statement that sets lines' wanted state (the phone follower's), and
/// reads the line just after it: another instance's follower writing between this one's read of the floor and its write.
/// </summary>
internal sealed class AroundSettingLines : DbCommandInterceptor
{
    private Func<Task>? _before;
    private Func<Task>? _after;
    private System.Data.Common.DbCommand? _write;

    public bool Ran { get; private set; }

    public void Arm(Func<Task> before, Func<Task> after) => (_after, _before) = (after, before);

    private static bool SetsLines(System.Data.Common.DbCommand command) =>
        command.CommandText.Contains("UPDATE \"PhoneCalls\"", StringComparison.Ordinal) && command.CommandText.Contains("\"FloorAt\" = ", StringComparison.Ordinal);

    public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(System.Data.Common.DbCommand command, CommandEventData data, InterceptionResult<int> result, CancellationToken ct = default)
    {
        if (SetsLines(command) && Interlocked.Exchange(ref _before, null) is { } step)
        {
            await step();
            _write = command;
        }
        return await base.NonQueryExecutingAsync(command, data, result, ct);
    }

    public override async ValueTask<int> NonQueryExecutedAsync(System.Data.Common.DbCommand command, CommandExecutedEventData data, int result, CancellationToken ct = default)
    {
        // Only after the very write the step went before (the step's own writes pass through here too).
        if (ReferenceEquals(command, _write) && Interlocked.Exchange(ref _after, null) is { } step)
        {
            await step();
            Ran = true;
        }
        return await base.NonQueryExecutedAsync(command, data, result, ct);
    }
}

/// <summary>
/// Twilio's word that a line was unmuted and the meeting's change of who has the floor can cross: a callback must not
/// mark a line done from what it read before the floor changed, or a caller whose turn has ended stays audible.
/// A caller's hand going up and their hanging up can cross too.
/// </summary>
public class PhoneRaceTests : PhoneFixture
{
    private readonly BeforeSavingACall _calls = new();
    private readonly AroundSettingLines _lines = new();

    protected override Action<IServiceCollection>? Services => s =>
    {
        BeforeSavingACall.Register(s, _calls);
        s.ConfigureDbContext<SqliteMeetingsDbContext>(o => o.AddInterceptors(_lines));
    };

    [Test]
    public async Task AFollowerThatReadTheFloorBeforeAnotherInstanceSetTheLineFromALaterFloor_DoesNotSetItBack()
    {
        await OpenPublicComment();
        var caller = await CallInWithHandRaised();
        var entry = (await Clerk.WaitUntil(s => s.Speakers.Any(e => e.Source == "Phone"), "the caller in the queue")).Speakers.Single();
        var store = Host.Services.GetRequiredService<Meetings.Server.Meetings.MeetingStore>();
        bool? wantMutedAfter = null;
        // This instance's follower has read the floor as the caller's turn started. Before it writes, the turn ends, and
        // another instance's follower reads the floor after that and sets the line to be muted.
        _lines.Arm(before: async () =>
        {
            await Clerk.Do("EndTurn", MeetingId);
            var ended = await store.ReadAsync(MeetingId, m => m.Version);
            using var elsewhere = Host.Services.CreateScope();
            await elsewhere.ServiceProvider.GetRequiredService<MeetingsDbContext>().PhoneCalls.Where(c => c.CallSid == caller.CallSid)
                .FollowTheFloorAsync(speaking: null, ended);
        }, after: () =>
        {
            wantMutedAfter = Host.WithDb(db => db.PhoneCalls.AsNoTracking().Single(c => c.CallSid == caller.CallSid).WantMuted);
            return Task.CompletedTask;
        });
        await Clerk.Do("StartTurn", MeetingId, entry.Id);
        await Eventually(() => _lines.Ran, "this instance's follower wrote what it read");

        Assert.That(wantMutedAfter, Is.True, "the line stays to be muted, as the later floor says: the caller's turn is over");
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

        // The turn ends while the callback is saved: what PhoneFollower writes then, the line to be muted and not yet done.
        _calls.Arm(e => e.State == EntityState.Modified && e.Entity.CallSid == caller.CallSid, db => db.Set<PhoneCall>()
            .Where(c => c.CallSid == caller.CallSid).ExecuteUpdateAsync(s => s.SetProperty(c => c.WantMuted, true).SetProperty(c => c.MuteApplied, false)));
        await caller.ConferenceEvent(MeetingId, "participant-unmute", muted: false);
        Assert.That(_calls.Ran, "the floor changed while the callback was being saved");
        twilioAnswers.Advance(TimeSpan.FromMinutes(1));

        var call = Host.WithDb(db => db.PhoneCalls.AsNoTracking().Single(c => c.CallSid == caller.CallSid));
        Assert.That((call.WantMuted, call.MuteApplied), Is.EqualTo((true, false)), "the line is still to be muted");
        Twilio.Delay = TimeSpan.Zero;
        await AfterSync(() => Twilio.ParticipantUpdates(caller.CallSid).Count == 2, "the line muted");
        Assert.That(Twilio.ParticipantUpdates(caller.CallSid)[1].Form["Muted"], Is.EqualTo("true"));
    }

    [Test]
    public async Task ACallerWhoHangsUpAsTheirHandGoesUp_GivesUpThePlace()
    {
        await OpenPublicComment();
        var caller = await CallIn();
        await caller.PressStar();
        await caller.ConferenceEvent(MeetingId, "participant-leave", muted: true, participantCallStatus: "in-progress");
        // The hang-up is handled after the hand went up in the meeting, before the call is linked to its place.
        _calls.Arm(e => e.State == EntityState.Modified && e.Entity.CallSid == caller.CallSid && e.Property(c => c.EntryId).IsModified, async _ =>
            Assert.That((int)(await caller.PostAsync("/phone/call-status", new Dictionary<string, string> { ["CallStatus"] = "completed" })).StatusCode, Is.LessThan(300)));

        await caller.PressDigit("9");

        Assert.That(_calls.Ran, "the caller hung up while the hand went up");
        await Clerk.WaitUntil(s => s.Speakers.Single().State == "NoShow", "the place given up, not left waiting for a caller who is gone");
    }
}

/// <summary>A web speaker's browser joining just as their turn starts must be heard: the line recorded after the follower looked is looked at again.</summary>
public class BrowserJoiningAsTheTurnStartsTests : WebSpeakerFixture
{
    private readonly BeforeSavingACall _calls = new();

    protected override Action<IServiceCollection>? Services => s => BeforeSavingACall.Register(s, _calls);

    [Test]
    public async Task ABrowserJoiningAsItsSpeakersTurnStarts_IsOpened()
    {
        await OpenPublicComment();
        var (resident, entry) = await WebSpeaker();
        await using var _ = resident;
        var browser = Browser(await TokenFor(resident, entry));
        // The clerk starts the turn, and the phone follower has done with it, after the speaker's state was read and
        // before the browser's line exists.
        _calls.Arm(e => e.State == EntityState.Added && e.Entity.Leg == CallLeg.Browser, async _ =>
        {
            var started = await Clerk.Do("StartTurn", MeetingId, entry);
            await Eventually(() => Crash.Checkpoint(Host, "phone", MeetingId) >= started.Sequence, "the phone follower past the turn's start");
        });

        var twiml = await browser.Parsed("/phone/voice/browser");
        Assert.That(_calls.Ran, "the turn started while the line was being recorded");
        var joinedMuted = Twiml.Attr(twiml.Conference!, "muted") == "true";
        await browser.ConferenceEvent(MeetingId, "participant-join", muted: joinedMuted);

        // What Twilio holds for the line: the last mute or unmute it was told, or else how the line joined.
        string Heard() => Twilio.ParticipantUpdates(browser.CallSid) is [.., var last] ? last.Form["Muted"] : joinedMuted ? "true" : "false";
        await AfterSync(() => Heard() == "false", "the speaker's browser open while they have the floor");
    }
}
