using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Meetings.Client.Contracts;
using Meetings.Client.Services;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Support;

/// <summary>
/// A participant's real SignalR connection (with stateful reconnect asked for, as the web client does), keeping the
/// meeting the way a client must: it applies each update's patch when the update follows the sequence it holds, asks
/// for what it missed after a gap, a patch that does not apply or a resync, and rejoins after reconnecting.
/// </summary>
public sealed class LiveClient : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<JournalEventDto> _events = [];
    private List<MeetingUpdate> _early = [];
    private JsonNode? _document;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LiveClient(HubConnection connection, string name, string? residentToken)
    {
        Connection = connection;
        Name = name;
        ResidentToken = residentToken;
        connection.On<JsonElement>(nameof(IMeetingClient.MeetingUpdated), OnUpdate);
        connection.Reconnected += async _ => await CatchUpAsync();
    }

    public HubConnection Connection { get; }
    public string Name { get; }
    public string? ResidentToken { get; }
    public Guid MeetingId { get; private set; }
    public JoinResult? Joined { get; private set; }
    public MeetingSnapshot Snapshot { get; private set; } = null!;
    public int GapsSeen { get; private set; }
    public int PatchesFailed { get; private set; }
    /// <summary>Updates that carried the patch alone (a flood): <see cref="Events"/> then has a gap where their events were.</summary>
    public int EventsLeftOut { get; private set; }

    /// <summary>Every update of the meeting that arrived, as it came: read, and as the JSON sent.</summary>
    public IReadOnlyList<ReceivedUpdate> Updates { get { lock (_gate) return [.. _updates]; } }

    private readonly List<ReceivedUpdate> _updates = [];

    public IReadOnlyList<JournalEventDto> Events { get { lock (_gate) return [.. _events]; } }

    public long Sequence { get { lock (_gate) return Snapshot?.Sequence ?? 0; } }

    /// <summary>Connects over WebSockets; signs in first when an account is given, else joins as a resident with a fresh token.</summary>
    public static async Task<LiveClient> ConnectAsync(TestHost host, string? email, string name, Guid meetingId)
    {
        var jar = new CookieContainer();
        if (email is not null) await host.SignInAsync(email, jar);
        return await ConnectAsync(host.BaseAddress, email is null ? null : jar, name, meetingId);
    }

    /// <summary>Connects to any server over WebSockets: with the cookies of a signed-in account, or else as a resident with a fresh token.</summary>
    public static async Task<LiveClient> ConnectAsync(Uri server, CookieContainer? signedIn, string name, Guid meetingId)
    {
        var jar = signedIn ?? new CookieContainer();
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server, "/hubs/meeting"), o =>
            {
                o.Cookies = jar;
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .WithAutomaticReconnect([TimeSpan.Zero, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1)])
            .WithStatefulReconnect()
            .Build();
        var client = new LiveClient(connection, name, signedIn is null ? $"resident-{Guid.NewGuid():N}" : null);
        await connection.StartAsync();
        await client.JoinAsync(meetingId);
        return client;
    }

    public async Task JoinAsync(Guid meetingId)
    {
        MeetingId = meetingId;
        var joined = await Connection.InvokeAsync<JoinResult>("Join", meetingId, ResidentToken);
        List<MeetingUpdate> early;
        lock (_gate)
        {
            Joined = joined;
            Take(joined.Snapshot);
            (early, _early) = (_early, []);
            Signal();
        }
        foreach (var update in early) OnUpdate(update);
    }

    /// <summary>Asks for everything after the last event held, as after a gap or a reconnect.</summary>
    public async Task CatchUpAsync()
    {
        await Connection.InvokeAsync("Join", MeetingId, ResidentToken);
        var catchUp = await Connection.InvokeAsync<CatchUp>("EventsAfter", MeetingId, LastEventSequence);
        lock (_gate)
        {
            _events.AddRange(catchUp.Events.Where(e => e.Sequence > LastEventSequenceUnlocked));
            Take(catchUp.Snapshot);
            Signal();
        }
    }

    private long LastEventSequence { get { lock (_gate) return LastEventSequenceUnlocked; } }

    private long LastEventSequenceUnlocked => _events.Count > 0 ? _events[^1].Sequence : Joined?.Snapshot.Sequence ?? 0;

    /// <summary>Takes a whole snapshot (Join, EventsAfter) if it is newer than the one held.</summary>
    private void Take(MeetingSnapshot snapshot)
    {
        if (Snapshot is not null && snapshot.Sequence <= Snapshot.Sequence) return;
        Snapshot = snapshot;
        _document = JsonSerializer.SerializeToNode(snapshot, LiveJson.Options);
    }

    private void OnUpdate(JsonElement raw)
    {
        var update = raw.Deserialize<MeetingUpdate>(LiveJson.Options)!;
        if (update.MeetingId != MeetingId) return; // another meeting
        lock (_gate) _updates.Add(new ReceivedUpdate(update, raw.GetRawText()));
        OnUpdate(update);
    }

    private void OnUpdate(MeetingUpdate update)
    {
        bool gap;
        lock (_gate)
        {
            if (Snapshot is null)
            {
                _early.Add(update); // before the join's answer
                return;
            }
            if (update.Sequence <= Snapshot.Sequence) return; // a repeat
            gap = update.Resync || update.From != Snapshot.Sequence || update.Patch is null;
            if (!gap)
            {
                try
                {
                    _document = JsonPatch.Apply(_document, update.Patch!.Value);
                    Snapshot = _document.Deserialize<MeetingSnapshot>(LiveJson.Options)!;
                    _events.AddRange(update.Events.Where(e => e.Sequence > LastEventSequenceUnlocked));
                    if (update.EventsLeftOut) EventsLeftOut++;
                    Signal();
                }
                catch (JsonPatchException)
                {
                    PatchesFailed++;
                    _document = JsonSerializer.SerializeToNode(Snapshot, LiveJson.Options);
                    gap = true;
                }
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

    /// <summary>
    /// A condition about something this client has not been sent yet (<c>Single()</c> of a list still empty) is not met
    /// yet: the update that brings it may follow the command's answer.
    /// </summary>
    private static bool Holds(Func<MeetingSnapshot, bool> condition, MeetingSnapshot snapshot)
    {
        try
        {
            return condition(snapshot);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
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
                if (Snapshot is not null && Holds(condition, Snapshot)) return Snapshot;
                changed = _changed.Task;
            }
            try { await changed.WaitAsync(timeout.Token); }
            catch (OperationCanceledException) { Assert.Fail($"{Name} never saw: {what} (at sequence {Sequence})"); }
        }
    }

    public Task<MeetingSnapshot> WaitForSequence(long sequence) => WaitUntil(s => s.Sequence >= sequence, $"sequence {sequence}");

    public Task<T> Invoke<T>(string method, params object?[] args) => Connection.InvokeCoreAsync<T>(method, args);

    public Task<CommandAck> Do(string method, params object?[] args) => Invoke<CommandAck>(method, args);

    /// <summary>As a clerk: calls the meeting to order, opens the item and opens public comment on it.</summary>
    public async Task<CommandAck> OpenPublicComment(Guid meetingId, Guid itemId)
    {
        await Do("StartMeeting", meetingId);
        await Do("OpenItem", meetingId, itemId);
        return await Do("OpenPublicComment", meetingId, itemId);
    }

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}

/// <summary>An update as a client read it, and the JSON it came as (the argument of <c>MeetingUpdated</c>).</summary>
public sealed record ReceivedUpdate(MeetingUpdate Update, string Json)
{
    public int Bytes => System.Text.Encoding.UTF8.GetByteCount(Json);
}

/// <summary>Many participants, disconnected together at the end of a test (open connections hold up the host's shutdown).</summary>
public sealed class LiveCrowd : List<LiveClient>, IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        foreach (var client in this) await client.DisposeAsync();
    }
}
