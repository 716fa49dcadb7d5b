using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Meetings.Client.Contracts;

namespace Meetings.Tests.Support;

/// <summary>
/// A screen whose reader stops: a raw WebSocket speaking SignalR's JSON protocol (what any client sends), which joins
/// a meeting and then reads nothing until told to. It keeps pinging meanwhile, as a live but slow client would.
/// </summary>
public sealed class StalledScreen : IAsyncDisposable
{
    private const char Separator = '\u001e';
    private readonly ClientWebSocket _socket = new();
    private readonly StringBuilder _received = new();
    private readonly Decoder _utf8 = Encoding.UTF8.GetDecoder();
    private readonly Queue<JsonElement> _messages = new();
    private readonly CancellationTokenSource _stop = new();
    private int _invocations;
    private Task? _pings;

    public List<MeetingUpdate> Updates { get; } = [];

    public static async Task<StalledScreen> ConnectAsync(TestHost host, CookieContainer cookies, Guid meetingId)
    {
        var screen = new StalledScreen();
        screen._socket.Options.Cookies = cookies;
        var address = new UriBuilder(host.BaseAddress) { Scheme = "ws", Path = "/hubs/meeting" }.Uri;
        await screen._socket.ConnectAsync(address, CancellationToken.None);
        await screen.SendAsync("""{"protocol":"json","version":1}""");
        await screen.NextAsync(); // the handshake's answer
        var join = screen.Invoke("Join", meetingId, null);
        await screen.SendAsync(join.Message);
        while ((await screen.NextAsync()).TryGetProperty("invocationId", out var id) is false || id.GetString() != join.Id) { }
        screen._pings = screen.PingAsync();
        return screen;
    }

    /// <summary>Asks for the whole meeting (<c>EventsAfter(0)</c>) this many times without reading a byte of the answers.</summary>
    public async Task AskWithoutReadingAsync(Guid meetingId, int times)
    {
        for (var i = 0; i < times; i++) await SendAsync(Invoke("EventsAfter", meetingId, 0).Message);
    }

    /// <summary>Reads again until an update reaches <paramref name="sequence"/> (fifteen seconds at most).</summary>
    public async Task ReadUntilAsync(long sequence)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            while (Updates.Count == 0 || Updates.Max(u => u.Sequence) < sequence)
            {
                var message = await NextAsync(timeout.Token);
                if (message.GetProperty("type").GetInt32() == 1 && message.GetProperty("target").GetString() == nameof(IMeetingClient.MeetingUpdated))
                    Updates.Add(message.GetProperty("arguments")[0].Deserialize<MeetingUpdate>(LiveJson.Options)!);
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the stalled screen never got an update up to {sequence} (last: {Updates.LastOrDefault()?.Sequence})");
        }
    }

    private (string Id, string Message) Invoke(string target, params object?[] arguments)
    {
        var id = (++_invocations).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return (id, JsonSerializer.Serialize(new { type = 1, invocationId = id, target, arguments }, LiveJson.Options));
    }

    private async Task PingAsync()
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), _stop.Token);
                await SendAsync("""{"type":6}""");
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
        }
    }

    private readonly SemaphoreSlim _sending = new(1, 1);

    private async Task SendAsync(string message)
    {
        await _sending.WaitAsync();
        try { await _socket.SendAsync(Encoding.UTF8.GetBytes(message + Separator), WebSocketMessageType.Text, true, _stop.Token); }
        finally { _sending.Release(); }
    }

    private async Task<JsonElement> NextAsync(CancellationToken ct = default)
    {
        var buffer = new byte[64 * 1024];
        while (_messages.Count == 0)
        {
            var read = await _socket.ReceiveAsync(buffer, ct);
            if (read.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException("The server closed the connection.");
            var chars = new char[read.Count];
            _received.Append(chars, 0, _utf8.GetChars(buffer, 0, read.Count, chars, 0));
            var text = _received.ToString();
            var end = text.LastIndexOf(Separator);
            if (end < 0) continue;
            foreach (var part in text[..end].Split(Separator)) _messages.Enqueue(JsonDocument.Parse(part).RootElement.Clone());
            _received.Clear().Append(text[(end + 1)..]);
        }
        return _messages.Dequeue();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_pings is not null) await _pings;
        _socket.Abort();
        _socket.Dispose();
        _stop.Dispose();
        _sending.Dispose();
    }
}
