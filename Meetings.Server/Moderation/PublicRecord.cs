using System.Text.Json;
using Meetings.Client.Contracts;
using Meetings.Server.Domain;

namespace Meetings.Server.Moderation;

/// <summary>
/// The one place where what residents typed (speakers' names, written comments) meets the public. Snapshots, the
/// public journal, catch-up, minutes and exports all take resident free text from here, so what the clerk hid,
/// replaced or has not yet released never reaches them: a speaker's name as the public may see it, the written
/// comments the public may read (hidden ones and, where the body holds them for release, unreleased ones are left
/// out of lists and counts alike), and each journal event with the texts behind its commitments only while they
/// are public. Call it with the meeting's state as current as the entries (or newer), under the meeting's lock.
/// </summary>
public static class PublicRecord
{
    /// <summary>What a printed record (minutes, exports) shows in place of a name the clerk hid: a dash, in any language.</summary>
    public const string Withheld = "—";

    /// <summary>A speaker's name as the public may see it: null while hidden, the clerk's replacement when replaced.</summary>
    public static string? SpeakerName(SpeakerEntry entry) => entry.PublicName;

    /// <summary>A speaker's name for a printed record: as the public may see it, or <see cref="Withheld"/>.</summary>
    public static string PrintedName(SpeakerEntry entry) => entry.PublicName ?? Withheld;

    public static SpeakerDto Speaker(SpeakerEntry e) => new(
        e.Id, e.ItemId, SpeakerName(e), e.Source.ToString(), e.Stance?.ToString(), e.UsesInterpreter, e.State.ToString(), e.PersonKey,
        e.Turn?.Seconds, e.Turn?.StartedAt, e.Turn?.EndsAt, e.Turn?.SecondsLeftWhenPaused);

    /// <summary>The written comments the public may read now, in the order they came.</summary>
    public static IEnumerable<WrittenComment> Comments(Meeting m) => m.WrittenComments.Where(m.IsPublic);

    public static IReadOnlyList<WrittenCommentDto> WrittenComments(Meeting m) =>
        [.. Comments(m).Select(c => new WrittenCommentDto(c.Id, c.ItemId, c.Name, c.Text, c.At))];

    /// <summary>
    /// A journal event as served: the hashed fields, and beside them the texts the public may read now
    /// (<paramref name="textIsPublic"/>, asked of the meeting by sequence).
    /// </summary>
    public static JournalEventDto Event(JournalEntry e, Func<long, bool> textIsPublic)
    {
        using var payload = JsonDocument.Parse(e.Payload);
        var texts = e.Texts is { Count: > 0 } && textIsPublic(e.Sequence)
            ? e.Texts.ToDictionary(t => t.Key, t => new JournalText(t.Value.Salt, t.Value.Text))
            : null;
        return new(e.MeetingId, e.Sequence, JournalChain.AtText(e.At), e.Actor, e.Type, payload.RootElement.Clone(), e.PreviousHash, e.Hash, texts);
    }

    public static IReadOnlyList<JournalEventDto> Events(IEnumerable<JournalEntry> entries, Func<long, bool> textIsPublic) =>
        [.. entries.Select(e => Event(e, textIsPublic))];

    /// <summary>
    /// Which of these entries' texts the public may read now: all of <see cref="Events"/> that needs the meeting. So a
    /// page of a thousand events is asked about under the meeting's lock and parsed after it, while the clerk's commands
    /// go on (a review of 2026-11-29 found the pages, catch-ups and rejoins parsed under the lock).
    /// </summary>
    public static Func<long, bool> TextsPublicNow(IEnumerable<JournalEntry> entries, Meeting m) =>
        entries.Where(e => e.Texts is { Count: > 0 } && m.TextIsPublic(e.Sequence)).Select(e => e.Sequence).ToHashSet().Contains;
}
