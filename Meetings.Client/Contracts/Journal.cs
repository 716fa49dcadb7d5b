using System.Text.Json;
using System.Text.Json.Serialization;

namespace Meetings.Client.Contracts;

/// <summary>
/// One event of a meeting's public journal, with its place in the hash chain. <c>Hash</c> is the SHA-256 of the
/// RFC 8785 canonical JSON of <c>{meetingId, sequence, at, actor, type, payload, previousHash}</c> exactly as
/// served here (<c>at</c> in UTC to the millisecond, such as <c>2026-03-04T18:30:05.120Z</c>). Free text residents
/// typed sits in the payload only as a commitment (lowercase hex SHA-256 of salt + text); <c>Texts</c> serves the
/// salt and text beside it, by payload field, outside the hash, and leaves out what the clerk withholds.
/// </summary>
public sealed record JournalEventDto(
    Guid MeetingId, long Sequence, string At, string Actor, string Type, JsonElement Payload, string PreviousHash, string Hash,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, JournalText>? Texts = null);

/// <summary>The free text behind a commitment in an event's payload: its commitment is SHA-256(salt + text).</summary>
public sealed record JournalText(string Salt, string Text);

/// <summary>
/// The result of checking a meeting's hash chain: how many events it has, whether every link holds (else the
/// first sequence that breaks), the head (the last event's hash and sequence) and the hash rule.
/// </summary>
public sealed record JournalVerification(Guid MeetingId, long Events, bool Intact, long? FirstBrokenSequence, string Head, long HeadSequence, int Rule);

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
