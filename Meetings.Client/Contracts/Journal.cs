using System.Text.Json;

namespace Meetings.Client.Contracts;

/// <summary>One event of a meeting's public journal, with its place in the hash chain.</summary>
public sealed record JournalEventDto(
    long Sequence, DateTimeOffset At, string Actor, string Type, JsonElement Payload, string PreviousHash, string Hash);

/// <summary>The result of checking a meeting's hash chain from the first event to the last.</summary>
public sealed record JournalVerification(Guid MeetingId, long Events, bool Intact, long? FirstBrokenSequence);
