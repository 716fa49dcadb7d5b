using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace Meetings.Bench;

/// <summary>
/// One WebSocket, from a loopback address of its own choosing, speaking SignalR's JSON protocol by hand (or, against the
/// baseline, just reading). It never holds a whole message: it reads each record's first bytes (enough for its kind,
/// its invocation id or its update's sequence number) and counts the rest, so ten thousand of them fit in one process.
/// </summary>
internal sealed class HubSocket : IAsyncDisposable
{
    private const byte Separator = 0x1e;
    private const int PrefixSize = 320;
    private const int ReadBlock = 64 * 1024;
    private static readonly ConcurrentDictionary<IPAddress, HttpMessageInvoker> Invokers = new();

    private readonly ClientWebSocket _socket = new();
    // The invoker of a connection made beforehand, kept for as long as the socket is used.
    private HttpMessageInvoker? _handed;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly ConcurrentDictionary<int, TaskCompletionSource<Record>> _calls = new();
    private readonly byte[] _prefix = new byte[PrefixSize];
    private readonly TaskCompletionSource _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _prefixLength;
    private long _recordBytes;
    private MemoryStream? _whole;
    private int _nextCall;

    /// <summary>The highest update sequence this socket has received.</summary>
    public long Sequence;

    /// <summary>Called for each update as it completes: the socket, its sequence number, its size in bytes (separator included).</summary>
    public Action<HubSocket, long, long>? Updated { get; set; }

    /// <summary>When set, each update's whole record is kept here by sequence (for one probe socket, not a crowd).</summary>
    public ConcurrentDictionary<long, byte[]>? Kept { get; set; }

    public int Index { get; init; }

    /// <summary>Per-viewer bookkeeping of the crowd that owns this socket.</summary>
    public int NextMark;

    public bool Closed { get; private set; }

    /// <summary>Every byte read from the socket so far.</summary>
    public long BytesReceived;

    /// <summary>
    /// Connects from <paramref name="from"/>, or over <paramref name="connected"/>, a connection already made there
    /// (<see cref="TryConnectAsync"/>); with <paramref name="readBytesPerSecond"/>, a screen that reads no faster than that.
    /// </summary>
    public static async Task<HubSocket> ConnectAsync(Uri url, IPAddress from, string? cookie, bool signalR, int index, CancellationToken ct,
        int readBytesPerSecond = 0, Socket? connected = null)
    {
        var hub = new HubSocket { Index = index };
        if (cookie is not null) hub._socket.Options.SetRequestHeader("Cookie", cookie);
        hub._socket.Options.KeepAliveInterval = TimeSpan.Zero;
        var invoker = connected is not null ? hub._handed = Handed(connected)
            : readBytesPerSecond > 0 ? Invoker(from, readBytesPerSecond)
            : Invokers.GetOrAdd(from, a => Invoker(a, 0));
        await hub._socket.ConnectAsync(url, invoker, ct);
        _ = hub.ReceiveAsync();
        if (signalR)
        {
            await hub.SendRawAsync("{\"protocol\":\"json\",\"version\":1}\u001e", ct);
            await hub._handshake.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
        }
        return hub;
    }

    /// <summary>Calls a hub method and waits for its completion: the first bytes of the answer, or the error the hub gave.</summary>
    public async Task<Record> InvokeAsync(string target, string argumentsJson, CancellationToken ct)
    {
        var id = Interlocked.Increment(ref _nextCall);
        var done = new TaskCompletionSource<Record>(TaskCreationOptions.RunContinuationsAsynchronously);
        _calls[id] = done;
        await SendRawAsync($"{{\"type\":1,\"invocationId\":\"{id}\",\"target\":\"{target}\",\"arguments\":{argumentsJson}}}\u001e", ct);
        var answer = await done.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
        return answer.Error is null ? answer : throw new InvalidOperationException($"{target}: {answer.Error}");
    }

    public Task PingAsync(CancellationToken ct) => SendRawAsync("{\"type\":6}\u001e", ct);

    public async Task SendRawAsync(string text, CancellationToken ct)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        await _sending.WaitAsync(ct);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, true, ct);
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>
    /// Reads until the socket closes. Each read waits for data without a buffer, then takes what has come in one
    /// pooled block: 10,000 idle sockets hold no buffer, and a large update costs this process a few reads, not one
    /// per 4 KB. A resident's browser reads on a machine of its own; this process shares the server's. While the baseline
    /// sent a flood's bytes to 10,000 viewers this process used 0.24-0.37 of the two cores, against 0.37-0.44 reading
    /// 4 KB at a time; during the flood itself the difference was within the noise (2026-11-28, infra/bench/HISTORY.md).
    /// </summary>
    private async Task ReceiveAsync()
    {
        try
        {
            while (true)
            {
                if ((await _socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None)).MessageType == WebSocketMessageType.Close) break;
                var block = ArrayPool<byte>.Shared.Rent(ReadBlock);
                try
                {
                    var read = await _socket.ReceiveAsync(block.AsMemory(), CancellationToken.None);
                    if (read.MessageType == WebSocketMessageType.Close) break;
                    Take(block.AsSpan(0, read.Count));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(block);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        Closed = true;
        foreach (var call in _calls.Values) call.TrySetException(new InvalidOperationException("the connection closed"));
    }

    /// <summary>Splits what arrived into records: keeps each record's first bytes, counts the rest.</summary>
    private void Take(ReadOnlySpan<byte> data)
    {
        BytesReceived += data.Length;
        while (!data.IsEmpty)
        {
            var end = data.IndexOf(Separator);
            var part = end < 0 ? data : data[..end];
            var room = Math.Min(part.Length, PrefixSize - _prefixLength);
            part[..room].CopyTo(_prefix.AsSpan(_prefixLength));
            _prefixLength += room;
            _recordBytes += part.Length;
            if (Kept is not null) (_whole ??= new MemoryStream()).Write(part);
            if (end < 0) return;
            RecordEnded();
            data = data[(end + 1)..];
        }
    }

    private void RecordEnded()
    {
        var prefix = _prefix.AsSpan(0, _prefixLength);
        var size = _recordBytes + 1;
        var whole = _whole;
        (_prefixLength, _recordBytes, _whole) = (0, 0, null);
        if (prefix.StartsWith("{\"type\":1,\"target\":\"MeetingUpdated\""u8) || prefix.StartsWith("{\"meetingId\""u8))
        {
            var sequence = Number(prefix, "\"sequence\":"u8) ?? -1;
            if (sequence > Sequence) Sequence = sequence;
            if (whole is not null) { whole.WriteByte(Separator); Kept!.TryAdd(sequence, whole.ToArray()); }
            Updated?.Invoke(this, sequence, size);
        }
        else if (prefix.StartsWith("{\"type\":3,"u8))
        {
            var id = (int)(Number(prefix, "\"invocationId\":\""u8) ?? 0);
            if (_calls.TryRemove(id, out var call))
            {
                var error = prefix.IndexOf("\"error\":"u8) >= 0 ? Encoding.UTF8.GetString(prefix) : null;
                call.TrySetResult(new Record(Encoding.UTF8.GetString(prefix), size, error));
            }
        }
        else if (prefix.SequenceEqual("{}"u8) || prefix.StartsWith("{\"error\""u8))
        {
            _handshake.TrySetResult();
        }
    }

    /// <summary>The whole number right after <paramref name="label"/> in a record's first bytes, if it is there.</summary>
    public static long? Number(ReadOnlySpan<byte> text, ReadOnlySpan<byte> label)
    {
        var at = text.IndexOf(label);
        if (at < 0) return null;
        var rest = text[(at + label.Length)..];
        return Utf8Parser.TryParse(rest, out long value, out _) ? value : null;
    }

    /// <summary>
    /// A TCP connection from <paramref name="from"/> to the server, or null if it refuses. The refusal is read from the
    /// socket's error, not thrown: thrown up through the HTTP and WebSocket layers, each failed try cost this process
    /// about 200 µs of CPU against about 30 µs (2026-11-28, the 2-core Intel Xeon): 10,000 screens trying again every
    /// second while the server was down came to about both cores, taken from its start, which screens in residents'
    /// homes do not take.
    /// </summary>
    public static async Task<Socket?> TryConnectAsync(Uri server, IPAddress from)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var connected = false;
        try
        {
            socket.Bind(new IPEndPoint(from, 0));
            using var attempt = new SocketAsyncEventArgs { RemoteEndPoint = new DnsEndPoint(server.Host, server.Port) };
            var done = new TaskCompletionSource<SocketError>(TaskCreationOptions.RunContinuationsAsynchronously);
            attempt.Completed += (_, e) => done.TrySetResult(e.SocketError);
            if (!socket.ConnectAsync(attempt)) done.TrySetResult(attempt.SocketError);
            connected = await done.Task == SocketError.Success;
            return connected ? socket : null;
        }
        finally
        {
            // Refused or failed: the socket is this method's to close.
            if (!connected) socket.Dispose();
        }
    }

    /// <summary>An invoker whose one connection is <paramref name="connected"/>: the WebSocket's request goes over it.</summary>
    private static HttpMessageInvoker Handed(Socket connected) => new(new SocketsHttpHandler
    {
        ConnectCallback = (_, _) => ValueTask.FromResult<Stream>(new NetworkStream(connected, ownsSocket: true)),
        PooledConnectionLifetime = TimeSpan.Zero,
    });

    private static HttpMessageInvoker Invoker(IPAddress from, int readBytesPerSecond) => new(new SocketsHttpHandler
    {
        // Many viewers, from many loopback addresses, as residents come from many homes.
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(from, 0));
                if (readBytesPerSecond > 0) socket.ReceiveBufferSize = SlowStream.ReceiveWindow;
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return readBytesPerSecond > 0 ? new SlowStream(socket, readBytesPerSecond) : new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
        PooledConnectionLifetime = TimeSpan.Zero,
    });

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            if (_socket.State == WebSocketState.Open) await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
        _socket.Dispose();
        _handed?.Dispose();
        _sending.Dispose();
    }
}

/// <summary>A completion: the first bytes of its JSON, its size, and the hub's error if it refused.</summary>
internal sealed record Record(string Prefix, long Size, string? Error)
{
    public long? Number(string label) => HubSocket.Number(Encoding.UTF8.GetBytes(Prefix), Encoding.UTF8.GetBytes(label));
}
