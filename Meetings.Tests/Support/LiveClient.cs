using System.Net;
using System.Text.Json.Serialization;
using Meetings.Client.Contracts;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Support;

/// <summary>
/// A participant's real SignalR connection, keeping the meeting the way a client must: it takes each
/// update whose events follow its sequence, asks for what it missed when it sees a gap, and rejoins after
/// reconnecting.
/// </summary>
public sealed class LiveClient : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<JournalEventDto> _events = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LiveClient(HubConnection connection, string name, string? residentToken)
    {
        Connection = connection;
        Name = name;
        ResidentToken = residentToken;
        connection.On<MeetingUpdate>(nameof(IMeetingClient.MeetingUpdated), OnUpdate);
        connection.Reconnected += async _ => await CatchUpAsync();
    }

    public HubConnection Connection { get; }
    public string Name { get; }
    public string? ResidentToken { get; }
    public Guid MeetingId { get; private set; }
    public JoinResult? Joined { get; private set; }
    public MeetingSnapshot Snapshot { get; private set; } = null!;
    public int GapsSeen { get; private set; }

    public IReadOnlyList<JournalEventDto> Events { get { lock (_gate) return [.. _events]; } }

    public long Sequence { get { lock (_gate) return Snapshot?.Sequence ?? 0; } }

    /// <summary>Connects over WebSockets; signs in first when an account is given, else joins as a resident with a fresh token.</summary>
    public static async Task<LiveClient> ConnectAsync(TestHost host, string? email, string name, Guid meetingId)
    {
        var jar = new CookieContainer();
        if (email is not null) await host.SignInAsync(email, jar);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(host.BaseAddress, "/hubs/meeting"), o =>
            {
                o.Cookies = jar;
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .WithAutomaticReconnect([TimeSpan.Zero, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1)])
            .WithStatefulReconnect()
            .Build();
        var client = new LiveClient(connection, name, email is null ? $"resident-{Guid.NewGuid():N}" : null);
        await connection.StartAsync();
        await client.JoinAsync(meetingId);
        return client;
    }

    public async Task JoinAsync(Guid meetingId)
    {
        MeetingId = meetingId;
        var joined = await Connection.InvokeAsync<JoinResult>("Join", meetingId, ResidentToken);
        lock (_gate)
        {
            Joined = joined;
            if (Snapshot is null || joined.Snapshot.Sequence > Snapshot.Sequence) Snapshot = joined.Snapshot;
            Signal();
        }
    }

    /// <summary>Asks for everything after the last event held, as after a gap or a reconnect.</summary>
    public async Task CatchUpAsync()
    {
        await Connection.InvokeAsync("Join", MeetingId, ResidentToken);
        var catchUp = await Connection.InvokeAsync<CatchUp>("EventsAfter", MeetingId, LastEventSequence);
        lock (_gate)
        {
            _events.AddRange(catchUp.Events.Where(e => e.Sequence > LastEventSequenceUnlocked));
            if (catchUp.Snapshot.Sequence > Snapshot.Sequence) Snapshot = catchUp.Snapshot;
            Signal();
        }
    }

    private long LastEventSequence { get { lock (_gate) return LastEventSequenceUnlocked; } }

    private long LastEventSequenceUnlocked => _events.Count > 0 ? _events[^1].Sequence : Joined?.Snapshot.Sequence ?? 0;

    private void OnUpdate(MeetingUpdate update)
    {
        bool gap;
        lock (_gate)
        {
            if (update.MeetingId != MeetingId || update.Snapshot.Sequence <= LastEventSequenceUnlocked) return; // another meeting, or a repeat
            gap = update.Events[0].Sequence > LastEventSequenceUnlocked + 1;
            if (!gap)
            {
                _events.AddRange(update.Events);
                Snapshot = update.Snapshot;
                Signal();
            }
        }
        if (gap)
        {
            GapsSeen++;
            _ = CatchUpAsync();
        }
    }

    private void Signal()
    {
        var previous = _changed;
        _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }

    /// <summary>Waits, at most ten seconds, until the meeting as this client holds it satisfies <paramref name="condition"/>.</summary>
    public async Task<MeetingSnapshot> WaitUntil(Func<MeetingSnapshot, bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (Snapshot is not null && condition(Snapshot)) return Snapshot;
                changed = _changed.Task;
            }
            try { await changed.WaitAsync(timeout.Token); }
            catch (OperationCanceledException) { Assert.Fail($"{Name} never saw: {what} (at sequence {Sequence})"); }
        }
    }

    public Task<MeetingSnapshot> WaitForSequence(long sequence) => WaitUntil(s => s.Sequence >= sequence, $"sequence {sequence}");

    public Task<T> Invoke<T>(string method, params object?[] args) => Connection.InvokeCoreAsync<T>(method, args);

    public Task<CommandAck> Do(string method, params object?[] args) => Invoke<CommandAck>(method, args);

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}

/// <summary>Many participants, disconnected together at the end of a test (open connections hold up the host's shutdown).</summary>
public sealed class LiveCrowd : List<LiveClient>, IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        foreach (var client in this) await client.DisposeAsync();
    }
}
