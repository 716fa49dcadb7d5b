using System.Collections.Concurrent;
using System.Threading.Channels;
using Meetings.Server.Data;
using Meetings.Server.Journal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Meetings.Server.Followers;

/// <summary>The meetings this instance has just committed to, for the followers to wake on. Raised after the commit.</summary>
public sealed class CommitSignal
{
    public event Action<Guid>? Committed;

    public void Raise(Guid meetingId) => Committed?.Invoke(meetingId);
}

/// <summary>
/// Runs every <see cref="IJournalFollower"/>, each on a lane of its own so that a slow one (a slow query, Twilio
/// down) holds up neither the meeting nor the other followers. A lane works through a meeting's events after its
/// checkpoint when this instance commits to that meeting (at once), and on start-up and every
/// <see cref="Interval"/> it looks for any meeting whose journal is ahead of its checkpoint (a crash between a
/// commit and its consequences, another instance's commits, an earlier failure). Every instance runs every
/// follower: followers are safe to run twice, and the checkpoint only moves forward.
/// </summary>
public sealed class JournalFollowers : BackgroundService
{
    public static TimeSpan Interval { get; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The least time from one pass of a lane to its next. A pass ends in a write (the checkpoint), and on the embedded
    /// database every write waits its turn with the journal's: a pass per commit during a flood of sign-ups doubled the
    /// writes the sign-ups waited behind. A lane woken sooner waits out the rest, and its next pass takes in every commit
    /// made meanwhile; a lone change is followed at once. Kept on <see cref="PaceClock"/>: it paces work, it dates nothing.
    /// </summary>
    public static TimeSpan Gap { get; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The key of the clock that keeps <see cref="Gap"/>: real time, unless a test stands in its own.</summary>
    public const string PaceClock = "follower-pace";
    private const int Page = 500;

    private readonly Lane[] _lanes;
    private readonly IServiceScopeFactory _scopes;
    private readonly FollowerFaults _faults;
    private readonly TimeProvider _clock;
    private readonly ILogger<JournalFollowers> _log;

    public JournalFollowers(IEnumerable<IJournalFollower> followers, CommitSignal commits, IServiceScopeFactory scopes, FollowerFaults faults,
        TimeProvider clock, [FromKeyedServices(PaceClock)] TimeProvider pace, ILogger<JournalFollowers> log)
    {
        (_scopes, _faults, _clock, _log) = (scopes, faults, clock, log);
        _lanes = [.. followers.Select(f => new Lane(f, pace))];
        commits.Committed += id =>
        {
            foreach (var lane in _lanes) lane.Wake(id);
        };
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(_lanes.Select(l => Task.Run(() => RunAsync(l, stoppingToken), stoppingToken)));

    private async Task RunAsync(Lane lane, CancellationToken ct)
    {
        var nextSweep = DateTimeOffset.MinValue;
        try
        {
            while (true)
            {
                try
                {
                    await lane.KeepTheGapAsync(ct);
                    var meetings = lane.TakeWoken();
                    // At least every interval, however often this instance's own commits wake the lane: a hearing that
                    // never pauses five seconds would otherwise never look for another instance's commits.
                    if (_clock.GetUtcNow() >= nextSweep)
                    {
                        meetings.UnionWith(await BehindAsync(lane.Follower.Name, ct));
                        nextSweep = _clock.GetUtcNow() + Interval;
                    }
                    foreach (var meetingId in meetings)
                        if (!await FollowAsync(lane, meetingId, ct)) lane.Retry(meetingId);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    // The database may be briefly unavailable: the next pass sweeps for whatever is still behind.
                    _log.LogWarning(e, "The {Follower} follower could not look for work; retrying.", lane.Follower.Name);
                    nextSweep = DateTimeOffset.MinValue;
                }
                await lane.WaitAsync(Interval, _clock, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Works through one meeting's events after the follower's checkpoint, a page at a time, moving the checkpoint after each.</summary>
    private async Task<bool> FollowAsync(Lane lane, Guid meetingId, CancellationToken ct)
    {
        var name = lane.Follower.Name;
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<MeetingsDbContext>();
            var journal = scope.ServiceProvider.GetRequiredService<MeetingJournal>();
            var after = await db.FollowerCheckpoints.AsNoTracking().Where(c => c.Follower == name && c.MeetingId == meetingId)
                .Select(c => (long?)c.Sequence).FirstOrDefaultAsync(ct) ?? 0;
            while (true)
            {
                var entries = await journal.ReadAsync(meetingId, after, Page, ct);
                if (entries.Count == 0) return true;
                _faults.At(name, meetingId, FollowerStage.BeforeActing);
                await lane.Follower.FollowAsync(new FollowedEvents(meetingId, entries, [.. entries.Select(EventSerializer.Deserialize)]), ct);
                _faults.At(name, meetingId, FollowerStage.BeforeCheckpoint);
                after = entries[^1].Sequence;
                await CheckpointAsync(db, name, meetingId, after, ct);
                if (entries.Count < Page) return true;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Its checkpoint did not move, so the next sweep hands the same events over again.
            _log.LogWarning(e, "The {Follower} follower failed on meeting {MeetingId}; it will try again.", name, meetingId);
            return false;
        }
    }

    private static async Task CheckpointAsync(MeetingsDbContext db, string follower, Guid meetingId, long sequence, CancellationToken ct)
    {
        var moved = await db.FollowerCheckpoints.Where(c => c.Follower == follower && c.MeetingId == meetingId && c.Sequence < sequence)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Sequence, sequence), ct);
        if (moved > 0 || await db.FollowerCheckpoints.AnyAsync(c => c.Follower == follower && c.MeetingId == meetingId, ct)) return;
        db.FollowerCheckpoints.Add(new FollowerCheckpoint { Follower = follower, MeetingId = meetingId, Sequence = sequence });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another instance wrote the first checkpoint at the same moment; at worst these events are handled again.
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>The meetings whose journal is ahead of the follower's checkpoint.</summary>
    private async Task<IEnumerable<Guid>> BehindAsync(string follower, CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeetingsDbContext>();
        return await (
            from m in db.Meetings.AsNoTracking()
            join c in db.FollowerCheckpoints.AsNoTracking().Where(c => c.Follower == follower) on m.Id equals c.MeetingId into done
            from c in done.DefaultIfEmpty()
            where m.LastSequence > (c == null ? 0 : c.Sequence)
            select m.Id).ToListAsync(ct);
    }

    /// <summary>One follower's work: the meetings committed to since it last looked, and a bell that wakes it.</summary>
    private sealed class Lane(IJournalFollower follower, TimeProvider pace)
    {
        private readonly ConcurrentDictionary<Guid, byte> _woken = new();
        private readonly Channel<bool> _bell = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        private long? _passed;

        public IJournalFollower Follower { get; } = follower;

        public void Wake(Guid meetingId)
        {
            _woken.TryAdd(meetingId, 0);
            _bell.Writer.TryWrite(true);
        }

        /// <summary>Keeps a meeting for the next pass without ringing: a failure is retried on the next commit or sweep, not in a loop.</summary>
        public void Retry(Guid meetingId) => _woken.TryAdd(meetingId, 0);

        /// <summary>
        /// Waits until <see cref="Gap"/> has passed since the last pass began, then marks this one's start. A ring heard
        /// meanwhile is taken in by this pass, so it is answered here, not by an empty pass that would start the gap anew.
        /// </summary>
        public async Task KeepTheGapAsync(CancellationToken ct)
        {
            var left = _passed is { } passed ? Gap - pace.GetElapsedTime(passed) : TimeSpan.Zero;
            if (left > TimeSpan.Zero) await Task.Delay(left, pace, ct);
            _bell.Reader.TryRead(out _);
            _passed = pace.GetTimestamp();
        }

        public HashSet<Guid> TakeWoken()
        {
            var taken = new HashSet<Guid>();
            foreach (var id in _woken.Keys)
                if (_woken.TryRemove(id, out _)) taken.Add(id);
            return taken;
        }

        /// <summary>Waits for a commit or for the interval.</summary>
        public async Task WaitAsync(TimeSpan interval, TimeProvider clock, CancellationToken ct)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var timer = Task.Delay(interval, clock, stop.Token);
            var rung = _bell.Reader.WaitToReadAsync(stop.Token).AsTask();
            await Task.WhenAny(timer, rung);
            await stop.CancelAsync();
            ct.ThrowIfCancellationRequested();
            _bell.Reader.TryRead(out _);
        }
    }
}

public static class FollowerRegistration
{
    /// <summary>The journal's followers: checkpoints in the database, one lane per follower, the commit signal they wake on.</summary>
    public static IHostApplicationBuilder AddFollowers(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CommitSignal>();
        builder.Services.AddSingleton<FollowerFaults>();
        builder.Services.TryAddKeyedSingleton(JournalFollowers.PaceClock, TimeProvider.System);
        builder.Services.AddSingleton<JournalFollowers>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<JournalFollowers>());
        return builder;
    }
}
