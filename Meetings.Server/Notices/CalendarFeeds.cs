using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace Meetings.Server.Notices;

/// <summary>
/// Each body's calendar feed as last made, with the version it was made from: the site its links use, the body's
/// name, the phone line, and each posted meeting's last journal sequence (one small query on the meeting list). A
/// feed is made again only when one of those has changed, so calendar apps polling it, however many, never read the
/// meetings themselves and cannot slow a meeting. The version is also the feed's ETag: a poller that has it gets 304.
/// A feed made again reads only the meetings that changed: each meeting's entry is kept with the sequence it was read
/// at, so a hearing's every change reads the hearing (held while it is watched) and not the body's whole archive.
/// </summary>
public sealed class CalendarFeeds
{
    // One feed per body (never per requested host name, which a client chooses): memory follows the bodies there are.
    private readonly ConcurrentDictionary<Guid, (string Version, Task<string> Text)> _feeds = new();
    // One entry per posted meeting, a few hundred bytes each: memory follows the meetings there are.
    private readonly ConcurrentDictionary<Guid, (long Sequence, CalendarEntry Entry)> _entries = new();

    /// <summary>A weak ETag naming everything the feed is made from.</summary>
    public static string Version(string site, string bodyName, Phone.PhoneOptions phone, IEnumerable<(Guid Meeting, long Sequence)> meetings)
    {
        var what = new StringBuilder().Append(site).Append('\n').Append(bodyName).Append('\n')
            .Append(phone.IsConfigured).Append(phone.BrowserAudioEnabled).Append(phone.PhoneNumber).Append('\n');
        foreach (var (meeting, sequence) in meetings) what.Append(meeting).Append(':').Append(sequence).Append(';');
        return $"W/\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(what.ToString())))[..32]}\"";
    }

    /// <summary>Whether the client already holds this version (<c>If-None-Match</c>).</summary>
    public static bool Holds(HttpRequest request, string version) =>
        request.GetTypedHeaders().IfNoneMatch is { Count: > 0 } held
        && held.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(EntityTagHeaderValue.Parse(version), useStrongComparison: false));

    /// <summary>
    /// The meeting's entry as its journal stood at <paramref name="sequence"/> (the meeting list's): the one kept, or
    /// read by <paramref name="read"/> when the meeting has changed since.
    /// </summary>
    public async Task<CalendarEntry> EntryAsync(Guid meeting, long sequence, Func<Task<CalendarEntry>> read)
    {
        if (_entries.TryGetValue(meeting, out var kept) && kept.Sequence == sequence) return kept.Entry;
        var entry = await read();
        _entries[meeting] = (sequence, entry);
        return entry;
    }

    /// <summary>The feed at <paramref name="version"/>: the one kept, or made once by <paramref name="make"/> however many ask at the same time.</summary>
    public async Task<string> GetAsync(Guid body, string version, Func<Task<string>> make)
    {
        var made = new Lazy<Task<string>>(make);
        var kept = _feeds.AddOrUpdate(body, _ => (version, made.Value), (_, old) => old.Version == version && !old.Text.IsFaulted && !old.Text.IsCanceled ? old : (version, made.Value));
        try
        {
            return await kept.Text;
        }
        catch
        {
            _feeds.TryRemove(new KeyValuePair<Guid, (string, Task<string>)>(body, kept)); // the next request makes it again
            throw;
        }
    }
}

/// <summary>What a meeting's event in its body's feed is made from.</summary>
public sealed record CalendarEntry(Guid Id, DateTimeOffset Start, int CalendarRevision, Domain.MeetingStatus Status, string BodyName, string Title,
    string Location, string AccessCode, string? StreamUrl, string? CaptionsUrl, TimeSpan Length);
