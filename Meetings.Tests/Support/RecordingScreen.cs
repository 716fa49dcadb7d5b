using System.Text.Json;
using Meetings.Client.Contracts;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Meetings.Tests.Support;

/// <summary>
/// A viewer's screen that keeps every update as it arrives (not deduplicated as a client would), to see what the
/// server sent: the sequence numbers of each update's events, in arrival order.
/// </summary>
public sealed class RecordingScreen : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<long> _sequences = [];
    private readonly HubConnection _connection;

    private RecordingScreen(HubConnection connection, string name)
    {
        (_connection, Name) = (connection, name);
        connection.On<JsonElement>(nameof(IMeetingClient.MeetingUpdated), update =>
        {
            lock (_gate) _sequences.AddRange(update.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()));
        });
    }

    public string Name { get; }
    public string? ConnectionId => _connection.ConnectionId;
    public long JoinedAt { get; private set; }
    public IReadOnlyList<long> Sequences { get { lock (_gate) return [.. _sequences]; } }

    public static async Task<RecordingScreen> JoinAsync(Uri server, Guid meetingId, string name,
        HttpTransportType transport = HttpTransportType.WebSockets, Nginx? through = null)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server, "/hubs/meeting"), o =>
            {
                o.Transports = transport;
                if (through is null) return;
                o.HttpMessageHandlerFactory = handler =>
                {
                    if (handler is HttpClientHandler http) http.ServerCertificateCustomValidationCallback = (_, c, _, _) => through.Presents(c);
                    return handler;
                };
                o.WebSocketConfiguration = ws => ws.RemoteCertificateValidationCallback = (_, c, _, _) => through.Presents(c);
            })
            .Build();
        var screen = new RecordingScreen(connection, name);
        await connection.StartAsync();
        var joined = await connection.InvokeAsync<JsonElement>("Join", meetingId, null);
        screen.JoinedAt = joined.GetProperty("snapshot").GetProperty("sequence").GetInt64();
        return screen;
    }

    public Task WaitForSequence(long sequence) =>
        Wait.Until(() => Sequences.Count > 0 && Sequences[^1] >= sequence, $"{Name} reached sequence {sequence}");

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
