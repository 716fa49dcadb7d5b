using System.Security.Claims;
using Meetings.Server.Domain;
using Meetings.Server.Errors;
using Meetings.Server.Journal;
using Meetings.Server.Meetings;

namespace Meetings.Server.Records;

/// <summary>
/// Reads a meeting's record from its journal, for those who may see the meeting (drafts only for clerks), through the
/// <see cref="RecordCache"/>: folded once per change of the journal, however many ask; a fold for the public waits its
/// turn (<see cref="PublicFolds"/>).
/// </summary>
public sealed class MeetingRecords(MeetingJournal journal, RecordCache cache, PublicFolds folds)
{
    public async Task<MeetingRecord> ReadAsync(Guid meetingId, ClaimsPrincipal user, CancellationToken ct = default)
    {
        var record = await ReadAnyAsync(meetingId, user, ct) ?? throw new NotFoundException("No such meeting.");
        return MeetingEndpoints.Visible(record.Meeting, user) ? record : throw new NotFoundException("No such meeting.");
    }

    /// <summary>
    /// The record of a meeting whoever may see it, or null when there is no such meeting. <paramref name="forWhom"/>: who
    /// asked, whose fold waits its turn if they are not signed in; null for the server's own work.
    /// </summary>
    public Task<MeetingRecord?> ReadAnyAsync(Guid meetingId, ClaimsPrincipal? forWhom, CancellationToken ct = default) =>
        cache.ReadAsync(meetingId, ct => journal.HeadAsync(meetingId, ct), (through, ct) => folds.RunAsync(forWhom, async () =>
        {
            var entries = await journal.ReadAsync(meetingId, 0, (int)Math.Min(int.MaxValue, through), ct);
            return MeetingRecord.Fold([.. entries.Select(e => (e, EventSerializer.Deserialize(e)))]);
        }, ct), aside: forWhom is not null && !PublicFolds.TakesTurns(forWhom), ct);
}
