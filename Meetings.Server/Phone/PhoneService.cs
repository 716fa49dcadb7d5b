using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Meetings.Client.Contracts;
using Meetings.Server.Data;
using Meetings.Server.Domain;
using Meetings.Server.Live;
using Meetings.Server.Meetings;
using Meetings.Server.Privacy;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Meetings.Server.Phone;

/// <summary>
/// Phone callers in the meeting: who is on the line, their place in the speaker queue, and whether their
/// line should be open. Callers change the meeting through <see cref="MeetingStore"/> like anyone else.
/// </summary>
public sealed class PhoneService(
    MeetingsDbContext db, MeetingStore store, IOptions<PhoneOptions> options, IHubContext<MeetingHub, IMeetingClient> hub, PhoneSync sync, TimeProvider clock, PersonKeys keys,
    ILogger<PhoneService> log)
{
    private static readonly Actor Caller = new(ActorRole.Resident, "phone caller");

    /// <summary>
    /// The chamber audio's code for a meeting: derived from the meeting and the Twilio auth token, so it is
    /// never stored and cannot be guessed from the public access code.
    /// </summary>
    public string? ModeratorCode(Guid meetingId)
    {
        if (!options.Value.IsConfigured) return null;
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.AuthToken!), meetingId.ToByteArray());
        return (BitConverter.ToUInt32(mac) % 100_000_000).ToString("D8", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The meeting a caller's code names: one still to be held or in session, else the latest one that used the code
    /// (adjourned or cancelled), so a late caller is told it has ended rather than that the code is wrong.
    /// </summary>
    public async Task<MeetingRow?> FindByCodeAsync(string code)
    {
        var meetings = await db.Meetings.AsNoTracking().Where(m => m.AccessCode == code && m.Posted).ToListAsync();
        return meetings.OrderByDescending(m => m.Status is MeetingStatus.Published or MeetingStatus.Live or MeetingStatus.Recessed)
            .ThenByDescending(m => m.Start).FirstOrDefault();
    }

    public Task<MeetingRow?> FindMeetingAsync(Guid meetingId) => db.Meetings.AsNoTracking().FirstOrDefaultAsync(m => m.Id == meetingId);

    public async Task<MeetingRow?> FindByModeratorCodeAsync(string code)
    {
        var open = await db.Meetings.AsNoTracking()
            .Where(m => m.Status == MeetingStatus.Published || m.Status == MeetingStatus.Live || m.Status == MeetingStatus.Recessed).ToListAsync();
        return open.FirstOrDefault(m => ModeratorCode(m.Id) == code);
    }

    public async Task<PhoneCall> RegisterAsync(string callSid, Guid meetingId, string from, string language, DateTimeOffset now)
    {
        var call = await db.PhoneCalls.FindAsync(callSid);
        if (call is null)
        {
            call = new PhoneCall { CallSid = callSid, MeetingId = meetingId, From = from, CalledAt = now };
            db.PhoneCalls.Add(call);
        }
        call.Language = language;
        await db.SaveChangesAsync();
        return call;
    }

    /// <summary>
    /// A browser calling in with its access token (Twilio vouches for the identity): checks the sign-up is still in
    /// line and the meeting's browser limit, and records the line, muted unless the speaker has the floor.
    /// Null, with the reason to say, when it may not join.
    /// </summary>
    public async Task<(PhoneCall? Call, string Title, Func<Prompts, string> Refusal)> RegisterBrowserAsync(
        string callSid, Guid meetingId, Guid entryId, string language, DateTimeOffset now)
    {
        var (title, state, floorAt) = await store.ReadAsync(meetingId, m =>
            (m.Title, m.FindEntry(entryId) is { Source: SpeakerSource.Web } e ? e.State : SpeakerState.Withdrawn, m.Version));
        if (state is not (SpeakerState.Waiting or SpeakerState.OnDeck or SpeakerState.Speaking)) return (null, title, p => p.NotInLine);
        var others = await db.PhoneCalls.CountAsync(c => c.MeetingId == meetingId && c.Leg == CallLeg.Browser && !c.HungUp && c.CallSid != callSid);
        if (others >= options.Value.BrowserLimit) return (null, title, p => p.BrowserFull);
        var call = await db.PhoneCalls.FindAsync(callSid);
        if (call is null)
        {
            call = new PhoneCall { CallSid = callSid, MeetingId = meetingId, Leg = CallLeg.Browser, From = "browser", EntryId = entryId, CalledAt = now };
            db.PhoneCalls.Add(call);
        }
        call.Language = language;
        // A line recorded before (Twilio asking again) is set from the floor in the database only, below.
        if (db.Entry(call).State == EntityState.Added) (call.WantMuted, call.FloorAt) = (state != SpeakerState.Speaking, floorAt);
        await db.SaveChangesAsync();
        await FloorSinceAsync(call);
        await PublishStatusAsync(meetingId);
        return (call, title, _ => "");
    }

    /// <summary>
    /// Looks again at the floor once a new line is recorded: a turn that started or ended after the speaker's state
    /// was read may have been followed before the line existed, and would never reach it. Compared in the database,
    /// as the follower's own write may have come first.
    /// </summary>
    private async Task FloorSinceAsync(PhoneCall call)
    {
        var (speaking, floorAt) = await store.ReadAsync(call.MeetingId, m => (m.Speaking?.Id, m.Version));
        var line = db.PhoneCalls.Where(c => c.CallSid == call.CallSid);
        if (await line.FollowTheFloorAsync(speaking, floorAt)) sync.Wake();
        // What the line is to be now, whoever set it: the call joins the conference so. Taken as read, not as a change
        // to save, so no later save here writes it over a newer floor.
        db.Entry(call).Property(c => c.WantMuted).OriginalValue = call.WantMuted = await line.Select(c => c.WantMuted).SingleAsync();
    }

    /// <summary>What the call-back says: who is calling, about which meeting and item. Null when the sign-up is no longer in line.</summary>
    public async Task<(string Body, string Title, string Item)?> CallBackIntroAsync(Guid entryId)
    {
        if (await ContactAsync(entryId) is not { } contact) return null;
        return await store.ReadAsync(contact.MeetingId, m => m.InSessionOrRecess && m.FindEntry(entryId) is { IsActive: true } e
            ? (m.BodyName, m.Title, m.Item(e.ItemId).Number) : ((string, string, string)?)null);
    }

    /// <summary>The resident pressed 1: the call-back is answered, and from now on it is handled as a caller who dialled in.</summary>
    public async Task<(PhoneCall Call, string Title)?> CallBackJoinedAsync(string callSid, Guid entryId)
    {
        if (await ContactAsync(entryId) is not { } contact) return null;
        var (title, state, sitting) = await store.ReadAsync(contact.MeetingId, m => (m.Title, m.Entry(entryId).State, m.InSessionOrRecess));
        if (!sitting || state is not (SpeakerState.Waiting or SpeakerState.OnDeck or SpeakerState.Speaking)) return null;
        var call = await db.RecordOnceAsync(PhoneCall.CallBackTo(contact, callSid, clock.GetUtcNow()));
        (call.Answered, call.Language) = (true, contact.Language);
        await db.SaveChangesAsync();
        await FloorSinceAsync(call);
        await PublishStatusAsync(call.MeetingId);
        return (call, title);
    }

    /// <summary>An answering machine (or fax) took the call-back: hang up; the clerk sees "did not answer".</summary>
    public async Task CallBackNotAnsweredAsync(string callSid, Guid entryId)
    {
        if (await RecordCallBackAsync(callSid, entryId) is not { Leg: CallLeg.CallBack, Answered: false } call) return;
        call.HungUp = true;
        await db.SaveChangesAsync();
        await PublishStatusAsync(call.MeetingId);
    }

    /// <summary>
    /// The call-back to <paramref name="entryId"/>'s contact as recorded, recording it first if Twilio's word about it
    /// came before the follower that placed it recorded it. Null when the sign-up left no contact.
    /// </summary>
    public async Task<PhoneCall?> RecordCallBackAsync(string callSid, Guid entryId) =>
        await ContactAsync(entryId) is { } contact ? await db.RecordOnceAsync(PhoneCall.CallBackTo(contact, callSid, clock.GetUtcNow())) : null;

    /// <summary>The contact a web speaker left with their sign-up (a number to call back), if any.</summary>
    private Task<SpeakerContact?> ContactAsync(Guid entryId) =>
        db.SpeakerContacts.AsNoTracking().FirstOrDefaultAsync(c => c.EntryId == entryId);

    public Task<PhoneCall?> FindCallAsync(string callSid) => db.PhoneCalls.FirstOrDefaultAsync(c => c.CallSid == callSid)!;

    /// <summary>
    /// *9: raises the caller's hand on the item open to public comment, or lowers it. Decided inside one command, on the
    /// meeting as the command finds it, so nothing changes between the look and the deed, and a caller takes one turn
    /// at the meeting's lock, not three (under a flood of sign-ups each turn waits behind a commit).
    /// </summary>
    public async Task<string> ToggleHandAsync(PhoneCall call, Prompts say)
    {
        var entryId = Guid.NewGuid();
        // The key is the number, keyed with the server's secret and this meeting: one place per number, and what a block names.
        var key = keys.Caller(call.MeetingId, call.From);
        var press = Press.CommentClosed;
        var result = await store.ExecuteAsync(call.MeetingId, Caller, (m, now) =>
        {
            (press, var events) = PressNine(m, now, call, entryId, key);
            return events;
        }, m => press == Press.Raised ? (Title: m.Item(m.Entry(entryId).ItemId).Title, Place: PlaceOf(m, entryId) ?? 0) : (Title: "", Place: 0));
        switch (press)
        {
            case Press.Lowered:
                return say.HandLowered;
            case Press.Raised:
                call.EntryId = entryId;
                await db.SaveChangesAsync();
                // A hang-up handled while the hand went up found no place to give up: it is given up here.
                if (await db.PhoneCalls.AnyAsync(c => c.CallSid == call.CallSid && c.HungUp)) await GiveUpPlaceAsync(call);
                await PublishStatusAsync(call.MeetingId);
                return say.HandRaised(result.View.Title, result.View.Place);
            case Press.AlreadyInLine:
                return say.AlreadyInLine;
            default:
                return say.CommentClosed;
        }
    }

    private enum Press { CommentClosed, Lowered, Raised, AlreadyInLine }

    /// <summary>What *9 does to the meeting as it stands: lowers the caller's waiting hand, or raises it on the item open to comment.</summary>
    private static (Press, MeetingEvent[]) PressNine(Meeting m, DateTimeOffset now, PhoneCall call, Guid entryId, string key)
    {
        if (m.InSessionOrRecess && call.EntryId is { } id && m.Entry(id) is { State: SpeakerState.Waiting or SpeakerState.OnDeck }) return (Press.Lowered, m.Withdraw(id));
        var open = m.CurrentItemId is { } c && m.Item(c).CommentOpen ? m.Item(c) : m.Agenda.FirstOrDefault(i => i.CommentOpen);
        if (open is null) return (Press.CommentClosed, []);
        if (m.HoldsPlace(open.Id, key)) return (Press.AlreadyInLine, []);
        return (Press.Raised, m.SignUp(now, entryId, open.Id, call.Label, SpeakerSource.Phone, key, null, false, false));
    }

    /// <summary>Whether the caller has the floor now (their turn is running).</summary>
    public Task<bool> HasTheFloorAsync(PhoneCall call) =>
        store.ReadAsync(call.MeetingId, m => call.EntryId is { } id && m.Entry(id).State == SpeakerState.Speaking);

    /// <summary>*1: the current item and the caller's place in line.</summary>
    public Task<string> WhereAmIAsync(PhoneCall call, Prompts say) =>
        store.ReadAsync(call.MeetingId, m =>
            say.CurrentItem(m.CurrentItemId is { } c ? $"{m.Item(c).Number}, {m.Item(c).Title}" : null) + " " +
            say.Place(call.EntryId is { } id ? PlaceOf(m, id) : null));

    /// <summary>
    /// A conference status callback. Each is applied once, in order: a repeat or a straggler (by Twilio's
    /// sequence number) changes nothing. A caller who hangs up loses their place; one who hangs up while
    /// speaking ends their turn.
    /// </summary>
    public async Task ConferenceEventAsync(Guid meetingId, string callSid, string conferenceSid, string kind, int sequence, bool? muted, string? callStatus)
    {
        var call = await db.PhoneCalls.FirstOrDefaultAsync(c => c.CallSid == callSid && c.MeetingId == meetingId);
        if (call is null || Stale(call, conferenceSid, kind, sequence)) return;
        call.LastSequenceNumber = sequence;
        call.ConferenceSid = conferenceSid;
        switch (kind)
        {
            case "participant-join":
                call.InConference = true;
                break;
            case "participant-leave":
                call.InConference = false;
                // Pressing * leaves the conference for the keypad menu but keeps the call; only a completed call is a hang-up.
                // A browser has no keypad: when it leaves, it is gone.
                if (callStatus == "completed" || call.Leg == CallLeg.Browser) call.HungUp = true;
                break;
        }
        await db.SaveChangesAsync();
        // Twilio put the caller in as the TwiML said, or muted or unmuted them: whether that is what the line should be
        // is compared in the database, since the floor may have changed since the call was read here, and a line
        // marked done from that copy would stay as it is (a caller whose turn ended, heard on).
        var heard = kind is "participant-join" or "participant-mute" or "participant-unmute";
        if (heard)
            await db.PhoneCalls.Where(c => c.CallSid == callSid)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.MuteApplied, c => muted != null && c.WantMuted == muted));
        if (call.HungUp) await GiveUpPlaceAsync(call);
        // Back in the conference: what is pending for the line (an unmute, an announcement) can be done now.
        if ((heard && muted != call.WantMuted) || (call.InConference && call.Announcement is not null)) sync.Wake();
        await PublishStatusAsync(meetingId);
    }

    /// <summary>
    /// Whether a conference callback is a repeat or a straggler. Twilio numbers each conference's events from 1, and the
    /// meeting's conference starts again once everyone has left it (a lone caller pressing * for the keypad menu ends
    /// it): an event of another conference is the new one's when it is a join or the caller is between conferences;
    /// anything else from another conference while the caller is in one is the earlier conference's, arriving late.
    /// </summary>
    private static bool Stale(PhoneCall call, string conferenceSid, string kind, int sequence) =>
        call.ConferenceSid is { } current && current != conferenceSid
            ? call.InConference && kind != "participant-join"
            : sequence <= call.LastSequenceNumber;

    /// <summary>
    /// Twilio's call status callback: a call that ended, wherever the caller was (in the keypad menu too, where
    /// no conference callback sees it), gives up its place.
    /// </summary>
    public async Task CallEndedAsync(string callSid)
    {
        var call = await db.PhoneCalls.FirstOrDefaultAsync(c => c.CallSid == callSid);
        if (call is null || call.HungUp) return;
        (call.HungUp, call.InConference) = (true, false);
        await db.SaveChangesAsync();
        await GiveUpPlaceAsync(call);
        await PublishStatusAsync(call.MeetingId);
    }

    /// <summary>A caller who hangs up while waiting is a no-show; one who hangs up while speaking ends the turn.</summary>
    private async Task GiveUpPlaceAsync(PhoneCall call)
    {
        if (call.EntryId is not { } entryId || !call.HangUpGivesUpPlace) return;
        await store.ExecuteAsync(call.MeetingId, Caller, (m, now) => m.Entry(entryId).State switch
        {
            // Lines hung up at adjournment leave the record as it was closed.
            SpeakerState.Waiting or SpeakerState.OnDeck when m.InSessionOrRecess => m.MarkNoShow(entryId),
            SpeakerState.Speaking => m.EndTurn(now, TurnEndReason.SpeakerLeft),
            _ => [],
        });
    }

    /// <summary>
    /// The clerk tries a call-back again (after "did not answer"): for a web speaker who asked to be called and is
    /// still waiting or on deck. A call still ringing is not doubled.
    /// </summary>
    public async Task CallBackAgainAsync(Guid meetingId, Guid entryId)
    {
        var contact = db.SpeakerContacts.Where(c => c.EntryId == entryId && c.MeetingId == meetingId && c.CallMe);
        if (!await contact.AnyAsync()) throw new Errors.NotFoundException("This speaker did not ask to be called.");
        var (sitting, state) = await store.ReadAsync(meetingId, m => (m.InSessionOrRecess, m.Entry(entryId).State));
        if (!sitting)
            throw new MeetingRuleException("call-back-in-session", "Speakers are called only while the meeting is in session or in recess.");
        if (state is not (SpeakerState.Waiting or SpeakerState.OnDeck))
            throw new MeetingRuleException("call-back-while-waiting", "Only a speaker who is waiting or on deck can be called.");
        var ringing = await db.PhoneCalls.AnyAsync(c => c.EntryId == entryId && c.Leg == CallLeg.CallBack && !c.HungUp);
        // Taken in one conditional update: two requests at once (a double click) cannot both set a call going.
        if (ringing || await contact.Where(c => c.CallBack != CallBackState.Due && c.CallBack != CallBackState.Dialling)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.CallBack, CallBackState.Due).SetProperty(c => c.CallBackProblem, (string?)null)
                    .SetProperty(c => c.CallBackAttempts, c => c.CallBackAttempts + 1)) == 0)
            throw new MeetingRuleException("call-back-in-progress", "This speaker is being called now.");
        sync.Wake();
        await PublishStatusAsync(meetingId);
    }

    public async Task<PhoneStatus> StatusAsync(Guid meetingId)
    {
        var calls = await db.PhoneCalls.AsNoTracking().Where(c => c.MeetingId == meetingId).ToListAsync();
        var callBacks = await db.SpeakerContacts.AsNoTracking().Where(c => c.MeetingId == meetingId && c.CallMe && c.CallBack != CallBackState.None).ToListAsync();
        return await store.ReadAsync(meetingId, m => Status(m, calls, callBacks));
    }

    /// <summary>
    /// Shows the clerks the callers as they are now. A convenience, never a condition: when it cannot be sent (the
    /// Redis backplane down) the webhook still answers the caller and the phone follower still moves on, and the clerk's
    /// panel catches up with the next change or when it asks.
    /// </summary>
    public async Task PublishStatusAsync(Guid meetingId)
    {
        var status = await StatusAsync(meetingId);
        try
        {
            await hub.Clients.Group(MeetingBroadcaster.ClerksGroup(meetingId)).PhoneStatusChanged(status);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "The clerks of meeting {MeetingId} could not be shown the callers' states.", meetingId);
        }
    }

    /// <summary>
    /// What the clerk sees: every dialled-in caller, and the latest line of each web speaker (browser or call-back),
    /// named as the speaker gave their name. Never a whole number.
    /// </summary>
    /// <summary>
    /// What the clerk sees: every dialled-in caller, and the latest line of each web speaker (browser or call-back),
    /// named as the speaker gave their name; a call-back not yet placed, or that could not be, is shown too. Never a
    /// whole number.
    /// </summary>
    private PhoneStatus Status(Meeting m, IReadOnlyList<PhoneCall> calls, IReadOnlyList<SpeakerContact> callBacks)
    {
        var latest = calls.Where(c => c.Leg != CallLeg.Caller && c.EntryId is not null).GroupBy(c => (c.EntryId, c.Leg)).Select(g => g.MaxBy(c => c.CalledAt)!);
        var lines = calls.Where(c => c.Leg == CallLeg.Caller || c.EntryId is null).Concat(latest).OrderBy(c => c.CalledAt)
            .Select(c => new CallerDto(c.Leg == CallLeg.Caller || c.EntryId is not { } e ? c.Label : m.Entry(e).Name,
                c.StateIn(m).ToString(), c.EntryId, c.Leg.ToString(), c.MuteApplied ? null : c.Problem));
        // A call-back being dialled, or one that could not be placed, has no line of its own: it stands in for any earlier one.
        var notPlaced = callBacks.Where(c => c.CallBack != CallBackState.Placed && m.FindEntry(c.EntryId) is not null)
            .Select(c => new CallerDto(m.Entry(c.EntryId).Name, (c.CallBack == CallBackState.Failed ? CallerState.DidNotAnswer : CallerState.Calling).ToString(),
                c.EntryId, nameof(CallLeg.CallBack), c.CallBackProblem)).ToList();
        var shown = lines.Where(l => !(l.Leg == nameof(CallLeg.CallBack) && notPlaced.Any(n => n.EntryId == l.EntryId))).Concat(notPlaced).ToList();
        return new(options.Value.IsConfigured, options.Value.PhoneNumber, m.AccessCode, ModeratorCode(m.Id),
            calls.Count(c => c.InConference && !c.HungUp), shown, options.Value.BrowserAudioEnabled);
    }

    private static int? PlaceOf(Meeting m, Guid entryId)
    {
        var entry = m.Entry(entryId);
        var waiting = m.QueueFor(entry.ItemId).Where(e => e.State is SpeakerState.Waiting or SpeakerState.OnDeck).ToList();
        var index = waiting.FindIndex(e => e.Id == entryId);
        return index < 0 ? null : index + 1;
    }
}
