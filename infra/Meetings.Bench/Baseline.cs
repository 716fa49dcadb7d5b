using System.Collections.Concurrent;
using System.Net.WebSockets;

namespace Meetings.Bench;

/// <summary>
/// The limit to measure against: a minimal Kestrel WebSocket server that holds sockets and, on POST /broadcast, sends
/// the body to every one of them at once, as one text message, exactly the bytes Meetings sent for an update.
/// </summary>
internal static class Baseline
{
    public static async Task RunAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, port));
        var app = builder.Build();
        var sockets = new ConcurrentDictionary<long, WebSocket>();
        long next = 0;
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.Map("/ws", async http =>
        {
            using var socket = await http.WebSockets.AcceptWebSocketAsync();
            var id = Interlocked.Increment(ref next);
            sockets[id] = socket;
            var buffer = new byte[256];
            try
            {
                while ((await socket.ReceiveAsync(buffer, http.RequestAborted)).MessageType != WebSocketMessageType.Close) { }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
            sockets.TryRemove(id, out _);
        });
        app.MapPost("/broadcast", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            var bytes = body.ToArray();
            await Task.WhenAll(sockets.Values.Select(async s =>
            {
                try { await s.SendAsync(bytes, WebSocketMessageType.Text, true, CancellationToken.None); }
                catch (Exception e) when (e is WebSocketException or ObjectDisposedException) { }
            }));
            return Results.Ok(sockets.Count);
        });
        await app.RunAsync();
    }
}
