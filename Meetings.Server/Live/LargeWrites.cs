using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace Meetings.Server.Live;

/// <summary>
/// Writes a hub connection's large messages into its pipe in large blocks. SignalR hands each update to a screen to
/// the connection's pipe in one write, and a pipe copies a long one into blocks of 4 KB, a segment each. Once sent,
/// the segments go back to that pipe's own pool and stay there for the life of the connection, up to 256 of them
/// (dotnet/runtime#49259). So the flood's largest update, 900 KB, left 220 segments with each screen that got it:
/// 2.3 million at 10,000 screens, 244 MB, most of what the server still held over its idle size a minute after the
/// flood (infra/bench/HISTORY.md). In blocks of up to <see cref="LargestBlock"/> it leaves 29. The bytes of a block
/// go back to the shared array pool once sent, whatever its size; only the segment that held it stays.
/// </summary>
internal sealed class LargeWrites(PipeWriter pipe) : PipeWriter
{
    /// <summary>
    /// The most a WebSocket frame's header takes (RFC 6455: 2 bytes, 8 of length, 4 of mask).
    /// </summary>
    public const int FrameHeader = 14;

    /// <summary>
    /// The largest block written. SignalR sends each block as a WebSocket frame, and the socket copies the frame with
    /// its header into a buffer rented from the shared array pool, which rounds up to a power of two, and holds it
    /// until the connection has taken the frame: a screen that reads slowly holds it for as long. A block of 32 KB
    /// exactly would rent 64 KB; one a header short of it rents 32 KB. (A frame of 64 KB would rent 128 KB, on the
    /// large object heap, which is collected seldom.)
    /// </summary>
    public const int LargestBlock = 32 * 1024 - FrameHeader;

    /// <summary>
    /// The largest last block of a message. The pipe fills a block's spare room with whatever is written next, and
    /// the socket may send both in one frame: a last block in a 32 KB array could grow past <see cref="LargestBlock"/>.
    /// A longer rest goes in two blocks, the last in an array of 16 KB, which nothing can fill past it.
    /// </summary>
    public const int LastBlock = 16 * 1024 - FrameHeader;

    /// <summary>Puts this writer in front of each connection's pipe, before the hub reads or writes it.</summary>
    public static ConnectionDelegate Around(ConnectionDelegate next) => connection =>
    {
        connection.Transport = new Duplex(connection.Transport.Input, new LargeWrites(connection.Transport.Output));
        return next(connection);
    };

    public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        // A small message, nearly every update, fits a block of the pipe's own size (4 KB, as the sockets'): the
        // pipe's one-step write is quickest.
        if (source.Length <= SocketBlocks.BlockSize) return pipe.WriteAsync(source, cancellationToken);
        for (var rest = source.Span; !rest.IsEmpty;)
        {
            var want = NextBlock(rest.Length);
            // A pipe gives at least the size asked for: the block it is filling if that has room, or a new one, which
            // may be larger than asked (the pool's power of two): only what is wanted of it is filled. Asking for more
            // than a header's room means a last few bytes never go into what a full block has left.
            var block = pipe.GetSpan(Math.Max(want, FrameHeader + 1));
            var taken = Math.Min(block.Length, want);
            rest[..taken].CopyTo(block);
            pipe.Advance(taken);
            rest = rest[taken..];
        }
        return pipe.FlushAsync(cancellationToken);
    }

    /// <summary>How much of a message's <paramref name="rest"/> the next block takes.</summary>
    private static int NextBlock(int rest) => rest switch
    {
        > LargestBlock => LargestBlock,
        > LastBlock => rest - LastBlock,
        _ => rest,
    };

    public override void Advance(int bytes) => pipe.Advance(bytes);

    public override Memory<byte> GetMemory(int sizeHint = 0) => pipe.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => pipe.GetSpan(sizeHint);

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => pipe.FlushAsync(cancellationToken);

    public override void CancelPendingFlush() => pipe.CancelPendingFlush();

    public override bool CanGetUnflushedBytes => pipe.CanGetUnflushedBytes;

    public override long UnflushedBytes => pipe.UnflushedBytes;

    public override void Complete(Exception? exception = null) => pipe.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => pipe.CompleteAsync(exception);

    private sealed record Duplex(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
