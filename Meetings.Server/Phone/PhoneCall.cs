using Meetings.Server.Data;
using Meetings.Server.Domain;
using Meetings.Server.Live;
using Microsoft.EntityFrameworkCore;

namespace Meetings.Server.Phone;

/// <summary>
/// How a call's state looks to the clerk. A browser's line shows Listening ("listening in the browser"), Speaking
/// ("connected"), the pending states, or Dropped; a call-back shows Calling or DidNotAnswer until it is answered.
/// </summary>
public enum CallerState { Listening, HandRaised, OnDeck, Speaking, UnmutePending, MutePending, Left, Dropped, Calling, DidNotAnswer }

/// <summary>How a line came into the meeting: dialled in, from a browser (Twilio's Voice SDK), or called back by the server.</summary>
public enum CallLeg { Caller, Browser, CallBack }

/// <summary>
/// A line into a meeting's conference, kept apart from the public journal because it holds the caller's number.
/// The journal knows a caller only as "Caller ending 4821", and a web speaker by the name they gave.
/// </summary>
public sealed class PhoneCall
{
    public string CallSid { get; set; } = "";
    public Guid MeetingId { get; set; }
    public CallLeg Leg { get; set; }
    public string From { get; set; } = "";
    public string Language { get; set; } = "en";
    public string? ConferenceSid { get; set; }
    public bool InConference { get; set; }
    public bool HungUp { get; set; }
    /// <summary>False only for a call-back until the resident presses 1.</summary>
    public bool Answered { get; set; } = true;
    /// <summary>The caller's current place in a speaker queue, if any.</summary>
    public Guid? EntryId { get; set; }
    /// <summary>Whether the caller should be muted now (false only while they have the floor).</summary>
    public bool WantMuted { get; set; } = true;
    /// <summary>
    /// The journal sequence of the meeting state <see cref="WantMuted"/> was last set from. Two instances can follow one
    /// meeting's floor at once: a state set from an older read than this is never written over a newer one.
    /// </summary>
    public long FloorAt { get; set; }
    /// <summary>Whether Twilio has confirmed <see cref="WantMuted"/>; false while a mute or unmute is pending.</summary>
    public bool MuteApplied { get; set; } = true;
    /// <summary>Whether the clerk dropped this caller: the call is hung up through Twilio, retried until it is.</summary>
    public bool DropWanted { get; set; }
    /// <summary>Why the last change of the line did not go through (Twilio's answer), while it is pending.</summary>
    public string? Problem { get; set; }
    /// <summary>What this participant is still to hear, alone (one of <see cref="Announcements"/>), if anything.</summary>
    public string? Announcement { get; set; }
    /// <summary>The journal sequence of the event the last announcement was for: the same event is never announced twice.</summary>
    public long AnnouncementFor { get; set; }
    /// <summary>The end of the turn the 30-second warning was given for, so it is given once per end time.</summary>
    public DateTimeOffset? WarnedFor { get; set; }
    /// <summary>The last conference status callback applied, so repeats and stragglers change nothing.</summary>
    public int LastSequenceNumber { get; set; }
    public DateTimeOffset CalledAt { get; set; }

    /// <summary>The server's call to a web speaker who asked to be called, as placed: not answered until they press 1.</summary>
    public static PhoneCall CallBackTo(SpeakerContact contact, string callSid, DateTimeOffset at) => new()
    {
        CallSid = callSid, MeetingId = contact.MeetingId, Leg = CallLeg.CallBack, From = contact.Phone, Language = contact.Language,
        EntryId = contact.EntryId, Answered = false, CalledAt = at,
    };

    /// <summary>How the caller appears to everyone: never the whole number.</summary>
    public string Label => Leg == CallLeg.Caller ? CallerLabel(From) : Leg == CallLeg.Browser ? "Web speaker (browser)" : "Web speaker (call-back)";

    public static string CallerLabel(string from) => $"Caller ending {(from.Length >= 4 ? from[^4..] : from)}";

    /// <summary>A dialled-in caller, or a call-back once answered, gives up their place by hanging up; a browser shows as dropped instead.</summary>
    public bool HangUpGivesUpPlace => Leg == CallLeg.Caller || (Leg == CallLeg.CallBack && Answered);

    public CallerState StateIn(Meeting meeting)
    {
        if (Leg == CallLeg.CallBack && !Answered) return HungUp ? CallerState.DidNotAnswer : CallerState.Calling;
        var entry = EntryId is { } id ? meeting.Entry(id) : null;
        if (HungUp) return Leg == CallLeg.Browser && entry is { IsActive: true } ? CallerState.Dropped : CallerState.Left;
        // What the line is confirmed to be, not only what it was last asked to be: between a turn's commit and the phone
        // follower setting the line, the line still holds the floor as it was, and MuteApplied still confirms that.
        var (confirmedOpen, confirmedMuted) = (!WantMuted && MuteApplied, WantMuted && MuteApplied);
        if (entry?.State == SpeakerState.Speaking) return confirmedOpen ? CallerState.Speaking : CallerState.UnmutePending;
        // An open line is never shown as muted: until Twilio confirms the mute, it is pending.
        if (InConference && !confirmedMuted) return CallerState.MutePending;
        return entry?.State switch
        {
            SpeakerState.OnDeck => CallerState.OnDeck,
            SpeakerState.Waiting => CallerState.HandRaised,
            _ => CallerState.Listening,
        };
    }
}

public static class PhoneCalls
{
    /// <summary>
    /// Records <paramref name="call"/> unless it is recorded already, and answers the record that stands. The follower
    /// that places a call-back and Twilio's webhooks about that call race: a machine can answer before the placing is
    /// recorded. Whichever records it first stands, so what the webhook saw is never lost.
    /// </summary>
    public static async Task<PhoneCall> RecordOnceAsync(this MeetingsDbContext db, PhoneCall call, CancellationToken ct = default)
    {
        if (await db.PhoneCalls.FindAsync([call.CallSid], ct) is { } known) return known;
        db.PhoneCalls.Add(call);
        try
        {
            await db.SaveChangesAsync(ct);
            return call;
        }
        catch (DbUpdateException)
        {
            db.Entry(call).State = EntityState.Detached;
            if (await db.PhoneCalls.FindAsync([call.CallSid], ct) is { } recorded) return recorded;
            throw;
        }
    }
}

public static class PhoneLines
{
    /// <summary>
    /// Sets what each of <paramref name="lines"/> should be from the floor as it stood at journal sequence
    /// <paramref name="floorAt"/>: open for the <paramref name="speaking"/> speaker's lines, muted for the rest. Lines
    /// already set from that state or a later one are left as they are, so a slow reader never undoes a newer floor.
    /// One statement, however many lines (in two, a slower reader could change a line between them). A line whose
    /// wanted state changes is pending until Twilio confirms it. True when any line was set.
    /// </summary>
    public static async Task<bool> FollowTheFloorAsync(this IQueryable<PhoneCall> lines, Guid? speaking, long floorAt, CancellationToken ct = default) =>
        await lines.Where(c => c.FloorAt < floorAt).ExecuteUpdateAsync(s => s
            .SetProperty(c => c.MuteApplied, c => c.MuteApplied && c.WantMuted == (c.EntryId != speaking))
            .SetProperty(c => c.WantMuted, c => c.EntryId != speaking)
            .SetProperty(c => c.FloorAt, floorAt), ct) > 0;
}
