using System.Security.Claims;
using Meetings.Server.Domain;
using Meetings.Server.Errors;
using Meetings.Server.Journal;
using Meetings.Server.Meetings;

namespace Meetings.Server.Records;

/// <summary>
/// Reads a meeting's record from its journal, for those who may see the meeting (drafts only for clerks), through the
/// <see cref="RecordCache"/>: folded once per change of the journal, however many ask.
/// </summary>
public sealed class MeetingRecords(MeetingJournal journal, RecordCache cache)
{
    public async Task<MeetingRecord> ReadAsync(Guid meetingId, ClaimsPrincipal user, CancellationToken ct = default)
    {
        var record = await ReadAnyAsync(meetingId, ct) ?? throw new NotFoundException("No such meeting.");
        return MeetingEndpoints.Visible(record.Meeting, user) ? record : throw new NotFoundException("No such meeting.");
    }

    /// <summary>The record of a meeting whoever asks, or null when there is no such meeting.</summary>
    public Task<MeetingRecord?> ReadAnyAsync(Guid meetingId, CancellationToken ct = default) =>
        cache.ReadAsync(meetingId, ct => journal.HeadAsync(meetingId, ct), async (through, ct) =>
        {
            var entries = await journal.ReadAsync(meetingId, 0, (int)Math.Min(int.MaxValue, through), ct);
            return MeetingRecord.Fold([.. entries.Select(e => (e, EventSerializer.Deserialize(e)))]);
        }, ct);
}
