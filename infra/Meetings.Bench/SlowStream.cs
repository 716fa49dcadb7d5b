using System.Diagnostics;
using System.Net.Sockets;

namespace Meetings.Bench;

/// <summary>
/// A connection that reads no faster than a set rate, as a screen on a poor line does: what it has not read stays in
/// the server's buffers, and a small receive window keeps the kernel from reading ahead for it. Writes pass as they are.
/// </summary>
internal sealed class SlowStream(Socket socket, int bytesPerSecond) : Stream
{
    /// <summary>The receive window a slow screen's socket gets, so the server feels its pace within a few reads.</summary>
    public const int ReceiveWindow = 16 * 1024;

    private readonly NetworkStream _inner = new(socket, ownsSocket: true);
    private readonly long _started = Stopwatch.GetTimestamp();
    private long _read;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        // Never more than the rate allows since the start, and in slices of at most a tenth of a second's worth.
        var slice = Math.Max(1, bytesPerSecond / 10);
        while (true)
        {
            var allowed = (long)(Stopwatch.GetElapsedTime(_started).TotalSeconds * bytesPerSecond) - _read;
            if (allowed >= Math.Min(slice, buffer.Length)) break;
            await Task.Delay(20, ct);
        }
        var read = await _inner.ReadAsync(buffer[..Math.Min(buffer.Length, slice)], ct);
        _read += read;
        return read;
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default) => _inner.WriteAsync(buffer, ct);
    public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);
    public override Task FlushAsync(CancellationToken ct) => _inner.FlushAsync(ct);
    public override void Flush() => _inner.Flush();
    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _inner.Dispose();
        base.Dispose(disposing);
    }
}
