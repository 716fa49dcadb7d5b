using System.Diagnostics;
using System.Net;

namespace Meetings.Bench;

/// <summary>
/// Many viewers' sockets, and the marks they are timed against: a mark is a moment and a sequence number, and each
/// viewer records how long after that moment it first held that sequence (zero if it already did).
/// </summary>
internal sealed class Crowd : IAsyncDisposable
{
    private readonly Mark[] _marks = new Mark[8192];
    private volatile int _markCount;
    private readonly List<HubSocket> _viewers = [];

    public IReadOnlyList<HubSocket> Viewers => _viewers;
    public int Count => _viewers.Count;

    /// <summary>Connects viewers up to <paramref name="total"/>, <paramref name="parallel"/> at a time, each from one of many loopback addresses.</summary>
    public async Task<List<double>> GrowAsync(int total, Func<int, Task<HubSocket>> connect, int parallel, CancellationToken ct)
    {
        var took = new List<double>();
        using var gate = new SemaphoreSlim(parallel);
        var tasks = Enumerable.Range(_viewers.Count, Math.Max(0, total - _viewers.Count)).Select(async i =>
        {
            await gate.WaitAsync(ct);
            try
            {
                var started = Stopwatch.GetTimestamp();
                var viewer = await connect(i);
                viewer.Updated = Heard;
                lock (took) took.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                return viewer;
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        var joined = await Task.WhenAll(tasks);
        _viewers.AddRange(joined.OrderBy(v => v.Index));
        return took;
    }

    /// <summary>
    /// After the server went away: every viewer connects and joins again (given the socket it had), <paramref name="parallel"/> at a time at most,
    /// trying again as the resident page and the web client do (<see cref="Pause"/>) until it is in or <paramref name="within"/> is up.
    /// Answers the seconds each took to be back. <paramref name="connect"/> answers null when the server refused.
    /// </summary>
    public async Task<List<double>> RejoinAsync(Func<HubSocket, Task<HubSocket?>> connect, int parallel, TimeSpan within, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var took = new List<double>();
        using var gate = new SemaphoreSlim(parallel);
        var back = await Task.WhenAll(_viewers.Select(async gone =>
        {
            await gone.DisposeAsync();
            for (var attempt = 0; Stopwatch.GetElapsedTime(started) < within; attempt++)
            {
                await Task.Delay(Pause(attempt), ct);
                await gate.WaitAsync(ct);
                try
                {
                    var viewer = await connect(gone);
                    if (viewer is null) continue;
                    viewer.Updated = Heard;
                    lock (took) took.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
                    return viewer;
                }
                catch (Exception e) when (e is not OperationCanceledException) { }
                finally
                {
                    gate.Release();
                }
            }
            return null;
        }));
        _viewers.Clear();
        _viewers.AddRange(back.OfType<HubSocket>());
        return took;
    }

    /// <summary>The clients' pause before each try to reconnect: at once, then 0.5-1.5 s for ten tries, then 8-12 s (resident.js, LiveMeeting.cs).</summary>
    public static TimeSpan Pause(int attempt) => TimeSpan.FromSeconds(attempt switch
    {
        0 => 0,
        < 10 => 0.5 + Random.Shared.NextDouble(),
        _ => 8 + Random.Shared.NextDouble() * 4,
    });

    /// <summary>A loopback source address for the i-th connection: 127.0.0.2 to 127.0.0.251.</summary>
    public static IPAddress Address(int i) => new([127, 0, 0, (byte)(2 + i % 250)]);

    /// <summary>Places a mark for <paramref name="sequence"/>, timed from now or from <paramref name="since"/> (a timestamp); viewers that already hold it count zero.</summary>
    public Mark Place(long sequence, long? since = null)
    {
        var mark = new Mark(since ?? Stopwatch.GetTimestamp(), sequence, _viewers.Count);
        _marks[_markCount] = mark;
        _markCount++;
        foreach (var viewer in _viewers)
            lock (viewer) Advance(viewer, viewer.Sequence, mark.Start);
        return mark;
    }

    private void Heard(HubSocket viewer, long sequence, long bytes)
    {
        var now = Stopwatch.GetTimestamp();
        lock (viewer) Advance(viewer, sequence, now);
    }

    private void Advance(HubSocket viewer, long sequence, long now)
    {
        while (viewer.NextMark < _markCount)
        {
            var mark = _marks[viewer.NextMark];
            if (mark is null || sequence < mark.Sequence) return;
            mark.Add(Math.Max(0, Stopwatch.GetElapsedTime(mark.Start, now).TotalMilliseconds));
            viewer.NextMark++;
        }
    }

    /// <summary>Waits until every open viewer holds <paramref name="sequence"/>, or the time is up; answers how many do not.</summary>
    public async Task<int> SettleAsync(long sequence, TimeSpan within)
    {
        var until = Stopwatch.GetTimestamp() + (long)(within.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var behind = _viewers.Count(v => Volatile.Read(ref v.Sequence) < sequence);
            if (behind == 0 || Stopwatch.GetTimestamp() > until) return behind;
            await Task.Delay(5);
        }
    }

    /// <summary>SignalR closes a connection that says nothing for 30 s: every viewer pings now and then, as clients do.</summary>
    public async Task PingAsync(CancellationToken ct)
    {
        foreach (var viewer in _viewers.Where(v => !v.Closed))
        {
            try { await viewer.PingAsync(ct); }
            catch (Exception e) when (e is not OperationCanceledException) { }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var chunk in _viewers.Chunk(500)) await Task.WhenAll(chunk.Select(v => v.DisposeAsync().AsTask()));
        _viewers.Clear();
    }
}

/// <summary>A moment, a sequence number, and how long after the moment each viewer held it (ms).</summary>
internal sealed class Mark(long start, long sequence, int viewers)
{
    private readonly float[] _samples = new float[Math.Max(1, viewers)];
    private int _count;

    public long Start { get; } = start;
    public long Sequence { get; } = sequence;

    public void Add(double ms)
    {
        var i = Interlocked.Increment(ref _count) - 1;
        if (i < _samples.Length) _samples[i] = (float)ms;
    }

    public IEnumerable<double> Samples => _samples.Take(Math.Min(_count, _samples.Length)).Select(s => (double)s);
}

internal static class Stats
{
    public static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[(int)Math.Round(p * (sorted.Length - 1))];
    }

    /// <summary>Resident memory of a process, in bytes (Linux).</summary>
    public static long Rss(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>CPU time a process has used so far (user and system), from /proc (Linux, 100 ticks a second).</summary>
    public static TimeSpan Cpu(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }
}

/// <summary>How a server and this load generator share the machine's cores from now on: each one's CPU over the time since.</summary>
internal sealed class CoresShared(int serverPid)
{
    private readonly long _from = Stopwatch.GetTimestamp();
    private readonly TimeSpan _server = Stats.Cpu(serverPid);
    private readonly TimeSpan _own = Process.GetCurrentProcess().TotalProcessorTime;

    /// <summary>The cores each used on average since this was made, to two places.</summary>
    public (double Server, double Generator) Now()
    {
        var wall = Stopwatch.GetElapsedTime(_from).TotalSeconds;
        return (Math.Round((Stats.Cpu(serverPid) - _server).TotalSeconds / wall, 2),
            Math.Round((Process.GetCurrentProcess().TotalProcessorTime - _own).TotalSeconds / wall, 2));
    }
}
