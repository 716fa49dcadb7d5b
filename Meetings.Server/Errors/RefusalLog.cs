namespace Meetings.Server.Errors;

/// <summary>
/// Refusals (a rule a command broke, bad input, a rate limit, a failed sign-in, a lost race another instance
/// won) are the server working as it should, not errors. Each is one Information line with no stack trace, and
/// at most <see cref="LinesPerMinute"/> of them a minute on each instance: the rest are counted and told in one
/// line when the minute is over, so no client can make the log grow without bound.
/// </summary>
public sealed class RefusalLog(ILogger<RefusalLog> log, TimeProvider clock) : IDisposable
{
    public const int LinesPerMinute = 20;
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private DateTimeOffset _minuteEnds = DateTimeOffset.MinValue;
    private int _logged;
    private int _unlogged;
    private ITimer? _summary;
    private long _total;

    /// <summary>Every refusal noted since start, logged or not.</summary>
    public long Total => Interlocked.Read(ref _total);

    public void Refused(string where, string reason) => Note(LogLevel.Information, where, reason);

    /// <summary>The database could not take a change (full, read-only, gone): a Warning, within the same bound, with no stack trace.</summary>
    public void Unavailable(string where, Exception e) =>
        Note(LogLevel.Warning, where, $"database unavailable ({(e.InnerException ?? e).GetType().Name}: {(e.InnerException ?? e).Message})");

    private void Note(LogLevel level, string where, string reason)
    {
        Interlocked.Increment(ref _total);
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            if (now >= _minuteEnds)
            {
                Summarize();
                (_minuteEnds, _logged) = (now + Minute, 0);
            }
            if (_logged < LinesPerMinute)
            {
                _logged++;
                log.Log(level, "Refused {Where}: {Reason}", where, reason.Length <= 200 ? reason : reason[..200] + "…");
                return;
            }
            if (_unlogged++ == 0)
            {
                _summary?.Dispose();
                _summary = clock.CreateTimer(_ => { lock (_gate) Summarize(); }, null, _minuteEnds - now, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void Summarize()
    {
        if (_unlogged == 0) return;
        log.LogInformation("{Count} more refusals in that minute were counted but not logged one by one.", _unlogged);
        _unlogged = 0;
    }

    public void Dispose() => _summary?.Dispose();
}
