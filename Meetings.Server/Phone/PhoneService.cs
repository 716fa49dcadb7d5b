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
    MeetingsDbContext db, MeetingStore store, IOptions<PhoneOptions> options, IHubContext<MeetingHub, IMeetingClient> hub, PhoneSync sync, PersonKeys keys)
{
    private static readonly Actor Caller = new(ActorRole.Resident, "phone caller");

    public static string ConferenceName(Guid meetingId) => $"meeting-{meetingId:N}";

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

    public Task<MeetingRow?> FindByCodeAsync(string code) =>
        db.Meetings.AsNoTracking().FirstOrDefaultAsync(m => m.AccessCode == code &&
            (m.Status == MeetingStatus.Published || m.Status == MeetingStatus.Live || m.Status == MeetingStatus.Recessed));

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

    public Task<PhoneCall?> FindCallAsync(string callSid) => db.PhoneCalls.FirstOrDefaultAsync(c => c.CallSid == callSid)!;

    /// <summary>*9: raises the caller's hand on the item open to public comment, or lowers it.</summary>
    public async Task<string> ToggleHandAsync(PhoneCall call, Prompts say)
    {
        var (entry, item, openItem) = await store.ReadAsync(call.MeetingId, m =>
        {
            var current = call.EntryId is { } id ? m.Entry(id) : null;
            var open = m.CurrentItemId is { } c && m.Item(c).CommentOpen ? m.Item(c) : m.Agenda.FirstOrDefault(i => i.CommentOpen);
            return (current is { State: SpeakerState.Waiting or SpeakerState.OnDeck } ? current.Id : (Guid?)null,
                current is null ? null : m.Item(current.ItemId).Title, open?.Id);
        });
        if (entry is { } active)
        {
            await store.ExecuteAsync(call.MeetingId, Caller, (m, _) => m.Withdraw(active));
            return say.HandLowered;
        }
        if (openItem is not { } itemId) return say.CommentClosed;
        var entryId = Guid.NewGuid();
        // The key is the number, keyed with the server's secret and this meeting: one place per number, and what a block names.
        var key = keys.Caller(call.MeetingId, call.From);
        if (await store.ReadAsync(call.MeetingId, m => m.QueueFor(itemId).Any(e => e.IsActive && e.PersonKey == key)))
            return say.AlreadyInLine;
        var result = await store.ExecuteAsync(call.MeetingId, Caller, (m, now) =>
            m.SignUp(now, entryId, itemId, call.Label, SpeakerSource.Phone, key, null, false, false),
            m => (m.Item(itemId).Title, Place: PlaceOf(m, entryId) ?? 0));
        call.EntryId = entryId;
        await db.SaveChangesAsync();
        await PublishStatusAsync(call.MeetingId);
        return say.HandRaised(result.View.Title, result.View.Place);
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
        if (call is null || sequence <= call.LastSequenceNumber) return;
        call.LastSequenceNumber = sequence;
        call.ConferenceSid = conferenceSid;
        switch (kind)
        {
            case "participant-join":
                call.InConference = true;
                // Twilio put the caller in as the TwiML said; if that is not what they should be now, fix it.
                call.MuteApplied = muted == call.WantMuted;
                break;
            case "participant-leave":
                call.InConference = false;
                // Pressing * leaves the conference for the keypad menu but keeps the call; only a completed call is a hang-up.
                if (callStatus == "completed") call.HungUp = true;
                break;
            case "participant-mute" or "participant-unmute":
                call.MuteApplied = muted == call.WantMuted;
                break;
        }
        await db.SaveChangesAsync();
        if (call.HungUp) await GiveUpPlaceAsync(call);
        if (!call.MuteApplied) sync.Wake();
        await PublishStatusAsync(meetingId);
    }

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
        if (call.EntryId is not { } entryId) return;
        await store.ExecuteAsync(call.MeetingId, Caller, (m, now) => m.Entry(entryId).State switch
        {
            SpeakerState.Waiting or SpeakerState.OnDeck => m.MarkNoShow(entryId),
            SpeakerState.Speaking => m.EndTurn(now, TurnEndReason.SpeakerLeft),
            _ => [],
        });
    }

    public async Task<PhoneStatus> StatusAsync(Guid meetingId)
    {
        var calls = await db.PhoneCalls.AsNoTracking().Where(c => c.MeetingId == meetingId).ToListAsync();
        return await store.ReadAsync(meetingId, m => Status(m, calls));
    }

    public async Task PublishStatusAsync(Guid meetingId) =>
        await hub.Clients.Group(MeetingBroadcaster.ClerksGroup(meetingId)).PhoneStatusChanged(await StatusAsync(meetingId));

    private PhoneStatus Status(Meeting m, IReadOnlyList<PhoneCall> calls) => new(
        options.Value.IsConfigured, options.Value.PhoneNumber, m.AccessCode, ModeratorCode(m.Id),
        calls.Count(c => c.InConference && !c.HungUp),
        calls.OrderBy(c => c.CalledAt).Select(c => new CallerDto(c.Label, c.StateIn(m).ToString(), c.EntryId)).ToList());

    private static int? PlaceOf(Meeting m, Guid entryId)
    {
        var entry = m.Entry(entryId);
        var waiting = m.QueueFor(entry.ItemId).Where(e => e.State is SpeakerState.Waiting or SpeakerState.OnDeck).ToList();
        var index = waiting.FindIndex(e => e.Id == entryId);
        return index < 0 ? null : index + 1;
    }
}
