namespace Meetings.Server.Domain;

// Every change to a meeting is one of these events. They are stored in the public journal, so they
// hold no private data: no phone numbers, no account ids, no resident tokens (only their hashes).

/// <summary>A change to a meeting, as recorded in its journal.</summary>
public abstract record MeetingEvent;

public enum MeetingStatus { Draft, Published, Live, Recessed, Adjourned, Cancelled }

public enum AgendaItemKind { Procedural, PublicComment, Consent, PublicHearing, Action, Discussion, ClosedSession }

public enum Presence { Absent, InRoom, Remote }

public enum SpeakerSource { Room, Web, Phone }

public enum Stance { Support, Oppose, Neutral }

/// <summary>A member's recorded vote. NotVoting: present, but did not vote (unless the body counts silence otherwise).</summary>
public enum VoteChoice { Aye, Nay, Abstain, Recuse, Absent, NotVoting }

public enum VoteOutcome { Passed, Failed, NoQuorum }

/// <summary>Why a turn ended. Dropped: the clerk ended it and dropped the speaker's call.</summary>
public enum TurnEndReason { Clerk, Expired, SpeakerLeft, Dropped }

// Lifecycle
public sealed record MeetingScheduled(
    Guid MeetingId, Guid BodyId, string BodyName, string Title, MeetingKind Kind,
    DateTimeOffset Start, string TimeZone, string Location, string AccessCode, BodyRules Rules) : MeetingEvent;
public sealed record MeetingRescheduled(string Title, DateTimeOffset Start, string TimeZone, string Location, string? LateNoticeReason = null) : MeetingEvent;
public sealed record MeetingPublished(DateTimeOffset At, string? LateNoticeReason) : MeetingEvent;
public sealed record MeetingStarted(DateTimeOffset At) : MeetingEvent;
/// <summary>
/// Who holds the meeting's seats, where that changed on the body since it was scheduled (a new term sworn in), recorded
/// as it is called to order or when a seat changes hands during it: the names its roll calls, votes and minutes carry
/// from then on.
/// </summary>
public sealed record MembersSeated(IReadOnlyList<SeatInfo> Seats) : MeetingEvent;
public sealed record MeetingRecessed(DateTimeOffset At) : MeetingEvent;
public sealed record MeetingResumed(DateTimeOffset At) : MeetingEvent;
public sealed record MeetingAdjourned(DateTimeOffset At) : MeetingEvent;
public sealed record MeetingCancelled(DateTimeOffset At, string Reason) : MeetingEvent;

/// <summary>The livestream and closed-caption addresses shown beside the agenda (null: none).</summary>
public sealed record StreamChanged(string? StreamUrl, string? CaptionsUrl) : MeetingEvent;

// Agenda. IsAmendment is true for changes made after publication. EstimatedMinutes came later: older events lack it.
public sealed record AgendaItemAdded(
    Guid ItemId, Guid? ParentId, int Position, string Title, AgendaItemKind Kind, string? Description,
    bool TakesPublicComment, int? MinutesPerSpeaker, bool IsAmendment, int? EstimatedMinutes = null) : MeetingEvent;
public sealed record AgendaItemRevised(
    Guid ItemId, string Title, AgendaItemKind Kind, string? Description,
    bool TakesPublicComment, int? MinutesPerSpeaker, bool IsAmendment, int? EstimatedMinutes = null) : MeetingEvent;
public sealed record AgendaItemMoved(Guid ItemId, Guid? ParentId, int Position, bool IsAmendment) : MeetingEvent;
public sealed record AgendaItemRemoved(Guid ItemId, bool IsAmendment) : MeetingEvent;
public sealed record ItemOpened(Guid ItemId) : MeetingEvent;
public sealed record PublicCommentOpened(Guid ItemId) : MeetingEvent;
public sealed record PublicCommentClosed(Guid ItemId) : MeetingEvent;

// Attendance
public sealed record MemberAttendance(Guid SeatId, Presence Presence, string? RemoteBasis);
public sealed record RollCallTaken(DateTimeOffset At, IReadOnlyList<MemberAttendance> Members) : MeetingEvent;
public sealed record MemberArrived(Guid SeatId, Presence Presence, string? RemoteBasis, DateTimeOffset At) : MeetingEvent;
public sealed record MemberDeparted(Guid SeatId, DateTimeOffset At) : MeetingEvent;

// Public speakers. PersonKey is a keyed hash, per meeting, that tells entries of one person apart, never the person.
// Free text people type is marked [FreeText]: the journal hashes a salted commitment to it, never the text.
public sealed record SpeakerSignedUp(
    Guid EntryId, Guid ItemId, [property: FreeText] string Name, SpeakerSource Source, string PersonKey,
    Stance? Stance, bool UsesInterpreter, bool WantsText, DateTimeOffset At) : MeetingEvent;
public sealed record SpeakerWithdrawn(Guid EntryId) : MeetingEvent;
public sealed record QueueReordered(Guid ItemId, IReadOnlyList<Guid> Order) : MeetingEvent;
public sealed record SpeakerCalled(Guid EntryId) : MeetingEvent;
public sealed record TurnStarted(Guid EntryId, DateTimeOffset At, int Seconds, DateTimeOffset EndsAt) : MeetingEvent;
public sealed record TurnPaused(Guid EntryId, DateTimeOffset At, int SecondsLeft) : MeetingEvent;
public sealed record TurnResumed(Guid EntryId, DateTimeOffset At, DateTimeOffset EndsAt) : MeetingEvent;
public sealed record TurnExtended(Guid EntryId, int Seconds, DateTimeOffset? EndsAt, int? SecondsLeft) : MeetingEvent;
public sealed record TurnEnded(Guid EntryId, DateTimeOffset At, TurnEndReason Reason) : MeetingEvent;
public sealed record SpeakerNoShow(Guid EntryId) : MeetingEvent;

// Motions and votes
public sealed record MotionMade(
    Guid MotionId, Guid ItemId, string Text, Guid MoverSeatId, Threshold Threshold, Guid? AmendsMotionId,
    bool NeedsSecond) : MeetingEvent;
public sealed record MotionSeconded(Guid MotionId, Guid SeatId) : MeetingEvent;
public sealed record MotionWithdrawn(Guid MotionId) : MeetingEvent;
public sealed record VoteOpened(Guid MotionId, DateTimeOffset At) : MeetingEvent;
public sealed record VoteCast(Guid MotionId, Guid SeatId, VoteChoice Choice) : MeetingEvent;
public sealed record VoteClosed(
    Guid MotionId, DateTimeOffset At, IReadOnlyDictionary<Guid, VoteChoice> Votes, VoteOutcome Outcome) : MeetingEvent;
public sealed record VoteCorrected(
    Guid MotionId, Guid SeatId, VoteChoice Choice, string Reason, VoteOutcome Outcome) : MeetingEvent;
/// <summary>The record of who was present at a vote is corrected: a member absent becomes present (not voting) or the reverse.</summary>
public sealed record VoteAttendanceCorrected(
    Guid MotionId, Guid SeatId, bool Present, VoteChoice Choice, string Reason, VoteOutcome Outcome) : MeetingEvent;

// Members asking for the floor (their own queue, apart from the public's)
public sealed record MemberAskedToSpeak(Guid SeatId, Guid ItemId, DateTimeOffset At) : MeetingEvent;
public sealed record MemberRequestWithdrawn(Guid SeatId) : MeetingEvent;
public sealed record MemberRecognized(Guid SeatId) : MeetingEvent;

// Written public comment on an item
public sealed record WrittenCommentSubmitted(
    Guid CommentId, Guid ItemId, [property: FreeText] string Name, [property: FreeText] string Text, string PersonKey, DateTimeOffset At) : MeetingEvent;

// Moderation by the clerk. The original text stays in the record; the public no longer sees it.
public sealed record SpeakerNameHidden(Guid EntryId, string Reason) : MeetingEvent;
public sealed record SpeakerNameReplaced(Guid EntryId, string Name, string Reason) : MeetingEvent;
public sealed record WrittenCommentHidden(Guid CommentId, string Reason) : MeetingEvent;
public sealed record WrittenCommentReleased(Guid CommentId) : MeetingEvent;
/// <summary>The person behind a speaker entry (their person key) may not sign up or comment again in this meeting.</summary>
public sealed record SpeakerBlocked(Guid EntryId, string PersonKey, string Reason) : MeetingEvent;

// The journal itself
/// <summary>
/// Old events were re-chained under the current hash rule. <see cref="OldHead"/> is the hash the last of
/// them had under rule <see cref="FromRule"/>, and <see cref="OldFirstBrokenLink"/> where that chain was broken, if it was.
/// </summary>
public sealed record JournalRechained(int FromRule, long Through, string OldHead, long? OldFirstBrokenLink) : MeetingEvent;
/// <summary>Recorded at adjournment: this event's previous hash is the journal's head through event <see cref="Through"/>.</summary>
public sealed record JournalHeadRecorded(long Through) : MeetingEvent;

// Minutes. Their words are kept beside the journal, content-addressed: the journal records each text's
// SHA-256, so the drafts stay private while every edit and approval is fixed in the chain.
/// <summary>The clerk set the narrative of an item (or, with no item, of the meeting as a whole) in the draft minutes.</summary>
public sealed record MinutesNarrativeEdited(Guid? ItemId, string TextHash, DateTimeOffset At) : MeetingEvent;
/// <summary>
/// The clerk approved the minutes as version <see cref="Version"/>: the document whose SHA-256 is <see cref="DocumentHash"/>,
/// made from the journal up to <see cref="AsOfSequence"/>. A version after the first is a correction, saying what changed and why.
/// </summary>
public sealed record MinutesApproved(int Version, string DocumentHash, long AsOfSequence, string? Correction, DateTimeOffset At) : MeetingEvent;

// Agenda documents. The file is kept by its SHA-256; the journal records what it is and where it belongs.
// IsAmendment is true for a document added, replaced or removed after the agenda was posted: notices report it.
public sealed record DocumentAttached(
    Guid DocumentId, Guid ItemId, string Title, string FileName, string MediaType, long Size, string ContentHash,
    Guid? Replaces, bool IsAmendment, DateTimeOffset At) : MeetingEvent;
public sealed record DocumentRemoved(Guid DocumentId, Guid ItemId, bool IsAmendment, DateTimeOffset At) : MeetingEvent;
