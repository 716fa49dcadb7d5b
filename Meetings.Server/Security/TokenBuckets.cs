using System.Collections.Concurrent;

namespace Meetings.Server.Security;

/// <summary>
/// Token buckets by key (a connection, an address), on the app's clock: each holds up to <c>burst</c> tokens
/// and gains <c>perSecond</c> tokens a second. The framework's rate limiters refill on the wall clock; these
/// refill on <see cref="TimeProvider"/>, so a test decides exactly how much time has passed.
/// </summary>
internal sealed class TokenBuckets(int burst, double perSecond, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new();
    private readonly TimeSpan _refill = TimeSpan.FromSeconds(burst / perSecond);
    private long _nextSweep = clock.GetTimestamp();

    /// <summary>How long an empty bucket takes to gain a token.</summary>
    public TimeSpan OneToken { get; } = TimeSpan.FromSeconds(1 / perSecond);

    /// <summary>Takes one token from <paramref name="key"/>'s bucket; false when it is empty.</summary>
    public bool TryTake(string key)
    {
        var now = clock.GetTimestamp();
        Sweep(now);
        var bucket = _buckets.GetOrAdd(key, _ => new Bucket(burst, now));
        lock (bucket)
        {
            bucket.Refill(Level(bucket, now), now);
            if (bucket.Tokens < 1) return false;
            bucket.Tokens -= 1;
            return true;
        }
    }

    /// <summary>Puts back a token taken for a request that something else then refused.</summary>
    public void GiveBack(string key)
    {
        if (!_buckets.TryGetValue(key, out var bucket)) return;
        lock (bucket) bucket.Tokens = Math.Min(burst, bucket.Tokens + 1);
    }

    private double Level(Bucket bucket, long now) =>
        Math.Min(burst, bucket.Tokens + clock.GetElapsedTime(bucket.At, now).TotalSeconds * perSecond);

    // A bucket left alone until it is full again is the same as no bucket: forget it, so memory does not grow
    // with every connection ever seen. Looked at once per refill time, never on every call.
    private void Sweep(long now)
    {
        var due = Interlocked.Read(ref _nextSweep);
        if (now < due || Interlocked.CompareExchange(ref _nextSweep, now + (long)(_refill.TotalSeconds * clock.TimestampFrequency), due) != due) return;
        foreach (var (key, bucket) in _buckets)
            lock (bucket)
                if (Level(bucket, now) >= burst) _buckets.TryRemove(new KeyValuePair<string, Bucket>(key, bucket));
    }

    private sealed class Bucket(double tokens, long at)
    {
        public double Tokens { get; set; } = tokens;
        public long At { get; private set; } = at;

        public void Refill(double tokens, long now) => (Tokens, At) = (tokens, now);
    }
}
