namespace Meetings.Client.Contracts;

/// <summary>
/// Hours of notice before each kind of meeting; reminder offsets in hours before the start ("24,1");
/// how many places ahead a speaker is texted that they are up soon; how long a meeting lasts in the calendar when its agenda
/// has no estimates (minutes, default 120).
/// </summary>
public sealed record NoticeHours(int Regular, int Special, int Emergency, string? ReminderHours = null, int? UpSoonAhead = null, int? MeetingMinutes = null);

/// <summary>A seat on a body and the member who holds it.</summary>
public sealed record SeatDto(Guid Id, string Title, string? MemberName, bool HasOfficialAccount);

/// <summary>
/// A council, board or commission and its rules of procedure. <c>WrittenComments</c>: AfterRelease (public once the
/// clerk releases each) or AtOnce. <c>SilenceCountsAs</c>: how a present member who does not vote is recorded,
/// NotVoting (present, not voting) or, where the charter says so, Aye, Nay or Abstain.
/// </summary>
public sealed record BodyDto(
    Guid Id, string Name, IReadOnlyList<SeatDto> Seats, Guid? ChairSeatId, int? QuorumCount, int QuorumNeeded,
    bool MotionsNeedSecond, int SpeakerMinutes, NoticeHours Notice, string WrittenComments, string SilenceCountsAs);

/// <summary>
/// Creates or changes a body. Omitted rules take the defaults: majority quorum, seconds required, 3 minutes,
/// 72/24/1 hours, written comments after release, silence recorded as present not voting.
/// </summary>
public sealed record BodyRequest(
    string? Name, int? QuorumCount = null, bool? MotionsNeedSecond = null, int? SpeakerMinutes = null, NoticeHours? Notice = null,
    string? WrittenComments = null, string? SilenceCountsAs = null);

/// <summary>Adds or changes a seat. <c>OfficialEmail</c> links the seat to an official's account.</summary>
public sealed record SeatRequest(string? Title, string? MemberName = null, string? OfficialEmail = null, bool? IsChair = null);

/// <summary>A resident subscribes to a body's notices by e-mail, text or both; language is en or es.</summary>
public sealed record SubscribeRequest(string? Email = null, string? Phone = null, string? Language = null);

/// <summary>What to do next to confirm each channel asked for.</summary>
public sealed record SubscribeResult(string? Email, string? Sms);

/// <summary>Confirms text notices with the code that was texted.</summary>
public sealed record ConfirmSmsRequest(string? Phone, string? Code);
