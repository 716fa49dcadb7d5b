using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text;

namespace Meetings.Server.Records;

/// <summary>
/// Each meeting's lines of the voting record (<see cref="VotesCsv"/>), kept by the journal's last sequence: a body's
/// voting record over years folds only the meetings that changed since it was last asked for. Without it, a body with
/// more meetings than <see cref="RecordCache"/> keeps had every one folded again at every request, pushing out the
/// records everyone else reads. The lines hold only what the public record shows, so they are the same for everyone.
/// </summary>
public sealed class VoteRows
{
    private readonly ConcurrentDictionary<Guid, (long Sequence, string Lines)> _kept = new();

    /// <summary>
    /// The meeting's lines as its journal stands at <paramref name="sequence"/> (or later), or null for no such meeting;
    /// a fold for <paramref name="forWhom"/> waits its turn with the public's (<see cref="Journal.PublicFolds"/>).
    /// </summary>
    public async Task<string?> ForAsync(Guid meetingId, long sequence, MeetingRecords records, ClaimsPrincipal forWhom, CancellationToken ct = default)
    {
        if (_kept.TryGetValue(meetingId, out var kept) && kept.Sequence >= sequence) return kept.Lines;
        if (await records.ReadAnyAsync(meetingId, forWhom, ct) is not { } record) return null;
        var lines = new StringBuilder();
        VotesCsv.AppendRows(lines, record);
        var made = (record.Events, lines.ToString());
        _kept.AddOrUpdate(meetingId, made, (_, held) => held.Sequence > made.Events ? held : made);
        return made.Item2;
    }
}
