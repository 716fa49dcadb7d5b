using System.Collections.Concurrent;
using Meetings.Server.Domain;

namespace Meetings.Server.Records;

/// <summary>
/// Meetings' records, kept per head, so that anyone asking for minutes, exports, packets or the versions of the
/// minutes, as often as they like, costs one indexed lookup while the journal stands still, and one fold of it per
/// change however many ask at once. One look at a meeting's journal runs at a time; those who asked meanwhile take
/// the answer of the next look, which began after they asked, so nobody is answered from before their own question
/// (a clerk who has just changed the meeting sees the change). A record is never changed once folded, so it can be
/// shared by every request.
/// </summary>
public sealed class RecordCache
{
    /// <summary>How many meetings' records are kept; the one asked for least recently goes first.</summary>
    public const int Meetings = 64;

    private readonly ConcurrentDictionary<Guid, Kept> _kept = new();
    private long _uses;

    /// <summary>
    /// The record as the journal stands now: <paramref name="head"/> reads the journal's last sequence and hash (null
    /// for no journal), <paramref name="fold"/> reads the journal through that sequence and folds it. <paramref name="aside"/>:
    /// the one asking does not wait behind another's look at the meeting (staff, while a look for the public may be
    /// waiting its turn to fold): if one is under way, theirs is made beside it, and not kept.
    /// </summary>
    public async Task<MeetingRecord?> ReadAsync(Guid meetingId, Func<CancellationToken, Task<JournalEntry?>> head,
        Func<long, CancellationToken, Task<MeetingRecord>> fold, bool aside, CancellationToken ct)
    {
        var kept = _kept.GetOrAdd(meetingId, _ => new Kept());
        kept.LastUse = Interlocked.Increment(ref _uses);
        var asked = Volatile.Read(ref kept.Looks);
        if (!kept.Lock.Wait(0, CancellationToken.None))
        {
            if (aside) return await AsideAsync(kept, head, fold, ct);
            await kept.Lock.WaitAsync(ct);
        }
        try
        {
            if (kept.Confirmed > asked) return kept.Record;
            var look = Interlocked.Increment(ref kept.Looks);
            var now = await head(ct);
            if (now is null)
            {
                // Nothing is kept for an id that names no meeting, so asking for made-up ones pushes out no record.
                _kept.TryRemove(new(meetingId, kept));
                return null;
            }
            if (kept.Record is not { } record || record.Events != now.Sequence || record.Head != now.Hash)
            {
                kept.Record = await fold(now.Sequence, ct);
                LetGoOfTheOldest(meetingId);
            }
            kept.Confirmed = look;
            return kept.Record;
        }
        finally
        {
            kept.Lock.Release();
        }
    }

    /// <summary>The record kept, if the journal still stands where it was folded, else one folded for this caller alone.</summary>
    private static async Task<MeetingRecord?> AsideAsync(Kept kept, Func<CancellationToken, Task<JournalEntry?>> head,
        Func<long, CancellationToken, Task<MeetingRecord>> fold, CancellationToken ct)
    {
        if (await head(ct) is not { } now) return null;
        return Volatile.Read(ref kept.Record) is { } record && record.Events == now.Sequence && record.Head == now.Hash ? record : await fold(now.Sequence, ct);
    }

    private void LetGoOfTheOldest(Guid meetingId)
    {
        if (_kept.Count <= Meetings) return;
        // Someone still holding the one let go finishes with it; the next to ask starts afresh.
        var oldest = _kept.Where(k => k.Key != meetingId).MinBy(k => k.Value.LastUse);
        _kept.TryRemove(oldest);
    }

    private sealed class Kept
    {
        public SemaphoreSlim Lock { get; } = new(1, 1);
        /// <summary>How many looks at the journal have begun; a look's number is taken before it reads the head.</summary>
        public long Looks;
        /// <summary>The number of the last look that found <see cref="Record"/> current.</summary>
        public long Confirmed;
        public long LastUse;
        public MeetingRecord? Record;
    }
}
