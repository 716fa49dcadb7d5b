namespace Meetings.Server.Live;

/// <summary>
/// Gives memory back once a burst is over. A flood of sign-ups sent to thousands of screens leaves hundreds of
/// megabytes of garbage in the heap's oldest generation; when the server then goes quiet, little is allocated, so no
/// collection comes to free it and the process keeps it (infra/bench.sh, 200 sign-ups a second for 30 s at 10,000
/// viewers: 1.4 GB a minute after, against 0.5 GB idle, and 0.9 GB after one full collection). So when the heap has
/// grown well past where it last settled and the server has been quiet for a whole look, one full compacting
/// collection hands what is free back to the system (and one more at the next quiet look, if the first freed much
/// but left the heap far above where it was: <see cref="Settling"/>). It pauses the server for a moment (a third of
/// a second with 10,000 screens), which a quiet server affords. Quiet means little allocated and no change sent to
/// any screen: ten thousand screens joining grow the heap as much as a flood, and when the collection came while the
/// next changes went out to them, each of those screens got that change a third of a second late. So while changes
/// keep going out at least every <see cref="Interval"/>, the heap waits for the first pause between them. Kestrel's
/// socket blocks that the burst's sends left idle go with it (<see cref="SocketBlocks"/>).
/// </summary>
internal sealed class MemoryAfterBursts(TimeProvider clock, ManagedHeap heap, SocketBlocks sockets, ScreenUpdates updates, ILogger<MemoryAfterBursts> log)
    : BackgroundService
{
    /// <summary>How often the heap is looked at.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>Every so many looks (half a minute), the socket blocks no connection needed meanwhile go by halves.</summary>
    public const int LooksPerTrim = 6;

    private int _looks;

    private readonly Settling _settling = new();
    private readonly PeriodicTimer _timer = new(Interval, clock);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _timer.WaitForNextTickAsync(stoppingToken))
            {
                if (++_looks % LooksPerTrim == 0) sockets.LetGoUnused();
                // The changes sent are read first: one handed on while the heap is read counts for the next look.
                var sent = updates.Sent;
                var before = heap.Committed;
                if (!_settling.Due(heap.Allocated, before, sent)) continue;
                // The sockets' idle blocks first, so the same collection frees them.
                var blocks = sockets.LetGoIdle();
                heap.GiveBack();
                var after = heap.Committed;
                _settling.Collected(before, after);
                log.LogInformation("Quiet after a burst: {Blocks} MB of idle socket blocks let go; the heap went from {Before} MB to {After} MB.",
                    blocks >> 20, before >> 20, after >> 20);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    public override void Dispose()
    {
        _timer.Dispose();
        base.Dispose();
    }
}

/// <summary>The process's managed heap as <see cref="MemoryAfterBursts"/> sees it (a test stands in its own).</summary>
internal class ManagedHeap
{
    /// <summary>Every byte allocated since the process started.</summary>
    public virtual long Allocated => GC.GetTotalAllocatedBytes();

    /// <summary>The memory the heap holds from the system now.</summary>
    public virtual long Committed => GC.GetGCMemoryInfo().TotalCommittedBytes;

    /// <summary>One full, blocking, compacting collection that returns what is free to the system.</summary>
    public virtual void GiveBack() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
}

/// <summary>
/// How many changes have been handed on to screens on this instance (<see cref="MeetingBroadcaster"/> counts them):
/// while any go out, the server is not quiet.
/// </summary>
public sealed class ScreenUpdates
{
    private long _sent;

    public long Sent => Interlocked.Read(ref _sent);

    public void Handed() => Interlocked.Increment(ref _sent);
}

/// <summary>
/// When a burst is over: the heap has grown by <see cref="Growth"/> past where it last settled, less than
/// <see cref="QuietBytes"/> were allocated since the last look (ten thousand idle screens allocate a few megabytes in
/// that time; a flood, hundreds), and no change went out to screens since then. A collection that frees much may
/// still come too soon: the last changes have gone out, but screens far behind may still be reading them from their
/// connections' buffers (infra/bench.sh, 200 sign-ups a second with 10,000 watching, 2026-11-29: in five runs of
/// eleven the server stayed at 1,020-1,115 MB after its one collection, against about 620 MB in the others; logged,
/// a first collection left the heap at 844 MB, and a second, at the next look, took it to 347 MB). So the heap
/// settles where a collection that freed <see cref="Freed"/> or more left it only after one more look: if the heap
/// is still <see cref="Growth"/> past where it was before the burst, the next quiet look collects once more, and the
/// heap settles where that one leaves it (two collections at most for one burst).
/// </summary>
internal sealed class Settling
{
    public const long Growth = 256L << 20;
    public const long QuietBytes = 32L << 20;
    public const long Freed = 64L << 20;

    private long? _settled;
    private long? _allocated;
    private long? _updates;
    // The last collection freed much, so one more look at the heap against where it was before the burst is owed.
    private bool _lookingAgain;

    /// <summary>
    /// Looks at the heap: <paramref name="allocated"/> is every byte allocated so far, <paramref name="committed"/> the
    /// heap's size now, <paramref name="updates"/> every change handed on to screens so far.
    /// </summary>
    public bool Due(long allocated, long committed, long updates)
    {
        var quiet = allocated - _allocated < QuietBytes && updates == _updates;
        (_allocated, _updates) = (allocated, updates);
        // A heap that shrank by itself has settled lower.
        _settled = Math.Min(_settled ?? committed, committed);
        var grown = committed - _settled >= Growth;
        if (!grown) _lookingAgain = false;
        return quiet && grown;
    }

    /// <summary>A collection took the heap from <paramref name="before"/> to <paramref name="after"/>.</summary>
    public void Collected(long before, long after)
    {
        _lookingAgain = !_lookingAgain && before - after >= Freed;
        if (!_lookingAgain) _settled = after;
    }
}
