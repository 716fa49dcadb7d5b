using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Meetings.Server.Domain;

/// <summary>
/// One stored event of a meeting's journal, with its link in the hash chain. <see cref="Texts"/> holds the
/// free text behind the payload's commitments (by payload field); it is outside the hash.
/// </summary>
public sealed record JournalEntry(
    Guid MeetingId, long Sequence, DateTimeOffset At, string Actor, string Type, string Payload, string PreviousHash, string Hash,
    IReadOnlyDictionary<string, SealedText>? Texts = null);

/// <summary>
/// The journal's tamper evidence. Each entry's hash is the SHA-256 of the RFC 8785 canonical JSON of exactly
/// what the public journal serves for it: <c>{meetingId, sequence, at, actor, type, payload, previousHash}</c>,
/// with <c>at</c> as served (UTC, milliseconds, Z). So changing, removing or reordering any stored event breaks
/// every link after it, and anyone can check the chain from the served JSON alone.
/// </summary>
public static class JournalChain
{
    /// <summary>The rule every stored entry follows now (the first rule is kept only to re-chain old journals).</summary>
    public const int Version = 2;

    public static string Genesis { get; } = new('0', 64);

    /// <summary>An instant as the journal serves and hashes it: UTC to the millisecond, such as 2026-03-04T18:30:05.120Z.</summary>
    public static string AtText(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The object an entry's hash covers, as served.</summary>
    public static JsonObject Hashed(Guid meetingId, long sequence, DateTimeOffset at, string actor, string type, string payload, string previousHash) => new()
    {
        ["meetingId"] = meetingId.ToString("D"),
        ["sequence"] = sequence,
        ["at"] = AtText(at),
        ["actor"] = actor,
        ["type"] = type,
        ["payload"] = JsonNode.Parse(payload),
        ["previousHash"] = previousHash,
    };

    public static string HashOf(Guid meetingId, long sequence, DateTimeOffset at, string actor, string type, string payload, string previousHash) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalForm(meetingId, sequence, at, actor, type, payload, previousHash))));

    /// <summary>
    /// The RFC 8785 text of <see cref="Hashed"/>, written directly: its members in their canonical order (actor, at,
    /// meetingId, payload, previousHash, sequence, type), the payload canonicalized. A test holds it equal to the
    /// general canonicalization of the served object.
    /// </summary>
    public static string CanonicalForm(Guid meetingId, long sequence, DateTimeOffset at, string actor, string type, string payload, string previousHash)
    {
        using var document = JsonDocument.Parse(payload);
        var text = new StringBuilder(payload.Length + 256);
        text.Append("{\"actor\":");
        CanonicalJson.WriteString(text, actor);
        text.Append(",\"at\":");
        CanonicalJson.WriteString(text, AtText(at));
        text.Append(",\"meetingId\":\"").Append(meetingId.ToString("D")).Append("\",\"payload\":");
        CanonicalJson.Write(text, document.RootElement);
        text.Append(",\"previousHash\":");
        CanonicalJson.WriteString(text, previousHash);
        text.Append(",\"sequence\":").Append(CanonicalJson.Number(sequence)).Append(",\"type\":");
        CanonicalJson.WriteString(text, type);
        return text.Append('}').ToString();
    }

    public static JournalEntry Link(Guid meetingId, long sequence, DateTimeOffset at, string actor, string type, string payload, string previousHash,
        IReadOnlyDictionary<string, SealedText>? texts = null) =>
        new(meetingId, sequence, at, actor, type, payload, previousHash, HashOf(meetingId, sequence, at, actor, type, payload, previousHash), texts);

    /// <summary>Whether each text kept beside an entry is the one its payload commits to.</summary>
    public static bool TextsMatch(JournalEntry e)
    {
        if (e.Texts is not { Count: > 0 }) return true;
        using var payload = JsonDocument.Parse(e.Payload);
        return e.Texts.All(t => payload.RootElement.TryGetProperty(t.Key, out var committed)
            && committed.ValueKind == JsonValueKind.String && committed.GetString() == t.Value.Commitment);
    }

    /// <summary>The first entry whose link does not hold (a gap, a wrong previous hash or a wrong hash), or null when the chain is whole.</summary>
    public static long? FirstBrokenLink(IEnumerable<JournalEntry> entries) => FirstBrokenLink(entries, 1, Genesis);

    /// <summary>
    /// Checks entries that should follow a part of the chain already checked: the first must be
    /// <paramref name="expected"/>, linked to <paramref name="previousHash"/>.
    /// </summary>
    public static long? FirstBrokenLink(IEnumerable<JournalEntry> entries, long expected, string previousHash)
    {
        foreach (var e in entries)
        {
            if (e.Sequence != expected || e.PreviousHash != previousHash || !TextsMatch(e) ||
                e.Hash != HashOf(e.MeetingId, e.Sequence, e.At, e.Actor, e.Type, e.Payload, e.PreviousHash))
                return expected;
            (expected, previousHash) = (expected + 1, e.Hash);
        }
        return null;
    }

    /// <summary>
    /// The first rule, kept only so old journals can be checked before they are re-chained: SHA-256 of
    /// length-prefixed fields, with the instant as UTC ticks and the payload as stored text.
    /// </summary>
    public static class Legacy
    {
        public static string HashOf(Guid meetingId, long sequence, DateTimeOffset at, string actor, string type, string payload, string previousHash)
        {
            var text = new StringBuilder();
            foreach (var field in new[]
                     {
                         meetingId.ToString("N"), sequence.ToString(CultureInfo.InvariantCulture),
                         at.UtcTicks.ToString(CultureInfo.InvariantCulture), actor, type, payload, previousHash,
                     })
                text.Append(field.Length).Append(':').Append(field).Append('\n');
            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
        }

        public static long? FirstBrokenLink(IEnumerable<JournalEntry> entries)
        {
            var (expected, previous) = (1L, Genesis);
            foreach (var e in entries)
            {
                if (e.Sequence != expected || e.PreviousHash != previous ||
                    e.Hash != HashOf(e.MeetingId, e.Sequence, e.At, e.Actor, e.Type, e.Payload, e.PreviousHash))
                    return expected;
                (expected, previous) = (expected + 1, e.Hash);
            }
            return null;
        }
    }
}
