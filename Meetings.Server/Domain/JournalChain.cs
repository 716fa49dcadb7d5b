using System.Security.Cryptography;
using System.Text;

namespace Meetings.Server.Domain;

/// <summary>One stored event of a meeting's journal, with its link in the hash chain.</summary>
public sealed record JournalEntry(
    Guid MeetingId, long Sequence, DateTimeOffset At, string Actor, string Type, string Payload, string PreviousHash, string Hash);

/// <summary>
/// The journal's tamper evidence: each entry's hash covers its own fields and the hash before it, so
/// changing, removing or reordering any stored event breaks every link after it.
/// </summary>
public static class JournalChain
{
    public static string Genesis { get; } = new('0', 64);

    public static string HashOf(Guid meetingId, long sequence, DateTimeOffset at, string actor, string type, string payload, string previousHash)
    {
        // Length-prefixed fields, so no two different entries can share the same hashed text.
        var text = new StringBuilder();
        foreach (var field in new[]
                 {
                     meetingId.ToString("N"), sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     at.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture), actor, type, payload, previousHash,
                 })
            text.Append(field.Length).Append(':').Append(field).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    public static JournalEntry Link(Guid meetingId, long sequence, DateTimeOffset at, string actor, string type, string payload, string previousHash) =>
        new(meetingId, sequence, at, actor, type, payload, previousHash,
            HashOf(meetingId, sequence, at, actor, type, payload, previousHash));

    /// <summary>The first entry whose link does not hold (a gap, a wrong previous hash or a wrong hash), or null when the chain is whole.</summary>
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
