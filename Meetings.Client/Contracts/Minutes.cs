namespace Meetings.Client.Contracts;

/// <summary>
/// The draft minutes as the clerk edits them: the narrative of the meeting as a whole and of each item (the facts come
/// from the journal and are not edited), and the versions approved so far.
/// </summary>
public sealed record MinutesDraft(
    Guid MeetingId, string Status, bool CanApprove, string? Narrative, IReadOnlyList<ItemNarrative> Items, IReadOnlyList<MinutesVersionDto> Versions);

public sealed record ItemNarrative(Guid ItemId, string Number, string Title, string? Narrative);

/// <summary>An approved version of the minutes; a version after the first is a correction, saying what changed and why.</summary>
public sealed record MinutesVersionDto(int Version, DateTimeOffset ApprovedAt, string? Correction, string DocumentHash, long AsOfSequence);

/// <summary>Sets the narrative of an item, or with no item of the meeting as a whole; an empty text clears it.</summary>
public sealed record NarrativeRequest(Guid? ItemId, string? Text);

/// <summary>Approves the minutes as the next version. After the first, <c>Correction</c> says what changed and why.</summary>
public sealed record ApproveMinutesRequest(string? Correction = null);
