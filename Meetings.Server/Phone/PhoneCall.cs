using Meetings.Server.Domain;

namespace Meetings.Server.Phone;

public enum CallerState { Listening, HandRaised, OnDeck, Speaking, UnmutePending, Left }

/// <summary>
/// A phone call into a meeting, kept apart from the public journal because it holds the caller's number.
/// The journal knows the caller only as "Caller ending 4821".
/// </summary>
public sealed class PhoneCall
{
    public string CallSid { get; set; } = "";
    public Guid MeetingId { get; set; }
    public string From { get; set; } = "";
    public string Language { get; set; } = "en";
    public string? ConferenceSid { get; set; }
    public bool InConference { get; set; }
    public bool HungUp { get; set; }
    /// <summary>The caller's current place in a speaker queue, if any.</summary>
    public Guid? EntryId { get; set; }
    /// <summary>Whether the caller should be muted now (false only while they have the floor).</summary>
    public bool WantMuted { get; set; } = true;
    /// <summary>Whether Twilio has confirmed <see cref="WantMuted"/>; false while a mute or unmute is pending.</summary>
    public bool MuteApplied { get; set; } = true;
    /// <summary>Whether the clerk dropped this caller: the call is hung up through Twilio, retried until it is.</summary>
    public bool DropWanted { get; set; }
    /// <summary>The last conference status callback applied, so repeats and stragglers change nothing.</summary>
    public int LastSequenceNumber { get; set; }
    public DateTimeOffset CalledAt { get; set; }

    /// <summary>How the caller appears to everyone: never the whole number.</summary>
    public string Label => CallerLabel(From);

    public static string CallerLabel(string from) => $"Caller ending {(from.Length >= 4 ? from[^4..] : from)}";

    public CallerState StateIn(Meeting meeting)
    {
        if (HungUp) return CallerState.Left;
        var entry = EntryId is { } id ? meeting.Entry(id) : null;
        return entry?.State switch
        {
            SpeakerState.Speaking => MuteApplied ? CallerState.Speaking : CallerState.UnmutePending,
            SpeakerState.OnDeck => CallerState.OnDeck,
            SpeakerState.Waiting => CallerState.HandRaised,
            _ => CallerState.Listening,
        };
    }
}
