using System.Security.Claims;
using Meetings.Client.Contracts;
using Meetings.Server.Data;
using Meetings.Server.Domain;
using Meetings.Server.Identity;
using Meetings.Server.Journal;
using Meetings.Server.Meetings;
using Meetings.Server.Moderation;
using Meetings.Server.Privacy;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Meetings.Server.Live;

/// <summary>
/// The live meeting at <c>/hubs/meeting</c>. Thin and stateless: each method checks who is asking, runs one
/// command through <see cref="MeetingStore"/> (decide, append to the journal, then broadcast) and answers
/// with the sequence number it reached. Refusals arrive as a HubException whose message a clerk can read.
/// </summary>
public sealed partial class MeetingHub(
    MeetingStore store, IServiceProvider services, MeetingBroadcaster broadcaster, ReturningScreens returning, JournalReadLimits reads, PersonKeys keys,
    TimeProvider clock)
    : Hub<IMeetingClient>
{
    // The database is asked for only by the few methods that use it: a hub is made for every call and every
    // connection, and a DbContext made for each of ten thousand joins that never touch it was a quarter of their CPU.
    private MeetingsDbContext Db => services.GetRequiredService<MeetingsDbContext>();
    private MeetingJournal Journal => services.GetRequiredService<MeetingJournal>();

    // Everyone

    /// <summary>
    /// Joins a meeting as a viewer, clerk or official, and answers with the meeting now. A resident passes the token
    /// their client keeps. Once someone here follows the meeting, a join is answered from the snapshot every screen
    /// shares (serialized once per change), without the meeting's lock or a query: screens coming back in thousands
    /// after a restart cost little. Changes from other instances reach it through the watcher, as updates.
    /// </summary>
    public Task<JoinAnswer> Join(Guid meetingId, string? residentToken = null) => JoinAsync(meetingId, residentToken, held: null);

    /// <summary>
    /// Joins again after a lost connection or a server restart, saying which sequence the screen holds: answered, in
    /// place of the snapshot, with one <c>MeetingUpdate</c> from there to now (worked out once for everyone who holds
    /// that sequence), or with the whole snapshot as <c>Join</c> when it cannot be (too far behind, or ahead of this
    /// server). So thousands of screens coming back at once do not each need the whole meeting.
    /// </summary>
    public Task<JoinAnswer> Rejoin(Guid meetingId, string? residentToken, long held) => JoinAsync(meetingId, residentToken, held);

    private async Task<JoinAnswer> JoinAsync(Guid meetingId, string? residentToken, long? held)
    {
        var personKey = residentToken is null ? null : keys.Resident(meetingId, residentToken);
        SharedSnapshot? snapshot = null;
        // A feed swept between the load and the follow (after ten minutes with nobody here following it) is loaded again.
        for (var tries = 0; snapshot is null; tries++)
        {
            if (tries == 3) throw new HubException("The meeting could not be loaded just now; please try again.");
            await VisibleAsync(meetingId);
            snapshot = broadcaster.Follow(meetingId, Context.ConnectionId);
        }
        // SignalR runs a call apart from the connection's reading, so the connection may have closed while this join
        // waited for the meeting, and its disconnect found nothing to drop. The token is cancelled before that
        // disconnect runs: seen here, the screen just added is dropped here, or it would be followed forever.
        if (Context.ConnectionAborted.IsCancellationRequested)
        {
            broadcaster.Disconnected(Context.ConnectionId);
            throw new HubException("The connection closed.");
        }
        if (Context.User!.IsClerk()) await Groups.AddToGroupAsync(Context.ConnectionId, MeetingBroadcaster.ClerksGroup(meetingId));
        var seat = Context.User!.IsInRole(Roles.Official) ? await SeatInBodyAsync(snapshot.BodyId) : null;
        // Someone who brings a token may sign up and comment; without one they only watch.
        var role = Context.User!.IsClerk() ? Roles.Clerk : seat is not null ? Roles.Official : personKey is not null ? "Resident" : "Viewer";
        var now = clock.GetUtcNow();
        var since = held is { } h ? await returning.SinceAsync(meetingId, h, snapshot, now, () => reads.MayRead(Context)) : null;
        return since is null ? new JoinAnswer(snapshot.At(now), role, seat, personKey) : new JoinAnswer(null, role, seat, personKey, since);
    }

    public async Task Leave(Guid meetingId)
    {
        broadcaster.Unfollow(meetingId, Context.ConnectionId);
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, MeetingBroadcaster.ClerksGroup(meetingId));
    }

    /// <summary>
    /// The events after <paramref name="after"/> (up to 1000) and the meeting now: how a client that missed something
    /// converges. The meeting now is the snapshot every screen here shares, and the events go up to it: the next
    /// update screens are sent starts there, so a screen that caught up can apply it. (The journal may be ahead while
    /// an update is on its way, most of all in a flood; a snapshot at the journal's end would send the screen to catch
    /// up again at the next update, and again, for as long as the flood lasted.) A crowd catching up costs no snapshot
    /// made for each.
    /// </summary>
    public async Task<CatchUpAnswer> EventsAfter(Guid meetingId, long after)
    {
        var shared = await VisibleAsync(meetingId);
        var now = clock.GetUtcNow();
        if (after >= shared.Sequence) return new CatchUpAnswer([], shared.At(now));
        var from = Math.Max(0, after);
        // Past the address's reads, the meeting as it is without the events between (the web client and the resident
        // page take only the snapshot): a library of screens that fell behind together is answered, not refused.
        if (shared.Sequence - from > JournalReadLimits.SmallCatchUp && !reads.MayRead(Context)) return new CatchUpAnswer([], shared.At(now), EventsLeftOut: true);
        var entries = await Journal.ReadAsync(meetingId, from, (int)Math.Min(1000, shared.Sequence - from));
        // The texts served beside the events follow the meeting's moderation as it stands.
        var textIsPublic = await store.ReadHeldAsync(meetingId, m => PublicRecord.TextsPublicNow(entries, m));
        return new CatchUpAnswer(PublicRecord.Events(entries, textIsPublic), shared.At(now));
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        broadcaster.Disconnected(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    /// <summary>
    /// The meeting's shared snapshot, starting its feed here if nobody here follows it yet. Drafts are for clerks: a
    /// shared snapshot that says Draft (it may have just been posted) or Cancelled (it may never have been) is checked
    /// against the meeting itself, as the journal has it. Screens coming back by thousands after a restart wait for
    /// the first one's read of a public meeting, and then need none of their own.
    /// </summary>
    private async Task<SharedSnapshot> VisibleAsync(Guid meetingId)
    {
        var user = Context.User!;
        var shared = broadcaster.Current(meetingId);
        if (shared is { MaybePrivate: false } || (shared is not null && user.IsClerk())) return shared;
        // Only the first of a crowd asking at once reads the journal (under the meeting's lock); it alone is counted.
        return await store.ReadOnceAsync(meetingId, m => MeetingEndpoints.Visible(m, user) ? broadcaster.Load(m) : throw new HubException("No such meeting."),
            askTheJournal: () => broadcaster.Current(meetingId) is not { MaybePrivate: false }, reading: CountRead);
    }

    private void CountRead()
    {
        if (!reads.MayRead(Context)) throw new HubException(HubGuards.TooMany);
    }

    // Residents: no account, bound to the token their client keeps

    public async Task<Guid> SignUpToSpeak(Guid meetingId, string residentToken, SignUpRequest request)
    {
        if (request is null) throw Missing("request");
        var entryId = Guid.NewGuid();
        var phone = services.GetRequiredService<IOptions<Phone.PhoneOptions>>().Value.Callable(SpeakerContact.NormalizePhone(request.Phone));
        if (request.CallMe && phone is null) throw new InvalidInputException("phone", "To be called when you are up, give the number to call.");
        var key = keys.Resident(meetingId, residentToken);
        // The number is kept before the sign-up is committed, so an "up soon" text planned at once can find it.
        if (phone is not null)
        {
            Db.SpeakerContacts.Add(new SpeakerContact
            {
                EntryId = entryId, MeetingId = meetingId, Phone = phone, SavedAt = clock.GetUtcNow(), CallMe = request.CallMe,
                Language = services.GetRequiredService<Languages.Languages>().For(request.Language).Code,
            });
            await Db.SaveChangesAsync();
        }
        try
        {
            await Run(meetingId, (m, now) => m.SignUp(now, entryId, request.ItemId, request.Name ?? "", SpeakerSource.Web,
                key, Parse<Stance>(request.Stance, "stance"), request.UsesInterpreter, phone is not null));
        }
        catch when (phone is not null)
        {
            // Refused: keep no number for a sign-up that does not exist.
            await Db.SpeakerContacts.Where(c => c.EntryId == entryId).ExecuteDeleteAsync();
            throw;
        }
        return entryId;
    }

    /// <summary>A resident withdraws one of their own sign-ups (and only their own).</summary>
    public Task<CommandAck> WithdrawSignUp(Guid meetingId, string residentToken, Guid entryId)
    {
        var key = keys.Resident(meetingId, residentToken);
        return Run(meetingId, (m, _) => m.Entry(entryId).PersonKey == key ? m.Withdraw(entryId)
            : throw new HubException("You can withdraw only your own sign-up."));
    }

    public Task<CommandAck> SubmitWrittenComment(Guid meetingId, string residentToken, Guid itemId, string name, string text) =>
        Run(meetingId, (m, now) => m.SubmitWrittenComment(now, Guid.NewGuid(), itemId, name, text, keys.Resident(meetingId, residentToken)));

    // Officials of the meeting's body

    [Authorize(Roles = Roles.Official)]
    public async Task<CommandAck> AskToSpeak(Guid meetingId)
    {
        var seat = await OwnSeatAsync(meetingId);
        return await Run(meetingId, (m, now) => m.AskToSpeak(now, seat));
    }

    [Authorize(Roles = Roles.Official)]
    public async Task<CommandAck> WithdrawRequestToSpeak(Guid meetingId)
    {
        var seat = await OwnSeatAsync(meetingId);
        return await Run(meetingId, (m, _) => m.WithdrawRequest(seat));
    }

    [Authorize(Roles = Roles.Official)]
    public async Task<Guid> Move(Guid meetingId, MotionRequest motion)
    {
        if (motion is null) throw Missing("motion");
        var seat = await OwnSeatAsync(meetingId);
        var motionId = Guid.NewGuid();
        await Run(meetingId, (m, _) => m.Move(motionId, seat, motion.Text ?? "", ParseThreshold(motion.Threshold), motion.AmendsMotionId));
        return motionId;
    }

    [Authorize(Roles = Roles.Official)]
    public async Task<CommandAck> Second(Guid meetingId, Guid motionId)
    {
        var seat = await OwnSeatAsync(meetingId);
        return await Run(meetingId, (m, _) => m.Second(motionId, seat));
    }

    /// <summary>The mover withdraws their motion before the vote opens.</summary>
    [Authorize(Roles = Roles.Official)]
    public async Task<CommandAck> WithdrawMotion(Guid meetingId, Guid motionId)
    {
        var seat = await OwnSeatAsync(meetingId);
        return await Run(meetingId, (m, _) => m.Motion(motionId).MoverSeatId == seat ? m.WithdrawMotion(motionId)
            : throw new HubException("Only the mover may withdraw a motion."));
    }

    /// <summary>Casts or changes the member's own vote while the vote is open: Aye, Nay, Abstain or Recuse.</summary>
    [Authorize(Roles = Roles.Official)]
    public async Task<CommandAck> Vote(Guid meetingId, Guid motionId, string choice)
    {
        var seat = await OwnSeatAsync(meetingId);
        return await Run(meetingId, (m, _) => m.CastVote(motionId, seat, Parse(choice, "choice", VoteChoice.Absent, VoteChoice.NotVoting) ?? throw Missing("choice")));
    }

    // The clerk (or an administrator)

    [Authorize(Policy = Roles.ClerkPolicy)]
    public async Task<CommandAck> StartMeeting(Guid meetingId)
    {
        // Who holds each seat now, not when the meeting was scheduled: a new term may have been sworn in since.
        var body = await Bodies.BodyEndpoints.FindAsync(Db, await store.ReadAsync(meetingId, m => m.BodyId), tracked: false);
        return await Run(meetingId, (m, now) => m.StartMeeting(now, body.ToRules().Seats));
    }

    [Authorize(Policy = Roles.ClerkPolicy)]
    public Task<CommandAck> Recess(Guid meetingId) => Run(meetingId, (m, now) => m.Recess(now));

    [Authorize(Policy = Roles.ClerkPolicy)]
    public Task<CommandAck> Resume(Guid meetingId) => Run(meetingId, (m, now) => m.Resume(now));

    [Authorize(Policy = Roles.ClerkPolicy)]
    public Task<CommandAck> Adjourn(Guid meetingId) => Run(meetingId, (m, now) => m.Adjourn(now));

    [Authorize(Policy = Roles.ClerkPolicy)]
    public Task<CommandAck> TakeRollCall(Guid meetingId, IReadOnlyList<RollCallEntry> members)
    {
        if (members is null || members.Any(a => a is null)) throw Missing("members");
        var answers = members.Select(a => new MemberAttendance(a.SeatId, Parse<Presence>(a.Presence, "presence") ?? throw Missing("presence"), a.RemoteBasis)).ToList();
        return Run(meetingId, (m, now) => m.TakeRollCall(now, answers));
    }

    [Authorize(Policy = Roles.ClerkPolicy)]
    public Task<CommandAck> MarkArrival(Guid meetingId, Guid seatId, string presence, string? remoteBasis = null) =>
        Run(meetingId, (m, now) => m.MemberArrives(now, seatId, Parse<Presence>(presence, "presence") ?? throw Missing("presence"), remoteBasis));

    [Authorize(Policy = Roles.ClerkPolicy)]
    public Task<CommandAck> MarkDeparture(Guid meetingId, Guid seatId) => Run(meetingId, (m, now) => m.MemberDeparts(now, seatId));

    [Authorize(Policy = Roles.ClerkPolicy)]
    public Task<CommandAck> OpenItem(Guid meetingId, Guid itemId) => Run(meetingId, (m, _) => m.OpenItem(itemId));

    [Authorize(Policy = Roles.ClerkPolicy)]
    public Task<CommandAck> OpenPublicComment(Guid meetingId, Guid itemId) => Run(meetingId, (m, _) => m.OpenPublicComment(itemId));

    [Authorize(Policy = Roles.ClerkPolicy)]
    public Task<CommandAck> ClosePublicComment(Guid meetingId, Guid itemId) => Run(meetingId, (m, _) => m.ClosePublicComment(itemId));

    /// <summary>Adds a speaker from a card filled in the room.</summary>
    [Authorize(Policy = Roles.ClerkPolicy)]
    public async Task<Guid> AddRoomSpeaker(Guid meetingId, Guid itemId, string name, string? stance = null, bool usesInterpreter = false)
    {
        var entryId = Guid.NewGuid();
        var card = keys.Card(meetingId, name);
        await Run(meetingId, (m, now) => m.SignUp(now, entryId, itemId, name ?? "", SpeakerSource.Room, card, Parse<Stance>(stance, "stance"), usesInterpreter, false));
        return entryId;
    }

    [Authorize(Policy = Roles.ClerkPolicy)]
    public Task<CommandAck> ReorderQueue(Guid meetingId, Guid itemId, IReadOnlyList<Guid> order) =>
        Run(meetingId, (m, _) => m.Reorder(itemId, order ?? throw Missing("order")));

    [Authorize(Policy = Roles.ClerkPolicy)]
    public Task<CommandAck> CallNextSpeaker(Guid meetingId, Guid itemId) => Run(meetingId, (m, _) => m.CallNext(itemId));

    [Authorize(Policy = Roles.ClerkPolicy)]
    public Task<CommandAck> StartTurn(Guid meetingId, Guid entryId) => Run(meetingId, (m, now) => m.StartTurn(now, entryId));

    [Authorize(Policy = Roles.ClerkPolicy)]
    public Task<CommandAck> PauseTurn(Guid meetingId) => Run(meetingId, (m, now) => m.PauseTurn(now));

    [Authorize(Policy = Roles.ClerkPolicy)]
    public Task<CommandAck> ResumeTurn(Guid meetingId) => Run(meetingId, (m, now) => m.ResumeTurn(now));

    [Authorize(Policy = Roles.ClerkPolicy)]
    public Task<CommandAck> ExtendTurn(Guid meetingId, int seconds) => Run(meetingId, (m, _) => m.ExtendTurn(seconds));

    [Authorize(Policy = Roles.ClerkPolicy)]
    public Task<CommandAck> EndTurn(Guid meetingId) => Run(meetingId, (m, now) => m.EndTurn(now));

    [Authorize(Policy = Roles.ClerkPolicy)]
    public Task<CommandAck> MarkNoShow(Guid meetingId, Guid entryId) => Run(meetingId, (m, _) => m.MarkNoShow(entryId));

    [Authorize(Policy = Roles.ClerkPolicy)]
    public Task<CommandAck> RecognizeMember(Guid meetingId, Guid seatId) => Run(meetingId, (m, _) => m.Recognize(seatId));

    /// <summary>Records a motion made aloud in the room by a member who is not using a tablet.</summary>
    [Authorize(Policy = Roles.ClerkPolicy)]
    public async Task<Guid> RecordMotion(Guid meetingId, Guid moverSeatId, MotionRequest motion)
    {
        if (motion is null) throw Missing("motion");
        var motionId = Guid.NewGuid();
        await Run(meetingId, (m, _) => m.Move(motionId, moverSeatId, motion.Text ?? "", ParseThreshold(motion.Threshold), motion.AmendsMotionId));
        return motionId;
    }

    [Authorize(Policy = Roles.ClerkPolicy)]
    public Task<CommandAck> RecordSecond(Guid meetingId, Guid motionId, Guid seatId) => Run(meetingId, (m, _) => m.Second(motionId, seatId));

    [Authorize(Policy = Roles.ClerkPolicy)]
    public Task<CommandAck> OpenVote(Guid meetingId, Guid motionId) => Run(meetingId, (m, now) => m.OpenVoting(now, motionId));

    [Authorize(Policy = Roles.ClerkPolicy)]
    public Task<CommandAck> CloseVote(Guid meetingId, Guid motionId) => Run(meetingId, (m, now) => m.CloseVoting(now, motionId));

    /// <summary>A voice vote: present members aye except the dissenters named (seat id to Nay, Abstain or Recuse).</summary>
    [Authorize(Policy = Roles.ClerkPolicy)]
    public Task<CommandAck> RecordVoiceVote(Guid meetingId, Guid motionId, IReadOnlyDictionary<Guid, string>? dissent = null)
    {
        var parsed = (dissent ?? new Dictionary<Guid, string>()).ToDictionary(d => d.Key, d => Parse(d.Value, "dissent", VoteChoice.Aye, VoteChoice.Absent, VoteChoice.NotVoting) ?? throw Missing("dissent"));
        return Run(meetingId, (m, now) => m.RecordVoiceVote(now, motionId, parsed));
    }

    /// <summary>
    /// Corrects a present member's recorded vote on a closed vote (Aye, Nay, Abstain, Recuse or NotVoting); the
    /// original stays on the record. A member recorded absent needs <see cref="CorrectAttendanceAtVote"/> first.
    /// </summary>
    [Authorize(Policy = Roles.ClerkPolicy)]
    public Task<CommandAck> CorrectVote(Guid meetingId, Guid motionId, Guid seatId, string choice, string reason) =>
        Run(meetingId, (m, _) => m.CorrectVote(motionId, seatId, Parse(choice, "choice", VoteChoice.Absent) ?? throw Missing("choice"), reason ?? ""));

    /// <summary>Corrects whether a member was present at a closed vote; a member found present is recorded as the body counts silence.</summary>
    [Authorize(Policy = Roles.ClerkPolicy)]
    public Task<CommandAck> CorrectAttendanceAtVote(Guid meetingId, Guid motionId, Guid seatId, bool present, string reason) =>
        Run(meetingId, (m, _) => m.CorrectAttendanceAtVote(motionId, seatId, present, reason ?? ""));

    // The one path

    private async Task<CommandAck> Run(Guid meetingId, Func<Meeting, DateTimeOffset, MeetingEvent[]> decide)
    {
        var user = Context.User!;
        // A resident's command on a meeting not held here loads it from its whole journal: counted as a join of it is.
        if (!store.Holds(meetingId) && !reads.MayRead(Context)) throw new HubException(HubGuards.TooMany);
        var entries = await store.ExecuteAsync(meetingId, Actors.For(user), (m, now) =>
            MeetingEndpoints.Visible(m, user) ? decide(m, now) : throw new HubException("No such meeting."));
        return new CommandAck(entries.Count > 0 ? entries[^1].Sequence : 0);
    }

    private async Task<Guid> OwnSeatAsync(Guid meetingId) =>
        await SeatInBodyAsync(await store.ReadAsync(meetingId, m => m.BodyId))
        ?? throw new HubException("Only a member of this body may do this.");

    private async Task<Guid?> SeatInBodyAsync(Guid bodyId)
    {
        var userId = Context.UserIdentifier;
        if (userId is null) return null;
        var seat = await Db.Set<Seat>().AsNoTracking()
            .Where(s => s.OfficialUserId == userId && EF.Property<Guid>(s, "BodyId") == bodyId).Select(s => (Guid?)s.Id).FirstOrDefaultAsync();
        return seat;
    }

    /// <summary>An enum value by its exact name (any case): no numbers, no comma-joined flags.</summary>
    private static T? Parse<T>(string? value, string field, params T[] excluded) where T : struct, Enum
    {
        if (value is null) return null;
        var names = Enum.GetNames<T>().Where(n => !excluded.Contains(Enum.Parse<T>(n))).ToList();
        var name = names.FirstOrDefault(n => string.Equals(n, value.Trim(), StringComparison.OrdinalIgnoreCase));
        return name is not null ? Enum.Parse<T>(name)
            : throw new InvalidInputException(field, $"'{Truncate(value)}' is not one of {string.Join(", ", names[..^1])} or {names[^1]}.");
    }

    private static Threshold? ParseThreshold(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        switch (value.Trim().ToUpperInvariant())
        {
            case "MAJORITY": return Threshold.Majority;
            case "MAJORITYOFSEATS": return Threshold.MajorityOfSeats;
            case "TWOTHIRDS": return Threshold.TwoThirds;
        }
        var parts = value.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], out var n) && int.TryParse(parts[1], out var d))
        {
            var threshold = new Threshold(n, d, ThresholdBasis.VotesCast);
            threshold.Validate();
            return threshold;
        }
        throw new InvalidInputException("threshold", "The threshold is Majority, MajorityOfSeats, TwoThirds or a fraction such as 3/4.");
    }

    private static InvalidInputException Missing(string field) => new(field, $"The {field} is required.");

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";
}

/// <summary>
/// What <c>Join</c> and <c>Rejoin</c> answer (the wire shape of <see cref="JoinResult"/>): the shared snapshot copied as
/// it is, or (for <c>Rejoin</c> only) no snapshot and the update from the sequence the screen holds.
/// </summary>
public sealed record JoinAnswer(RawJson? Snapshot, string Role, Guid? SeatId, string? PersonKey, RawJson? Update = null);

/// <summary>What <c>EventsAfter</c> answers (the wire shape of <see cref="CatchUp"/>): the snapshot is the shared one, or one made now.</summary>
public sealed record CatchUpAnswer(IReadOnlyList<JournalEventDto> Events, object Snapshot,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)] bool EventsLeftOut = false);
