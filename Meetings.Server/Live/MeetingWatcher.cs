using Meetings.Server.Data;
using Meetings.Server.Domain;
using Meetings.Server.Meetings;
using Microsoft.EntityFrameworkCore;

namespace Meetings.Server.Live;

/// <summary>
/// Keeps live meetings moving when nobody acts: ends turns whose time is up (through the same command path
/// as a clerk, so even with no clerk connected), and picks up what other instances appended so the people
/// connected here see it. Every instance runs one; the journal makes sure a turn ends once.
/// </summary>
public sealed class MeetingWatcher(MeetingStore store, MeetingBroadcaster broadcaster, IServiceScopeFactory scopes, TimeProvider clock, ILogger<MeetingWatcher> log) : BackgroundService
{
    public static TimeSpan Interval { get; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often what nobody here follows or uses is let go (<see cref="Sweep"/>).</summary>
    public static TimeSpan SweepInterval { get; } = TimeSpan.FromMinutes(1);

    private DateTimeOffset _nextSweep;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await TickAsync(stoppingToken);
                await Task.Delay(Interval, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A database hiccup must not stop the timers for good; try again on the next tick.
                log.LogWarning(e, "Watching live meetings failed; retrying.");
                await Task.Delay(Interval, clock, stoppingToken);
            }
        }
    }

    /// <summary>
    /// One pass over the meetings in session and those someone here is watching. Public so tests can drive it. Only a
    /// meeting in session has turns to end, which holds the end of its journal; one merely watched (any meeting anyone
    /// may open, adjourned years ago as well) is read only when another instance has appended to it: one query tells
    /// how far each journal goes, however many meetings are watched (each was read every pass, so screens holding open
    /// every meeting of an archive made the server read every journal twice a second; review, 2026-11-29).
    /// </summary>
    public async Task TickAsync(CancellationToken ct = default)
    {
        List<Guid> live;
        List<(Guid Id, long Head)> watched;
        var following = broadcaster.Watched;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var meetings = scope.ServiceProvider.GetRequiredService<MeetingsDbContext>().Meetings.AsNoTracking();
            live = await meetings.Where(m => m.Status == MeetingStatus.Live || m.Status == MeetingStatus.Recessed).Select(m => m.Id).ToListAsync(ct);
            List<Guid> others = [.. following.Except(live)];
            watched = others.Count == 0 ? [] : [.. (await meetings.Where(m => others.Contains(m.Id)).Select(m => new { m.Id, m.LastSequence }).ToListAsync(ct))
                .Select(m => (m.Id, m.LastSequence))];
        }
        Sweep(live);
        foreach (var id in live.Concat(watched.Where(m => m.Head > (store.HeldSequence(m.Id) ?? long.MaxValue)).Select(m => m.Id)))
        {
            try
            {
                if (live.Contains(id)) await store.ExecuteAsync(id, Actor.System, (m, now) => m.ExpireTurn(now), ct);
                else await store.RefreshAsync(id, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One meeting's trouble must not hold up the timers of the others.
                log.LogWarning(e, "Watching meeting {MeetingId} failed; will retry.", id);
            }
        }
    }

    /// <summary>
    /// Once a minute, drops the live feeds nobody here has followed for ten minutes and the state of the meetings
    /// nobody here has used for as long (none in session, none with a feed here): memory in step with what people are
    /// watching now, not with everything anyone ever opened.
    /// </summary>
    private void Sweep(List<Guid> live)
    {
        var now = clock.GetUtcNow();
        if (now < _nextSweep) return;
        _nextSweep = now + SweepInterval;
        var feeds = broadcaster.Sweep();
        // A meeting keeps its state while it has a feed here: the feed is brought what other instances append from it.
        var meetings = store.Sweep(now - MeetingBroadcaster.KeptUnfollowed, id => live.Contains(id) || broadcaster.Current(id) is not null);
        if (feeds + meetings > 0) log.LogInformation("Let go of {Feeds} live feeds and {Meetings} meetings nobody here followed or used lately.", feeds, meetings);
    }
}
