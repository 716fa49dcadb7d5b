using System.Collections.Concurrent;
using Meetings.Server.Domain;
using Meetings.Server.Errors;
using Meetings.Server.Followers;
using Meetings.Server.Journal;
using Meetings.Server.Live;

namespace Meetings.Server.Meetings;

/// <summary>The events a command appended, and what the caller wanted to see of the meeting right after them.</summary>
public sealed record CommandResult<T>(T View, IReadOnlyList<JournalEntry> Entries);

/// <summary>
/// The one path by which a meeting changes. Each meeting's state is cached on this instance and caught up
/// from the journal before every commit, so commands never replay a whole journal and another instance's
/// appends are seen. Commands on one meeting are decided one at a time here, in the order they arrive, and
/// committed together: whatever arrived while one commit was being written is decided in order (each on the
/// state the ones before it left) and appended in the next single transaction, so a crowd signing up costs
/// one write and one live update per batch, not one per person. Across instances each commit holds the end of the
/// meeting's journal from catching up to appending (<see cref="MeetingJournal.HoldingTheEndAsync"/>), so instances take
/// turns; the journal's unique (meeting, sequence) index stays the last word, and a loser would catch up and decide
/// again. After a commit, the live push goes out at once and the journal's followers are woken for everything else
/// that follows from it.
/// </summary>
public sealed class MeetingStore(IServiceScopeFactory scopes, TimeProvider clock, MeetingBroadcaster broadcaster, CommitSignal commits,
    IConfiguration config, ILogger<MeetingStore> log)
{
    private const int Attempts = 5;
    /// <summary>The most commands one transaction takes (more wait for the next), so that one commit is one live update of modest size.</summary>
    private const int MostPerCommit = MeetingFeed.MostEventsPerUpdate;
    private readonly ConcurrentDictionary<Guid, Cached> _cache = new();
    /// <summary>
    /// How many meetings this instance holds that nothing needs held (not in session, no feed here) before loading
    /// another lets go of the one used least lately (<c>Meetings:HeldAtMost</c>): the ten minutes a meeting is kept
    /// unused (<see cref="Sweep"/>) bound how long, this how many, so however many ask, the instance never holds a
    /// whole archive at once.
    /// </summary>
    private readonly int _heldAtMost = Math.Max(1, config.GetValue("Meetings:HeldAtMost", 500));

    /// <summary>Runs a command: decide against current state, append, then apply. Throws what the domain refuses.</summary>
    public async Task<IReadOnlyList<JournalEntry>> ExecuteAsync(
        Guid meetingId, Actor actor, Func<Meeting, DateTimeOffset, MeetingEvent[]> decide, CancellationToken ct = default) =>
        (await ExecuteAsync(meetingId, actor, decide, _ => 0, ct)).Entries;

    /// <summary>
    /// Runs a command and takes <paramref name="view"/> of the meeting as it stands right after, still under the
    /// meeting's lock: the cached state is never handed out, since the next command changes it in place. Answers once
    /// the command's events are committed (or with what refused it).
    /// </summary>
    public async Task<CommandResult<T>> ExecuteAsync<T>(
        Guid meetingId, Actor actor, Func<Meeting, DateTimeOffset, MeetingEvent[]> decide, Func<Meeting, T> view, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        var command = new Command<T>(actor, decide, view, ct);
        var cached = _cache.GetOrAdd(meetingId, _ => new Cached());
        // The first to find nobody committing commits, inline; everyone else's command waits for that commit or the next.
        if (cached.Queue(command)) await CommitQueuedAsync(meetingId, cached);
        return await command.Answer;
    }

    /// <summary>Commits what is queued, then hands the next batch (if any arrived meanwhile) to a fresh task.</summary>
    private async Task CommitQueuedAsync(Guid meetingId, Cached cached)
    {
        IReadOnlyList<QueuedCommand> batch;
        await cached.Lock.WaitAsync();
        try
        {
            cached.UsedAt = clock.GetUtcNow();
            batch = cached.TakeQueued(MostPerCommit);
            await CommitAsync(meetingId, cached, batch);
        }
        finally
        {
            cached.Lock.Release();
        }
        if (!cached.DoneCommitting()) _ = Task.Run(() => CommitQueuedAsync(meetingId, cached));
        // Answered last, so that callers carrying on inline do not hold up the next batch.
        foreach (var command in batch) command.Reply();
    }

    /// <summary>Decides each command in order on the state the ones before it left, and appends all their events in one transaction.</summary>
    private async Task CommitAsync(Guid meetingId, Cached cached, IReadOnlyList<QueuedCommand> batch)
    {
        if (batch.Count == 0) return;
        IReadOnlyList<JournalEntry> entries;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var journal = scope.ServiceProvider.GetRequiredService<MeetingJournal>();
                var tries = 0;
                entries = await journal.HoldingTheEndAsync(meetingId, () => DecideAndAppendAsync(meetingId, cached, batch, journal, again: tries++ > 0));
                break;
            }
            catch (JournalConflictException) when (attempt < Attempts)
            {
                log.LogInformation("Meeting {MeetingId} was changed elsewhere; catching up (attempt {Attempt}).", meetingId, attempt);
                cached.Forget();
            }
            catch (JournalConflictException)
            {
                cached.Forget();
                foreach (var command in batch) command.Failed(new ConflictException("The meeting changed while this was being recorded; please try again."));
                return;
            }
            catch (Exception e)
            {
                // Nothing was committed, and the cached state may hold events that were not: read it again next time.
                if (e is not NotFoundException) log.LogError(e, "Commands on meeting {MeetingId} could not be recorded.", meetingId);
                cached.Forget();
                foreach (var command in batch) command.Failed(e);
                return;
            }
        }
        if (entries.Count == 0) return;
        cached.Last = entries[^1];
        var next = 0;
        foreach (var command in batch) next = command.Committed(entries, next);
        // Recorded: from here on nothing may tell the callers otherwise, or they would do it again.
        try
        {
            await broadcaster.PublishAsync(cached.Meeting!, entries);
        }
        catch (Exception e)
        {
            log.LogError(e, "Events {First}-{Last} of meeting {MeetingId} are recorded but could not be handed to the screens here; the next change brings them up to date.",
                entries[0].Sequence, entries[^1].Sequence, meetingId);
        }
        commits.Raise(meetingId);
    }

    /// <summary>
    /// Decides the batch on the meeting caught up to the journal's end and appends the events, if any (none: nothing
    /// is appended). <paramref name="again"/>: a try the database failed part-way may have applied events it did not
    /// commit, so the state is read afresh.
    /// </summary>
    private async Task<IReadOnlyList<JournalEntry>> DecideAndAppendAsync(Guid meetingId, Cached cached, IReadOnlyList<QueuedCommand> batch, MeetingJournal journal, bool again)
    {
        if (again) cached.Forget();
        var meeting = await CatchUpAsync(meetingId, cached, journal, CancellationToken.None);
        var now = clock.GetUtcNow();
        var events = new List<(MeetingEvent, Actor)>();
        foreach (var command in batch)
        {
            var decided = command.Decide(meeting, now);
            // Applied at once, ahead of the journal: the next command decides on it. A failed append forgets it all.
            foreach (var e in decided)
            {
                meeting.Apply(e);
                events.Add((e, command.Actor));
            }
            command.Decided(meeting, decided.Length);
        }
        return events.Count == 0 ? [] : await journal.AppendAsync(meetingId, cached.Last, events, now);
    }

    /// <summary>
    /// Starts a new meeting's journal with its scheduling, followed by any first commands (its agenda, say),
    /// each deciding on the state the ones before it left; all are appended together or not at all.
    /// </summary>
    public async Task<CommandResult<Meeting>> ScheduleAsync(
        MeetingScheduled scheduled, Actor actor, IEnumerable<Func<Meeting, DateTimeOffset, MeetingEvent[]>> then, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var meeting = Meeting.FromHistory([scheduled]);
        var events = new List<MeetingEvent> { scheduled };
        foreach (var step in then)
            foreach (var e in step(meeting, now))
            {
                meeting.Apply(e);
                events.Add(e);
            }
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            var entries = await scope.ServiceProvider.GetRequiredService<MeetingJournal>().AppendAsync(scheduled.MeetingId, null, events, actor, now, ct);
            await broadcaster.PublishAsync(meeting, entries);
            commits.Raise(scheduled.MeetingId);
            // A new meeting's state is not cached yet, so handing it out is safe.
            return new CommandResult<Meeting>(meeting, entries);
        }
        catch (JournalConflictException)
        {
            throw new ConflictException("A meeting with this id already exists.");
        }
    }

    /// <summary>
    /// Whether the meeting would take a command now: throws its refusal and records nothing. For what must be done
    /// before the command (keeping the text or file it names, so the journal never names one that is missing) and must
    /// not be done for a command that is refused.
    /// </summary>
    public Task CheckAsync(Guid meetingId, Func<Meeting, DateTimeOffset, MeetingEvent[]> decide, CancellationToken ct = default) =>
        ReadAsync(meetingId, m => decide(m, clock.GetUtcNow()), ct);

    /// <summary>Reads a meeting's current state through <paramref name="view"/>, under the meeting's lock so the state is not changing meanwhile.</summary>
    public Task<T> ReadAsync<T>(Guid meetingId, Func<Meeting, T> view, CancellationToken ct = default) => ReadOnceAsync(meetingId, view, askTheJournal: static () => true, ct: ct);

    /// <summary>
    /// Reads as <see cref="ReadAsync{T}(Guid, Func{Meeting, T}, CancellationToken)"/> does; <paramref name="loading"/>
    /// is called, under the lock, before a meeting not held here is loaded from its whole journal: the caller may count
    /// that, or refuse it.
    /// </summary>
    public Task<T> ReadAsync<T>(Guid meetingId, Func<Meeting, T> view, Action loading, CancellationToken ct = default) =>
        ReadOnceAsync(meetingId, view, askTheJournal: static () => true, loading: loading, ct: ct);

    /// <summary>
    /// Reads the state this instance holds through <paramref name="view"/>, under the meeting's lock, without asking the
    /// journal for news (what is held changes only under this lock, and every change is handed to the screens as it
    /// is made); read from the journal only when nothing is held.
    /// </summary>
    public Task<T> ReadHeldAsync<T>(Guid meetingId, Func<Meeting, T> view, CancellationToken ct = default) => ReadOnceAsync(meetingId, view, askTheJournal: static () => false, ct: ct);

    /// <summary>
    /// Reads as <see cref="ReadAsync{T}(Guid, Func{Meeting, T}, CancellationToken)"/> does, but without asking the
    /// journal while screens here follow the meeting (<see cref="MeetingBroadcaster.KeptCurrent"/>): for the public's
    /// reads of a meeting in a hearing, which otherwise each made a query while holding the meeting's lock, and so
    /// kept the clerk's and officials' commands waiting behind them.
    /// </summary>
    public Task<T> ReadWatchedAsync<T>(Guid meetingId, Func<Meeting, T> view, Action? loading = null, CancellationToken ct = default) =>
        ReadOnceAsync(meetingId, view, askTheJournal: () => !broadcaster.KeptCurrent(meetingId), loading: loading, ct: ct);

    /// <summary>
    /// Reads as <see cref="ReadAsync{T}(Guid, Func{Meeting, T}, CancellationToken)"/> does, unless
    /// <paramref name="askTheJournal"/>, asked once the lock is taken, says the state held is enough: for many waiting
    /// for the same first read, which only the first of them needs to make. <paramref name="reading"/> is called, under
    /// the lock, just before the journal is read; <paramref name="loading"/> only when nothing is held, so the read is of
    /// the whole journal.
    /// </summary>
    public async Task<T> ReadOnceAsync<T>(Guid meetingId, Func<Meeting, T> view, Func<bool> askTheJournal, Action? reading = null, Action? loading = null,
        CancellationToken ct = default)
    {
        var counted = false;
        if (!_cache.TryGetValue(meetingId, out var cached))
        {
            // Nothing kept for the id, which may name no meeting at all: counted, or refused, before anything is kept
            // for it, so made-up ids from an address past its reads leave nothing behind.
            reading?.Invoke();
            loading?.Invoke();
            counted = true;
            cached = _cache.GetOrAdd(meetingId, _ => new Cached());
        }
        await cached.Lock.WaitAsync(ct);
        try
        {
            cached.UsedAt = clock.GetUtcNow();
            if (cached.Meeting is { } held && !askTheJournal()) return view(held);
            // About to read the journal (the whole of it, if nothing is held): the caller may count that, or refuse it.
            if (!counted)
            {
                reading?.Invoke();
                if (cached.Meeting is null) loading?.Invoke();
            }
            await using var scope = scopes.CreateAsyncScope();
            return view(await CatchUpAsync(meetingId, cached, scope.ServiceProvider.GetRequiredService<MeetingJournal>(), ct));
        }
        finally
        {
            cached.Lock.Release();
        }
    }


    /// <summary>
    /// Lets go of the state of the meetings not read or changed here since <paramref name="before"/>, but those
    /// <paramref name="kept"/> (in session, or with a feed here): the next to ask reads it again from the
    /// journal. A server up for months would otherwise hold every meeting anyone ever opened, archive and all. A
    /// meeting busy at this moment is left for the next sweep. Returns how many were let go.
    /// </summary>
    public int Sweep(DateTimeOffset before, Func<Guid, bool> kept)
    {
        var swept = 0;
        foreach (var (id, cached) in _cache)
        {
            if (cached.Meeting is null || cached.UsedAt > before || kept(id) || !cached.Lock.Wait(0)) continue;
            try
            {
                if (cached.Meeting is null || cached.UsedAt > before) continue;
                cached.LetGo();
                swept++;
            }
            finally
            {
                cached.Lock.Release();
            }
        }
        return swept;
    }

    /// <summary>
    /// With more than <see cref="_heldAtMost"/> meetings held that nothing needs held, lets go of those used least lately
    /// (but <paramref name="loadedId"/>, just loaded, and any busy at this moment) until that many are left.
    /// </summary>
    private void MakeRoom(Guid loadedId, Meeting loaded)
    {
        var idle = _cache.Where(c => c.Key != loadedId && c.Value.Meeting is { } m && !NeededHeld(c.Key, m)).ToList();
        var over = idle.Count + (NeededHeld(loadedId, loaded) ? 0 : 1) - _heldAtMost;
        foreach (var (id, cached) in idle.OrderBy(c => c.Value.UsedAt))
        {
            if (over <= 0) return;
            if (!cached.Lock.Wait(0)) continue;
            try
            {
                if (cached.Meeting is not { } meeting || NeededHeld(id, meeting)) continue;
                cached.LetGo();
                over--;
            }
            finally
            {
                cached.Lock.Release();
            }
        }
    }

    /// <summary>A meeting in session has turns to end here; one with a feed here is brought what other instances append.</summary>
    private bool NeededHeld(Guid meetingId, Meeting meeting) => meeting.InSessionOrRecess || broadcaster.Current(meetingId) is not null;

    /// <summary>Whether this instance keeps anything for the id, held or not (a lock, the sequence it was let go at): for tests.</summary>
    public bool Knows(Guid meetingId) => _cache.ContainsKey(meetingId);

    /// <summary>
    /// The journal sequence this instance holds the meeting at, read without its lock (so perhaps a moment behind), or
    /// null when it holds nothing of the meeting to catch up (<see cref="RefreshAsync"/> would do nothing).
    /// </summary>
    public long? HeldSequence(Guid meetingId) => _cache.TryGetValue(meetingId, out var cached) && (cached.Meeting is not null || cached.Forgotten is not null)
        ? cached.Last?.Sequence ?? 0
        : null;

    /// <summary>Whether this instance holds the meeting's state now (read without its lock).</summary>
    public bool Holds(Guid meetingId) => _cache.TryGetValue(meetingId, out var cached) && cached.Meeting is not null;

    /// <summary>
    /// Catches up a meeting this instance holds, so what another instance appended reaches the people connected here
    /// now rather than at the watcher's next pass. A meeting not held here is left alone: nobody here follows it.
    /// </summary>
    public async Task RefreshAsync(Guid meetingId, CancellationToken ct = default)
    {
        if (!_cache.TryGetValue(meetingId, out var cached)) return;
        await cached.Lock.WaitAsync(ct);
        try
        {
            // Nothing here follows a meeting never read; one whose state was dropped after a failed commit is read again.
            if (cached.Meeting is null && cached.Forgotten is null) return;
            await using var scope = scopes.CreateAsyncScope();
            await CatchUpAsync(meetingId, cached, scope.ServiceProvider.GetRequiredService<MeetingJournal>(), ct);
        }
        finally
        {
            cached.Lock.Release();
        }
    }

    /// <summary>
    /// Brings the cached state up to the journal. Events another instance appended are passed on to the
    /// people connected here (a client ignores any it already has, by sequence number).
    /// </summary>
    private async Task<Meeting> CatchUpAsync(Guid meetingId, Cached cached, MeetingJournal journal, CancellationToken ct)
    {
        var missed = await journal.ReadAsync(meetingId, cached.Last?.Sequence ?? 0, ct: ct);
        if (missed.Count > 0)
        {
            var events = missed.Select(EventSerializer.Deserialize).ToList();
            var loaded = false;
            if (cached.Meeting is null)
            {
                cached.Meeting = Meeting.FromHistory(events);
                loaded = true;
                // Read again after a failed commit: what others appended since is handed on like any catch-up.
                if (cached.Forgotten is { } seen) await broadcaster.PublishAsync(cached.Meeting, [.. missed.Where(e => e.Sequence > seen)]);
                cached.Forgotten = null;
            }
            else
            {
                try
                {
                    foreach (var e in events) cached.Meeting.Apply(e);
                }
                catch
                {
                    // Part-way applied: read it all again next time rather than apply some events twice.
                    cached.Forget();
                    throw;
                }
                await broadcaster.PublishAsync(cached.Meeting, missed);
            }
            cached.Last = missed[^1];
            // Once what is held is whole (its last event with it), room is made beside it.
            if (loaded) MakeRoom(meetingId, cached.Meeting);
        }
        if (cached.Meeting is not null) return cached.Meeting;
        // Forget ids that name no meeting, so asking about them leaves nothing behind.
        _cache.TryRemove(meetingId, out _);
        throw new NotFoundException("No such meeting.");
    }

    private sealed class Cached
    {
        private readonly Queue<QueuedCommand> _queued = new();
        private bool _committing;

        public SemaphoreSlim Lock { get; } = new(1, 1);
        public Meeting? Meeting { get; set; }
        public JournalEntry? Last { get; set; }
        /// <summary>When the meeting was last read or changed here (set under the lock).</summary>
        public DateTimeOffset UsedAt { get; set; }

        /// <summary>Queues a command; true if nobody is committing, so the caller must.</summary>
        public bool Queue(QueuedCommand command)
        {
            lock (_queued)
            {
                _queued.Enqueue(command);
                if (_committing) return false;
                return _committing = true;
            }
        }

        /// <summary>Up to <paramref name="most"/> queued commands, leaving out those whose callers gave up before their turn.</summary>
        public List<QueuedCommand> TakeQueued(int most)
        {
            var batch = new List<QueuedCommand>();
            lock (_queued)
                while (batch.Count < most && _queued.TryDequeue(out var command))
                    if (command.StillWanted()) batch.Add(command);
            return batch;
        }

        /// <summary>True if nothing more is queued (and so nobody is committing now); false if the caller must commit again.</summary>
        public bool DoneCommitting()
        {
            lock (_queued) return !(_committing = _queued.Count > 0);
        }

        /// <summary>The sequence the screens here were last handed, while the state is being read again after a failed commit.</summary>
        public long? Forgotten { get; set; }

        /// <summary>Drops the state (it may hold events that were not committed): the next catch-up reads it all again.</summary>
        public void Forget()
        {
            Forgotten ??= Last?.Sequence;
            (Meeting, Last) = (null, null);
        }

        /// <summary>
        /// Lets go of a state nobody here uses (no feed here to hand anything to): held no more, so another instance's
        /// commits do not make this one read it again (<see cref="RefreshAsync"/> passes it by) until someone asks.
        /// </summary>
        public void LetGo() => (Meeting, Last, Forgotten) = (null, null, null);
    }

    /// <summary>A command waiting for its turn: how it decides, then its outcome once its batch is committed or refused.</summary>
    private abstract class QueuedCommand(Actor actor, CancellationToken ct)
    {
        private Exception? _failure;

        public Actor Actor => actor;
        protected int Count { get; private set; }
        protected IReadOnlyList<JournalEntry> Entries { get; private set; } = [];

        /// <summary>False, and the caller told so, if the caller gave up before the command's turn.</summary>
        public bool StillWanted()
        {
            if (!ct.IsCancellationRequested) return true;
            Cancel(ct);
            return false;
        }

        /// <summary>The command's events, or none if the domain refused it (the refusal is then its answer).</summary>
        public MeetingEvent[] Decide(Meeting meeting, DateTimeOffset now)
        {
            (_failure, Count, Entries) = (null, 0, []);
            try
            {
                return DecideOn(meeting, now);
            }
            catch (Exception e)
            {
                _failure = e;
                return [];
            }
        }

        /// <summary>Takes the caller's view of the meeting right after this command's events.</summary>
        public void Decided(Meeting meeting, int count)
        {
            Count = count;
            if (_failure is not null) return;
            try
            {
                View(meeting);
            }
            catch (Exception e)
            {
                _failure = e;
            }
        }

        /// <summary>Takes this command's entries from the batch's, from <paramref name="first"/> on; answers where the next command's begin.</summary>
        public int Committed(IReadOnlyList<JournalEntry> entries, int first)
        {
            Entries = [.. entries.Skip(first).Take(Count)];
            return first + Count;
        }

        /// <summary>The whole batch failed: nothing of it was recorded.</summary>
        public void Failed(Exception e) => _failure = e;

        /// <summary>Gives the caller its answer: what refused it, or its view and entries.</summary>
        public void Reply()
        {
            if (_failure is null) Succeed();
            else Fail(_failure);
        }

        protected abstract MeetingEvent[] DecideOn(Meeting meeting, DateTimeOffset now);
        protected abstract void View(Meeting meeting);
        protected abstract void Succeed();
        protected abstract void Fail(Exception e);
        protected abstract void Cancel(CancellationToken ct);
    }

    private sealed class Command<T>(Actor actor, Func<Meeting, DateTimeOffset, MeetingEvent[]> decide, Func<Meeting, T> view, CancellationToken ct)
        : QueuedCommand(actor, ct)
    {
        private readonly TaskCompletionSource<CommandResult<T>> _answer = new();
        private T _view = default!;

        public Task<CommandResult<T>> Answer => _answer.Task;
        protected override MeetingEvent[] DecideOn(Meeting meeting, DateTimeOffset now) => decide(meeting, now);
        protected override void View(Meeting meeting) => _view = view(meeting);
        protected override void Succeed() => _answer.TrySetResult(new CommandResult<T>(_view, Entries));
        protected override void Fail(Exception e) => _answer.TrySetException(e);
        protected override void Cancel(CancellationToken ct) => _answer.TrySetCanceled(ct);
    }
}
