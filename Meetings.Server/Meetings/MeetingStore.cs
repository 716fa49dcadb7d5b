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
/// from the journal before every command, so commands never replay a whole journal and another instance's
/// appends are seen. Commands on one meeting run one at a time here; across instances the journal's unique
/// (meeting, sequence) index decides, and the loser catches up and decides again. After a commit, the live
/// push goes out at once and the journal's followers are woken for everything else that follows from it.
/// </summary>
public sealed class MeetingStore(IServiceScopeFactory scopes, TimeProvider clock, MeetingBroadcaster broadcaster, CommitSignal commits, ILogger<MeetingStore> log)
{
    private const int Attempts = 5;
    private readonly ConcurrentDictionary<Guid, Cached> _cache = new();

    /// <summary>Runs a command: decide against current state, append, then apply. Throws what the domain refuses.</summary>
    public async Task<IReadOnlyList<JournalEntry>> ExecuteAsync(
        Guid meetingId, Actor actor, Func<Meeting, DateTimeOffset, MeetingEvent[]> decide, CancellationToken ct = default) =>
        (await ExecuteAsync(meetingId, actor, decide, _ => 0, ct)).Entries;

    /// <summary>
    /// Runs a command and takes <paramref name="view"/> of the meeting as it stands right after, still under the
    /// meeting's lock: the cached state is never handed out, since the next command changes it in place.
    /// </summary>
    public async Task<CommandResult<T>> ExecuteAsync<T>(
        Guid meetingId, Actor actor, Func<Meeting, DateTimeOffset, MeetingEvent[]> decide, Func<Meeting, T> view, CancellationToken ct = default)
    {
        var cached = _cache.GetOrAdd(meetingId, _ => new Cached());
        await cached.Lock.WaitAsync(ct);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                await using var scope = scopes.CreateAsyncScope();
                var journal = scope.ServiceProvider.GetRequiredService<MeetingJournal>();
                var meeting = await CatchUpAsync(meetingId, cached, journal, ct);
                var now = clock.GetUtcNow();
                var events = decide(meeting, now);
                if (events.Length == 0) return new CommandResult<T>(view(meeting), []);
                try
                {
                    var entries = await journal.AppendAsync(meetingId, cached.Last, events, actor, now, ct);
                    foreach (var e in events) meeting.Apply(e);
                    cached.Last = entries[^1];
                    await broadcaster.PublishAsync(meeting, entries);
                    commits.Raise(meetingId);
                    return new CommandResult<T>(view(meeting), entries);
                }
                catch (JournalConflictException) when (attempt < Attempts)
                {
                    log.LogInformation("Meeting {MeetingId} was changed elsewhere; catching up (attempt {Attempt}).", meetingId, attempt);
                }
                catch (JournalConflictException)
                {
                    throw new ConflictException("The meeting changed while this was being recorded; please try again.");
                }
            }
        }
        finally
        {
            cached.Lock.Release();
        }
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

    /// <summary>Reads a meeting's current state through <paramref name="view"/>, under the meeting's lock so the state is not changing meanwhile.</summary>
    public async Task<T> ReadAsync<T>(Guid meetingId, Func<Meeting, T> view, CancellationToken ct = default)
    {
        var cached = _cache.GetOrAdd(meetingId, _ => new Cached());
        await cached.Lock.WaitAsync(ct);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            return view(await CatchUpAsync(meetingId, cached, scope.ServiceProvider.GetRequiredService<MeetingJournal>(), ct));
        }
        finally
        {
            cached.Lock.Release();
        }
    }

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
            if (cached.Meeting is null) return;
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
            if (cached.Meeting is null) cached.Meeting = Meeting.FromHistory(events);
            else
            {
                foreach (var e in events) cached.Meeting.Apply(e);
                await broadcaster.PublishAsync(cached.Meeting, missed);
            }
            cached.Last = missed[^1];
        }
        if (cached.Meeting is not null) return cached.Meeting;
        // Forget ids that name no meeting, so asking about them leaves nothing behind.
        _cache.TryRemove(meetingId, out _);
        throw new NotFoundException("No such meeting.");
    }

    private sealed class Cached
    {
        public SemaphoreSlim Lock { get; } = new(1, 1);
        public Meeting? Meeting { get; set; }
        public JournalEntry? Last { get; set; }
    }
}
