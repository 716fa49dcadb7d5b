using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections;

namespace Meetings.Server.Live;

/// <summary>
/// The 4 KB blocks Kestrel reads and writes its sockets with, pooled as Kestrel pools them, but given back when a
/// burst is over. A flood sent to ten thousand screens leaves their sends buffered in these blocks (64 MB before
/// 200 sign-ups a second, 193 MB after: infra/bench.sh), and Kestrel's own pool lets go of 1% of its idle blocks every
/// 10 s while any connection is active, which ten thousand idle screens' pings always are: the process stayed
/// hundreds of megabytes above its idle size. <see cref="MemoryAfterBursts"/> asks this pool to let go of every
/// block no connection holds just before it gives the heap back, once the server is quiet; and, every half minute
/// however busy, of half the blocks that no connection needed since the last time (<see cref="LetGoUnused"/>).
/// </summary>
public sealed class SocketBlocks : IMemoryPoolFactory<byte>
{
    /// <summary>Kestrel's block size: most systems' page, and what its transports expect.</summary>
    public const int BlockSize = 4096;

    private readonly ConcurrentDictionary<Pool, bool> _pools = new();

    public MemoryPool<byte> Create(MemoryPoolOptions? options = null)
    {
        var pool = new Pool(this);
        _pools[pool] = true;
        return pool;
    }

    /// <summary>Blocks taken out of these pools since the process started (a block used again counts again).</summary>
    public long Rented => _pools.Keys.Sum(p => p.Rented);

    /// <summary>Blocks made since the process started: taken when none was idle.</summary>
    public long Made => _pools.Keys.Sum(p => p.Made);

    /// <summary>The bytes held in blocks no connection is using now.</summary>
    public long Idle => _pools.Keys.Sum(p => p.IdleBytes);

    /// <summary>Lets go of every block no connection holds; the next collection frees them. Returns the bytes let go.</summary>
    public long LetGoIdle() => _pools.Keys.Sum(p => p.LetGoIdle(int.MaxValue));

    /// <summary>
    /// Lets go of half the blocks that stayed idle all the while since the last call (the fewest idle at any moment):
    /// what a steady load uses is kept, what a past burst left goes by halves. Returns the bytes let go.
    /// </summary>
    public long LetGoUnused() => _pools.Keys.Sum(p => p.LetGoUnused());

    private sealed class Pool(SocketBlocks owner) : MemoryPool<byte>
    {
        private readonly ConcurrentQueue<Block> _idle = new();
        private long _rented;
        private long _made;
        // Blocks idle now, and the fewest idle at any moment since the last LetGoUnused (a race only blurs it by a block).
        private int _idleCount;
        private int _fewestIdle;
        private volatile bool _disposed;

        public override int MaxBufferSize => BlockSize;
        public long Rented => Interlocked.Read(ref _rented);
        public long Made => Interlocked.Read(ref _made);
        public long IdleBytes => (long)Volatile.Read(ref _idleCount) * BlockSize;

        public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
            ObjectDisposedException.ThrowIf(_disposed, this);
            Interlocked.Increment(ref _rented);
            if (_idle.TryDequeue(out var block))
            {
                var left = Interlocked.Decrement(ref _idleCount);
                if (left < Volatile.Read(ref _fewestIdle)) Volatile.Write(ref _fewestIdle, left);
                return block;
            }
            Volatile.Write(ref _fewestIdle, 0);
            Interlocked.Increment(ref _made);
            return new Block(this);
        }

        public void Return(Block block)
        {
            if (_disposed) return;
            _idle.Enqueue(block);
            Interlocked.Increment(ref _idleCount);
        }

        public long LetGoIdle(int most)
        {
            long bytes = 0;
            for (var n = Math.Min(most, Volatile.Read(ref _idleCount)); n > 0 && _idle.TryDequeue(out _); n--)
            {
                Interlocked.Decrement(ref _idleCount);
                bytes += BlockSize;
            }
            return bytes;
        }

        public long LetGoUnused()
        {
            var bytes = LetGoIdle(Volatile.Read(ref _fewestIdle) / 2);
            Volatile.Write(ref _fewestIdle, Volatile.Read(ref _idleCount));
            return bytes;
        }

        protected override void Dispose(bool disposing)
        {
            _disposed = true;
            _idle.Clear();
            Volatile.Write(ref _idleCount, 0);
            owner._pools.TryRemove(this, out _);
        }
    }

    /// <summary>
    /// A block on the pinned heap, as Kestrel's are: a socket's send or receive needs its memory not to move, and
    /// pinning it there costs nothing per send, where pinning an ordinary array would cost a handle each time.
    /// </summary>
    private sealed class Block(Pool pool) : IMemoryOwner<byte>
    {
        public Memory<byte> Memory { get; } = MemoryMarshal.CreateFromPinnedArray(GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true), 0, BlockSize);

        public void Dispose() => pool.Return(this);
    }
}
