using Meetings.Server.Data;
using Meetings.Server.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Meetings.Server.Journal;

/// <summary>Two writers tried to append at the same place; the loser must catch up and decide again.</summary>
public sealed class JournalConflictException(Guid meetingId, long sequence)
    : Exception($"Meeting {meetingId} already has an event at sequence {sequence}.");

/// <summary>The meeting journal in the database: append in one transaction, read after a point, verify the chain.</summary>
public sealed class MeetingJournal(MeetingsDbContext db)
{
    /// <summary>
    /// Runs <paramref name="decideAndAppend"/> holding the end of the meeting's journal: any other writer, on this
    /// instance or another, waits for it before reading where the journal ends. So what it reads of the journal is
    /// still the end when it appends, and two instances taking commands for one meeting take turns instead of racing
    /// (the loser of a race had to read the meeting again and decide again, and after five lost races was refused).
    /// The hold is a write to the meeting's row, which both SQLite and SQL Server keep locked until the commit; if
    /// nothing was appended it is let go without one. The provider's execution strategy runs it, since SQL Server's
    /// retries transient failures and refuses a transaction opened outside it: after such a failure the work runs
    /// again from the start, so it must decide afresh each time. A failure can also come after the commit took (a
    /// connection dropped before its answer): the strategy first asks whether the last try's events are in the journal,
    /// and if they are, that try stands. Deciding afresh then would record the command twice.
    /// </summary>
    public Task<IReadOnlyList<JournalEntry>> HoldingTheEndAsync(Guid meetingId, Func<Task<IReadOnlyList<JournalEntry>>> decideAndAppend)
    {
        IReadOnlyList<JournalEntry> tried = [];
        return db.Database.CreateExecutionStrategy().ExecuteAsync(meetingId,
            async (_, id, ct) =>
            {
                tried = [];
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                await db.Meetings.Where(m => m.Id == id).ExecuteUpdateAsync(s => s.SetProperty(m => m.LastSequence, m => m.LastSequence), ct);
                tried = await decideAndAppend();
                if (tried.Count > 0) await transaction.CommitAsync(ct);
                return tried;
            },
            async (_, _, ct) => new ExecutionResult<IReadOnlyList<JournalEntry>>(tried.Count > 0 && await IsRecordedAsync(tried[^1], ct), tried));
    }

    /// <summary>Whether this very entry (its hash, not only its place) is in the journal.</summary>
    private Task<bool> IsRecordedAsync(JournalEntry entry, CancellationToken ct) =>
        db.Journal.AsNoTracking().AnyAsync(r => r.MeetingId == entry.MeetingId && r.Sequence == entry.Sequence && r.Hash == entry.Hash, ct);

    /// <summary>
    /// Appends events after <paramref name="previous"/> (the last entry the caller's state reflects, or
    /// null for a new meeting) and updates the meeting list, all in one transaction. The unique
    /// (meeting, sequence) index makes a racing writer fail with <see cref="JournalConflictException"/>.
    /// </summary>
    public Task<IReadOnlyList<JournalEntry>> AppendAsync(
        Guid meetingId, JournalEntry? previous, IReadOnlyList<MeetingEvent> events, Actor actor, DateTimeOffset at,
        CancellationToken ct = default) =>
        AppendAsync(meetingId, previous, [.. events.Select(e => (e, actor))], at, ct);

    /// <summary>Appends the events of several commands, each with who did it, in one transaction (see above).</summary>
    public async Task<IReadOnlyList<JournalEntry>> AppendAsync(
        Guid meetingId, JournalEntry? previous, IReadOnlyList<(MeetingEvent Event, Actor Actor)> events, DateTimeOffset at,
        CancellationToken ct = default)
    {
        // The journal keeps whole milliseconds in UTC: what every provider stores exactly, so hashes verify.
        at = new DateTimeOffset(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
        var entries = new List<JournalEntry>(events.Count);
        var (sequence, hash) = (previous?.Sequence ?? 0, previous?.Hash ?? JournalChain.Genesis);
        foreach (var (e, actor) in events)
        {
            var (payload, texts) = EventSerializer.Serialize(e);
            var entry = JournalChain.Link(meetingId, ++sequence, at, actor.Display, EventSerializer.TypeName(e), payload, hash, texts);
            entries.Add(entry);
            hash = entry.Hash;
        }

        db.ChangeTracker.Clear();
        db.Journal.AddRange(entries.Select(JournalRow.From));
        var row = previous is null ? db.Meetings.Add(new MeetingRow { Id = meetingId }).Entity
            : await db.Meetings.SingleAsync(m => m.Id == meetingId, ct);
        foreach (var (e, _) in events) Project(e, row);
        row.LastSequence = sequence;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            var first = (previous?.Sequence ?? 0) + 1;
            // Whatever the provider calls it, the place being taken by another writer is a conflict.
            if (await HasEntryAsync(meetingId, first, ct)) throw new JournalConflictException(meetingId, first);
            throw;
        }
        db.ChangeTracker.Clear();
        return entries;
    }

    public async Task<IReadOnlyList<JournalEntry>> ReadAsync(Guid meetingId, long after = 0, int max = int.MaxValue, CancellationToken ct = default) =>
        (await db.Journal.AsNoTracking()
            .Where(r => r.MeetingId == meetingId && r.Sequence > after)
            .OrderBy(r => r.Sequence).Take(max).ToListAsync(ct))
        .Select(r => r.ToEntry()).ToList();

    /// <summary>The last entry of a meeting's journal, or null when it has none: one indexed lookup.</summary>
    public async Task<JournalEntry?> HeadAsync(Guid meetingId, CancellationToken ct = default) =>
        (await db.Journal.AsNoTracking().Where(r => r.MeetingId == meetingId)
            .OrderByDescending(r => r.Sequence).FirstOrDefaultAsync(ct))?.ToEntry();

    private Task<bool> HasEntryAsync(Guid meetingId, long sequence, CancellationToken ct) =>
        db.Journal.AsNoTracking().AnyAsync(r => r.MeetingId == meetingId && r.Sequence == sequence, ct);

    /// <summary>The meeting list is a fold of the journal too, over the few events that change it.</summary>
    private static void Project(MeetingEvent e, MeetingRow row)
    {
        switch (e)
        {
            case MeetingScheduled s:
                (row.BodyId, row.BodyName, row.Title, row.Kind, row.Start, row.TimeZone, row.Location, row.AccessCode, row.Status) =
                    (s.BodyId, s.BodyName, s.Title, s.Kind, s.Start, s.TimeZone, s.Location, s.AccessCode, MeetingStatus.Draft);
                break;
            case MeetingRescheduled r: (row.Title, row.Start, row.TimeZone, row.Location) = (r.Title, r.Start, r.TimeZone, r.Location); break;
            case MeetingPublished: (row.Status, row.Posted) = (MeetingStatus.Published, true); break;
            case MeetingStarted or MeetingResumed: row.Status = MeetingStatus.Live; break;
            case MeetingRecessed: row.Status = MeetingStatus.Recessed; break;
            case MeetingAdjourned: row.Status = MeetingStatus.Adjourned; break;
            case MeetingCancelled: row.Status = MeetingStatus.Cancelled; break;
        }
    }
}
