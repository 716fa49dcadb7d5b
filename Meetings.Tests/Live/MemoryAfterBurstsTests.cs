using Meetings.Server.Live;
using Meetings.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Meetings.Tests.Live;

/// <summary>
/// After a burst the server gives the heap's garbage back to the system once it has gone quiet, and never while the
/// burst lasts. (What that saves is measured by infra/bench.sh, not here.)
/// </summary>
public class MemoryAfterBurstsTests
{
    private const long MB = 1 << 20;

    [Test]
    public async Task AHeapGrownByAFlood_IsGivenBackOnceTheServerIsQuiet_OnlyThen_AndAtMostTwice()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        // What the flood left alive (buffers its connections keep) holds the heap above where it was before.
        var sockets = new SocketBlocks();
        var heap = new Heap(sockets) { AllocatedNow = 1000 * MB, CommittedNow = 300 * MB, AfterGivingBack = [800 * MB] };
        using var service = new MemoryAfterBursts(clock, heap, sockets, new ScreenUpdates(), NullLogger<MemoryAfterBursts>.Instance);
        await service.StartAsync(CancellationToken.None);
        await Look(clock, heap);

        // A flood: each look, 200 MB more allocated and 400 MB more held; its sends left a thousand socket blocks idle.
        using var pool = sockets.Create();
        var blocks = Enumerable.Range(0, 1000).Select(_ => pool.Rent()).ToList();
        blocks.ForEach(b => b.Dispose());
        for (var i = 0; i < 5; i++)
        {
            (heap.AllocatedNow, heap.CommittedNow) = (heap.AllocatedNow + 200 * MB, heap.CommittedNow + 400 * MB);
            await Look(clock, heap);
        }
        Assert.That(heap.GivenBack, Is.Zero, "nothing is collected while the flood lasts");
        Assert.That(sockets.Idle, Is.EqualTo(1000 * SocketBlocks.BlockSize), "nor are the sockets' blocks let go");

        await QuietLooks(clock, heap, 1);
        await Wait.Until(() => heap.GivenBack == 1, "the heap given back once the server is quiet");
        Assert.That(heap.IdleSocketBytesWhenGivenBack, Is.Zero, "the sockets' idle blocks let go before the collection, so it frees them");
        await QuietLooks(clock, heap, 3);
        // The collection freed much, but left the heap far above where it was: one more look, and the second frees nothing.
        Assert.That(heap.GivenBack, Is.EqualTo(2), "twice: once more, since the first freed much, then settled where the second left it");
        await service.StopAsync(CancellationToken.None);
    }

    [Test]
    public async Task ACollectionThatCameWhileTheFloodsLastSendsStillHeldTheirBuffers_IsFollowedByOneMore_ThatGivesThemBack()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        // The first collection comes while screens still read the flood's last updates; by the next look they have them.
        var heap = new Heap { AllocatedNow = 1000 * MB, CommittedNow = 300 * MB, AfterGivingBack = [1000 * MB, 320 * MB] };
        using var service = new MemoryAfterBursts(clock, heap, new SocketBlocks(), new ScreenUpdates(), NullLogger<MemoryAfterBursts>.Instance);
        await service.StartAsync(CancellationToken.None);
        await Look(clock, heap);
        (heap.AllocatedNow, heap.CommittedNow) = (heap.AllocatedNow + 2000 * MB, 1600 * MB);
        await Look(clock, heap);

        await QuietLooks(clock, heap, 4);

        Assert.That(heap.GivenBack, Is.EqualTo(2), "given back at the first quiet look, and again at the next, then settled");
        Assert.That(heap.CommittedNow, Is.EqualTo(320 * MB), "back near where it was before the flood");
        await service.StopAsync(CancellationToken.None);
    }

    [Test]
    public async Task SocketBlocksNobodyNeeds_GoByHalvesEveryHalfMinute_WithoutABurst()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var sockets = new SocketBlocks();
        var heap = new Heap(sockets) { AllocatedNow = 1000 * MB, CommittedNow = 300 * MB, AfterGivingBack = [300 * MB] };
        using var service = new MemoryAfterBursts(clock, heap, sockets, new ScreenUpdates(), NullLogger<MemoryAfterBursts>.Instance);
        using var pool = sockets.Create();
        Enumerable.Range(0, 1000).Select(_ => pool.Rent()).ToList().ForEach(b => b.Dispose());
        await service.StartAsync(CancellationToken.None);

        await QuietLooks(clock, heap, 2 * MemoryAfterBursts.LooksPerTrim);
        Assert.That(sockets.Idle, Is.EqualTo(500 * SocketBlocks.BlockSize), "a minute: half of those left idle since the first half-minute");
        Assert.That(heap.GivenBack, Is.Zero, "no burst, no collection");
        await service.StopAsync(CancellationToken.None);
    }

    [Test]
    public async Task AHeapGrownByScreensJoining_IsNotCollectedWhileChangesGoOutToThem_ButAtTheFirstLookWithNone()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var heap = new Heap { AllocatedNow = 1000 * MB, CommittedNow = 300 * MB, AfterGivingBack = [500 * MB] };
        var updates = new ScreenUpdates();
        using var service = new MemoryAfterBursts(clock, heap, new SocketBlocks(), updates, NullLogger<MemoryAfterBursts>.Instance);
        await service.StartAsync(CancellationToken.None);
        await Look(clock, heap);

        // Ten thousand screens join: much allocated, and the heap 300 MB larger with what they keep.
        (heap.AllocatedNow, heap.CommittedNow) = (heap.AllocatedNow + 600 * MB, 600 * MB);
        await Look(clock, heap);
        // Then the clerk's changes go out to them: little is allocated, but a change goes out between each two looks.
        for (var i = 0; i < 3; i++)
        {
            heap.AllocatedNow += 4 * MB;
            updates.Handed();
            await Look(clock, heap);
        }
        heap.AllocatedNow += 4 * MB;
        var quiet = heap.Looks + 1;
        await Look(clock, heap);

        await Wait.Until(() => heap.GivenBack == 1, "the heap given back once no change goes out");
        Assert.That(heap.GivenBackAtLook, Is.EqualTo(quiet), "at the first look with no change sent since the one before, not while they went out");
        await service.StopAsync(CancellationToken.None);
    }

    [Test]
    public void AQuietHeap_IsDueOnlyWhenItHasGrownFarPastWhereItLastSettled()
    {
        var settling = new Settling();
        Assert.That(settling.Due(allocated: 0, committed: 500 * MB, updates: 0), Is.False, "the first look only sees where it stands");
        Assert.That(settling.Due(1 * MB, 700 * MB, 0), Is.False, "quiet, but grown by less than 256 MB");
        Assert.That(settling.Due(2 * MB, 300 * MB, 0), Is.False, "it shrank by itself, so it settled lower");
        Assert.That(settling.Due(3 * MB, 560 * MB, 1), Is.False, "grown 260 MB past where it settled, but a change went out");
        Assert.That(settling.Due(3 * MB, 560 * MB, 1), Is.True, "quiet, and 260 MB past where it settled");
        settling.Collected(560 * MB, 520 * MB);
        Assert.That(settling.Due(4 * MB, 530 * MB, 1), Is.False, "a collection that freed little: settled where it left the heap");
        Assert.That(settling.Due(4 * MB + Settling.QuietBytes, 900 * MB, 1), Is.False, "not while allocating");
    }

    [Test]
    public void ACollectionThatFreedMuch_IsFollowedByOneMoreLook_AgainstWhereTheHeapWasBeforeTheBurst()
    {
        var settling = new Settling();
        settling.Due(allocated: 0, committed: 300 * MB, updates: 0);
        Assert.That(settling.Due(1 * MB, 1600 * MB, 0), Is.True, "a burst, then quiet");

        settling.Collected(1600 * MB, 1000 * MB);
        Assert.That(settling.Due(2 * MB, 1000 * MB, 0), Is.True, "it freed 600 MB and left the heap 700 MB past where it was: once more");
        settling.Collected(1000 * MB, 900 * MB);
        Assert.That(settling.Due(3 * MB, 900 * MB, 0), Is.False, "the second settles where it left the heap, however much it freed");

        Assert.That(settling.Due(4 * MB, 1400 * MB, 0), Is.True, "the next burst");
        settling.Collected(1400 * MB, 1000 * MB);
        Assert.That(settling.Due(5 * MB, 1000 * MB, 0), Is.False, "back within 256 MB of where it settled: no second look");
        Assert.That(settling.Due(6 * MB, 1300 * MB, 0), Is.True, "grown past it again: a new burst");
        settling.Collected(1300 * MB, 1200 * MB);
        Assert.That(settling.Due(7 * MB, 1200 * MB, 0), Is.True, "which gets its own second look");
    }

    /// <summary>Lets the service's next look happen, and waits until it has.</summary>
    /// <summary><paramref name="count"/> looks at a quiet server: a few megabytes of pings between each two.</summary>
    private static async Task QuietLooks(FakeTimeProvider clock, Heap heap, int count)
    {
        for (var i = 0; i < count; i++)
        {
            heap.AllocatedNow += 4 * MB;
            await Look(clock, heap);
        }
    }

    private static async Task Look(FakeTimeProvider clock, Heap heap)
    {
        var looks = heap.Looks;
        clock.Advance(MemoryAfterBursts.Interval);
        await Wait.Until(() => heap.Looks > looks, "the next look at the heap");
    }

    /// <summary>A heap whose readings the test sets; it counts the looks and the collections.</summary>
    private sealed class Heap(SocketBlocks? sockets = null) : ManagedHeap
    {
        private int _looks;
        private int _givenBack;

        public long AllocatedNow { get; set; }
        public long CommittedNow { get; set; }
        /// <summary>What the heap holds after each collection in turn; the last one after any more.</summary>
        public long[] AfterGivingBack { get; init; } = [];
        public int Looks => Volatile.Read(ref _looks);
        public int GivenBack => Volatile.Read(ref _givenBack);

        /// <summary>The look at which the heap was last given back.</summary>
        public int GivenBackAtLook { get; private set; }

        public override long Allocated
        {
            get
            {
                Interlocked.Increment(ref _looks);
                return AllocatedNow;
            }
        }

        public override long Committed => CommittedNow;

        /// <summary>What the sockets' pools held idle when the heap was last given back.</summary>
        public long IdleSocketBytesWhenGivenBack { get; private set; } = -1;

        public override void GiveBack()
        {
            IdleSocketBytesWhenGivenBack = sockets?.Idle ?? 0;
            CommittedNow = AfterGivingBack[Math.Min(GivenBack, AfterGivingBack.Length - 1)];
            GivenBackAtLook = Looks;
            Interlocked.Increment(ref _givenBack);
        }
    }
}
