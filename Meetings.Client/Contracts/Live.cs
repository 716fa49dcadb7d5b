namespace Meetings.Client.Contracts;

/// <summary>
/// What the server pushes over SignalR (hub at <c>/hubs/meeting</c>): to everyone who joined a meeting, a small
/// update after every change; to clerks, the phone callers.
/// </summary>
public interface IMeetingClient
{
    /// <summary>
    /// The meeting changed. A client holding the snapshot at <see cref="MeetingUpdate.From"/> applies
    /// <see cref="MeetingUpdate.Patch"/> to it and then holds <see cref="MeetingUpdate.Sequence"/>. An update at or
    /// below the sequence it holds is a repeat: ignore it. Any other <c>From</c>, a patch that does not apply, or
    /// <see cref="MeetingUpdate.Resync"/>: call <c>EventsAfter(meetingId, held)</c> and take its snapshot.
    /// </summary>
    Task MeetingUpdated(MeetingUpdate update);

    /// <summary>Sent to clerks only: the phone callers and their states changed.</summary>
    Task PhoneStatusChanged(PhoneStatus status);
}

/// <summary>
/// A change: the journal events after <see cref="From"/> up to <see cref="Sequence"/>, and <see cref="Patch"/>, an
/// RFC 6902 JSON Patch that turns the snapshot at <c>From</c> (as JSON) into the snapshot at <c>Sequence</c>. More than
/// 50 changes gathered into one update (a flood) carry the patch alone: no events, and <see cref="EventsLeftOut"/> (the
/// journal and <c>EventsAfter</c> have them). A screen that could not keep up gets <see cref="Resync"/> instead (no
/// events, no patch): it asks <c>EventsAfter</c>.
/// </summary>
public sealed record MeetingUpdate(
    Guid MeetingId, long From, long Sequence, IReadOnlyList<JournalEventDto> Events, System.Text.Json.JsonElement? Patch, bool Resync = false,
    bool EventsLeftOut = false);

/// <summary>What <c>Join</c> answers: the meeting now, and who the server takes the caller to be.</summary>
public sealed record JoinResult(MeetingSnapshot Snapshot, string Role, Guid? SeatId, string? PersonKey);

/// <summary>
/// What <c>Rejoin</c> answers: as <see cref="JoinResult"/>, but with <see cref="Update"/> from the sequence the screen
/// held to now in place of <see cref="Snapshot"/> when the server could work one out (then the snapshot is null).
/// </summary>
public sealed record RejoinResult(MeetingSnapshot? Snapshot, string Role, Guid? SeatId, string? PersonKey, MeetingUpdate? Update);

/// <summary>What <c>EventsAfter</c> answers: the events after the given sequence (up to 1000) and the meeting now.</summary>
public sealed record CatchUp(IReadOnlyList<JournalEventDto> Events, MeetingSnapshot Snapshot, bool EventsLeftOut = false);

/// <summary>The whole live state of a meeting at one sequence number. Holds nothing private.</summary>
public sealed record MeetingSnapshot(
    long Sequence,
    MeetingSummary Meeting,
    IReadOnlyList<AgendaItemDto> Agenda,
    Guid? CurrentItemId,
    Quorum Quorum,
    IReadOnlyList<MemberDto> Members,
    IReadOnlyList<SpeakerDto> Speakers,
    SpeakerDto? Speaking,
    IReadOnlyList<FloorRequestDto> MembersWaiting,
    Guid? RecognizedSeatId,
    IReadOnlyList<MotionDto> Motions,
    IReadOnlyList<WrittenCommentDto> WrittenComments,
    DateTimeOffset ServerTime,
    StreamDto? Stream = null);

/// <summary>Quorum now: members present (in the room or remote) against the number needed.</summary>
public sealed record Quorum(int Present, int Needed, bool HasQuorum, bool RollCallTaken);

/// <summary>A seat and its member's attendance. Presence is InRoom, Remote or Absent.</summary>
public sealed record MemberDto(
    Guid SeatId, string Title, string? Name, string Presence, string? RemoteBasis, DateTimeOffset? ArrivedAt, DateTimeOffset? DepartedAt);

/// <summary>
/// A public speaker. Queue order is the order of the list within an item. State is Waiting, OnDeck,
/// Speaking, Done, Withdrawn or NoShow. While speaking, <c>EndsAt</c> is when the turn ends (clients count
/// down from it against <c>ServerTime</c>); while paused, <c>EndsAt</c> is null and <c>SecondsLeft</c> holds.
/// <c>PersonKey</c> lets a resident recognise their own entries (it is what <c>Join</c> returned to them; it
/// differs from meeting to meeting). <c>Name</c> is the name as the public may see it: null when the clerk hid
/// it, the clerk's replacement when replaced.
/// </summary>
public sealed record SpeakerDto(
    Guid Id, Guid ItemId, string? Name, string Source, string? Stance, bool UsesInterpreter, string State, string PersonKey,
    int? Seconds, DateTimeOffset? StartedAt, DateTimeOffset? EndsAt, int? SecondsLeft);

public sealed record FloorRequestDto(Guid SeatId, Guid ItemId, DateTimeOffset At);

/// <summary>
/// A motion and its named vote. State is AwaitingSecond, OnFloor, Voting, Passed, Failed, NoQuorum or
/// Withdrawn. Votes map seat ids to Aye, Nay, Abstain, Recuse, NotVoting (present, not voting) or Absent,
/// visible as they are cast. <c>SilenceCountsAs</c> is the body's rule for a present member who does not vote
/// when the vote closes: NotVoting (the default), or Aye, Nay or Abstain where the charter says so.
/// </summary>
public sealed record MotionDto(
    Guid Id, Guid ItemId, string Text, Guid MoverSeatId, Guid? SeconderSeatId, string Threshold, Guid? AmendsMotionId,
    string State, IReadOnlyDictionary<Guid, string> Votes, int Ayes, int Nays, int Abstentions, int Recusals, int Absent,
    IReadOnlyList<VoteCorrectionDto> Corrections, int NotVoting, string SilenceCountsAs);

/// <summary>A correction of a closed vote: of a member's choice (Kind Vote) or of their presence at the vote (Kind Attendance).</summary>
public sealed record VoteCorrectionDto(Guid SeatId, string Choice, string Reason, string Kind);

public sealed record WrittenCommentDto(Guid Id, Guid ItemId, string Name, string Text, DateTimeOffset At);

/// <summary>
/// What the clerk alone sees to moderate (hub method <c>Moderation</c>): every speaker's name as given and as
/// shown, every written comment with its state (Pending, Public or Hidden), the people blocked, and the body's
/// rule for written comments (AfterRelease or AtOnce).
/// </summary>
public sealed record ModerationView(
    string WrittenComments, IReadOnlyList<ModeratedSpeaker> Speakers, IReadOnlyList<ModeratedComment> Comments, IReadOnlyList<BlockedPerson> Blocked);

public sealed record ModeratedSpeaker(Guid EntryId, Guid ItemId, string Source, string GivenName, string? PublicName, bool NameHidden, string? Reason, bool Blocked);

public sealed record ModeratedComment(Guid Id, Guid ItemId, string Name, string Text, DateTimeOffset At, string State, string? Reason);

public sealed record BlockedPerson(string PersonKey, string Reason);

/// <summary>A seat's answer in a roll call. Remote attendance needs its legal basis.</summary>
public sealed record RollCallEntry(Guid SeatId, string Presence, string? RemoteBasis = null);

/// <summary>
/// A resident's sign-up to speak. Phone, if given, is used only for a text when they are next and, with <c>CallMe</c>,
/// to call them when they are on deck; it is never shown. <c>Language</c> (en or es) is what those are said in.
/// </summary>
public sealed record SignUpRequest(
    Guid ItemId, string? Name, string? Stance = null, bool UsesInterpreter = false, string? Phone = null, bool CallMe = false, string? Language = null);

/// <summary>A motion. Threshold is Majority (default), MajorityOfSeats, TwoThirds, or a fraction of votes cast like "3/4".</summary>
public sealed record MotionRequest(string? Text, string? Threshold = null, Guid? AmendsMotionId = null);

/// <summary>What a command answers: the sequence number of the last event it appended (0 when nothing changed).</summary>
public sealed record CommandAck(long Sequence);

/// <summary>
/// Phone participation as the clerk sees it (sent only to clerks, as <c>PhoneStatusChanged</c>, and at
/// <c>GET /api/meetings/{id}/phone</c>). <c>BrowserAudio</c>: web speakers can be heard from their browser.
/// </summary>
public sealed record PhoneStatus(
    bool Enabled, string? PhoneNumber, string AccessCode, string? ModeratorCode, int Listening, IReadOnlyList<CallerDto> Callers,
    bool BrowserAudio = false);

/// <summary>
/// A line in the meeting's conference. <c>Leg</c> is Caller (dialled in, known by the last four digits of their number
/// only), Browser (a web speaker heard through the page) or CallBack (a web speaker the server called). <c>State</c> is
/// Listening, HandRaised, OnDeck, Speaking, UnmutePending, MutePending (the line may still be open), Left, Dropped (a
/// browser gone while its speaker is still in line), Calling or DidNotAnswer (a call-back). <c>Problem</c> says why a
/// pending change has not gone through (Twilio's answer).
/// </summary>
public sealed record CallerDto(string Label, string State, Guid? EntryId, string Leg = "Caller", string? Problem = null);

/// <summary>
/// The public meeting line: whether residents can call in, and the number; whether a web speaker can be heard from
/// the browser, and whether the server can call them back when they are up.
/// </summary>
public sealed record PhoneLine(bool Enabled, string? Number, bool BrowserAudio = false, bool CallBack = false);

/// <summary>Asks for a browser's access token for one's own sign-up; the resident token proves whose it is.</summary>
public sealed record VoiceTokenRequest(string? ResidentToken);

/// <summary>
/// A Twilio access token (a JWT for the Voice JavaScript SDK) that lets this browser call into the meeting's conference
/// for one sign-up, until <c>ExpiresAt</c>. <c>Identity</c> names the sign-up, nothing personal.
/// </summary>
public sealed record VoiceToken(string Token, string Identity, DateTimeOffset ExpiresAt);

/// <summary>How the live protocol's JSON is written (camelCase names, enums as strings): the snapshot a patch applies to.</summary>
public static class LiveJson
{
    public static System.Text.Json.JsonSerializerOptions Options { get; } = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };
}
