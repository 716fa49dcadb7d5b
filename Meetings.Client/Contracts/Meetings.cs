namespace Meetings.Client.Contracts;

/// <summary>A meeting in a list.</summary>
public sealed record MeetingSummary(
    Guid Id, Guid BodyId, string BodyName, string Title, string Kind, string Status,
    DateTimeOffset Start, string TimeZone, DateTime LocalStart, string Location);

/// <summary>An agenda item; <c>Number</c> is as printed (1, 2, 4.a). <c>Documents</c> are its staff reports, resolutions and slides.</summary>
public sealed record AgendaItemDto(
    Guid Id, Guid? ParentId, string Number, string Title, string Kind, string? Description,
    bool TakesPublicComment, int? MinutesPerSpeaker, bool Amended, bool CommentOpen, IReadOnlyList<DocumentDto>? Documents = null);

/// <summary>
/// A document on an agenda item. <c>Url</c> downloads it (public once the agenda is posted); <c>Amended</c> is true for a
/// document added or replaced after the agenda was posted. <c>Sha256</c> is the hash of its bytes.
/// </summary>
public sealed record DocumentDto(Guid Id, string Title, string FileName, string MediaType, long Size, string Sha256, string Url, bool Amended);

/// <summary>A meeting with its agenda, as the public sees it.</summary>
public sealed record MeetingDetail(
    MeetingSummary Meeting, string AccessCode, IReadOnlyList<AgendaItemDto> Agenda, Guid? CurrentItemId,
    DateTimeOffset? PublishedAt, string? LateNoticeReason, string? CancelReason, long Version, StreamDto? Stream = null);

/// <summary>
/// Where to watch the meeting: <c>Url</c> is the stream's page (https), <c>EmbedUrl</c> the address to show in a
/// frame when the provider allows embedding (YouTube, Vimeo; null otherwise: link to <c>Url</c>), and
/// <c>CaptionsUrl</c> a page with live closed captions. Null when the meeting has neither.
/// </summary>
public sealed record StreamDto(string? Url, string? EmbedUrl, string? CaptionsUrl);

/// <summary>Sets the livestream and closed-caption addresses (https only); null or empty clears one.</summary>
public sealed record StreamRequest(string? StreamUrl, string? CaptionsUrl);

/// <summary>
/// Schedules a meeting. <c>Start</c> is the wall-clock time in <c>TimeZone</c> (an IANA zone such as
/// America/Los_Angeles); a time that does not exist there (skipped by daylight saving) is refused. Moving a
/// posted meeting sooner than its notice rule allows needs <c>LateNoticeReason</c>, from an administrator.
/// </summary>
public sealed record MeetingRequest(
    Guid? BodyId, string? Title, string? Kind, DateTime? Start, string? TimeZone, string? Location, string? LateNoticeReason = null);

/// <summary>Publishes a meeting. A late publication needs a reason and an administrator.</summary>
public sealed record PublishRequest(string? LateNoticeReason = null);

public sealed record CancelRequest(string? Reason);

/// <summary>Adds or revises an agenda item. Kind is Procedural, PublicComment, Consent, PublicHearing, Action, Discussion or ClosedSession.</summary>
public sealed record AgendaItemRequest(
    string? Title, string? Kind, string? Description = null, bool? TakesPublicComment = null, int? MinutesPerSpeaker = null,
    Guid? ParentId = null, int? Position = null);

/// <summary>Moves an item: under another item (one level) or to the top level, at a zero-based position.</summary>
public sealed record MoveItemRequest(Guid? ParentId, int? Position);
