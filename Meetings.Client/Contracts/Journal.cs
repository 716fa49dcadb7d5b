using System.Text.Json;

namespace Meetings.Client.Contracts;

/// <summary>One event of a meeting's public journal, with its place in the hash chain.</summary>
public sealed record JournalEventDto(
    long Sequence, DateTimeOffset At, string Actor, string Type, JsonElement Payload, string PreviousHash, string Hash);

/// <summary>The result of checking a meeting's hash chain from the first event to the last.</summary>
public sealed record JournalVerification(Guid MeetingId, long Events, bool Intact, long? FirstBrokenSequence);

/// <summary>A notice and how its deliveries went: sent, failed (with the reason), still sending, or unknown (no answer).</summary>
public sealed record NoticeReport(
    string Kind, DateTimeOffset DueAt, string State, int Sent, int Failed, int Pending, int Unknown, IReadOnlyList<DeliveryProblem> Problems);

/// <summary>A delivery that did not go through. Recipients are not named.</summary>
public sealed record DeliveryProblem(string Channel, string State, int Attempts, string? Error);

/// <summary>
/// Whether notices go out (<c>GET /api/notices/status</c>, for clerks): <c>Problem</c> says, in words for the clerk, why
/// they do not (such as PublicBaseUrl not set); <c>Email</c> and <c>Texts</c> say which channels are configured.
/// </summary>
public sealed record NoticeStatus(string? Problem, bool Email, bool Texts);
