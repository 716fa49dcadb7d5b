namespace Meetings.Server.Phone;

/// <summary>
/// What a participant hears alone (through the participant's announce URL, <c>/phone/announce?what=…</c>), and
/// what a call hears before it is hung up when the meeting ends. Kept on the call until Twilio has it.
/// </summary>
public static class Announcements
{
    /// <summary>"You have the floor. You have 3 minutes." Stored as <c>floor:180</c>.</summary>
    public const string Floor = "floor";
    public const string Warning = "warning";
    public const string TimeIsUp = "time-up";
    public const string TurnEnded = "turn-ended";
    /// <summary>"The meeting has ended. Thank you for calling.", then the call is hung up.</summary>
    public const string MeetingEnded = "ended";
    public const string MeetingCancelled = "cancelled";
}
