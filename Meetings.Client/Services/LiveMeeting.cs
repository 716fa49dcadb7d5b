using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Meetings.Client.Contracts;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.JSInterop;

namespace Meetings.Client.Services;

/// <summary>
/// One live meeting, as the server says it is. Holds the snapshot as JSON too, applies each update's patch when it
/// follows the sequence held, asks for the meeting as it is (<c>EventsAfter</c>) after a gap, a patch that does not
/// apply or a resync, joins again after a reconnection, and tells the page when anything changed.
/// </summary>
public sealed class LiveMeeting(IJSRuntime js, Uri baseAddress) : IAsyncDisposable
{
    private readonly List<MeetingUpdate> _early = [];
    // Updates that arrived while catching up: one may start from the snapshot the catch-up brings, so they wait for it.
    private readonly List<MeetingUpdate> _overtaking = [];
    private HubConnection? _hub;
    private JsonNode? _document;
    private bool _catchingUp;
    // Catch-ups refused in a row: the next is asked after a longer pause.
    private int _refusals;
    private bool _disposed;
    private int _startingAgain;

    public MeetingSnapshot? Snapshot { get; private set; }
    public JoinResult? Joined { get; private set; }
    public PhoneStatus? Phone { get; private set; }
    public string? ResidentToken { get; private set; }
    public Guid MeetingId { get; private set; }
    /// <summary>Connecting, Live, Reconnecting or Offline.</summary>
    public string Connection { get; private set; } = "Connecting";
    /// <summary>Server time minus this device's time, so every screen counts down alike.</summary>
    public TimeSpan ClockOffset { get; private set; }
    /// <summary>The sequence of the snapshot held.</summary>
    public long Sequence { get; private set; }

    public event Action? Changed;

    public DateTimeOffset ServerNow => DateTimeOffset.UtcNow + ClockOffset;

    public async Task StartAsync(Guid meetingId)
    {
        MeetingId = meetingId;
        ResidentToken = await ResidentTokenAsync();
        _hub = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, "hubs/meeting"))
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .WithAutomaticReconnect(new NeverGiveUp())
            .WithStatefulReconnect()
            .Build();
        _hub.On<MeetingUpdate>(nameof(IMeetingClient.MeetingUpdated), OnUpdate);
        _hub.On<PhoneStatus>(nameof(IMeetingClient.PhoneStatusChanged), status => { Phone = status; Changed?.Invoke(); });
        _hub.Reconnecting += _ => Set("Reconnecting");
        // A reconnection reaches a new connection, perhaps on a restarted or another server: join again (the server
        // forgets a connection's meetings) and take the meeting as it is.
        _hub.Reconnected += async connectionId => { if (await TryJoinAsync()) await Set("Live"); else _ = StartAgainAsync(); };
        // Closed for good (the server said not to reconnect, or rejoining failed): start a new connection, for as long as the page is open.
        _hub.Closed += error => { _ = StartAgainAsync(); return Task.CompletedTask; };
        try
        {
            await _hub.StartAsync();
            await JoinAsync();
        }
        catch (Exception e) when (Passing(e))
        {
            // The server restarting, or refusing the join for a moment: tried again as after a lost connection, so a
            // screen opened then (a lobby display, say) comes up by itself instead of saying the meeting could not be opened.
            _ = StartAgainAsync();
            return;
        }
        await Set("Live");
    }

    /// <summary>
    /// A failure that trying again may mend: any but the server's word that there is no such meeting (for this user), or
    /// that they were signed out (the page then says it could not be opened, and signing in again opens it).
    /// </summary>
    private static bool Passing(Exception e) => e switch
    {
        Microsoft.AspNetCore.SignalR.HubException refused => !refused.Message.Contains("No such meeting", StringComparison.Ordinal)
            && !refused.Message.Contains("signed out", StringComparison.Ordinal),
        _ => e is HttpRequestException or InvalidOperationException or TaskCanceledException or IOException
            or System.Net.WebSockets.WebSocketException or AggregateException,
    };

    /// <summary>
    /// Joins (again, after a reconnection: the server forgets a connection's meetings) and takes the meeting as it is:
    /// the first time the whole meeting, after that (<c>Rejoin</c>) only what changed since the sequence held.
    /// </summary>
    private async Task JoinAsync()
    {
        if (_document is null)
        {
            var joined = await _hub!.InvokeAsync<JoinResult>("Join", MeetingId, ResidentToken);
            Joined = joined;
            Take(joined.Snapshot);
        }
        else
        {
            var back = await _hub!.InvokeAsync<RejoinResult>("Rejoin", MeetingId, ResidentToken, Sequence);
            if (back.Snapshot is { } whole) Take(whole);
            else if (back.Update is { } update) Apply(update, rejoining: true);
            Joined = new JoinResult(Snapshot!, back.Role, back.SeatId, back.PersonKey);
        }
        // Updates can overtake the join's answer; those that follow it apply now.
        var early = _early.ToList();
        _early.Clear();
        foreach (var update in early) OnUpdate(update);
    }

    /// <summary>Runs a hub command; null when it worked, else the server's words for the clerk.</summary>
    public async Task<string?> Do(string method, params object?[] args)
    {
        try
        {
            await _hub!.InvokeCoreAsync(method, typeof(object), args);
            return null;
        }
        catch (Microsoft.AspNetCore.SignalR.HubException e)
        {
            var marker = e.Message.IndexOf("HubException: ", StringComparison.Ordinal);
            return marker < 0 ? e.Message : e.Message[(marker + "HubException: ".Length)..];
        }
        catch (Exception e) when (e is InvalidOperationException or TaskCanceledException)
        {
            return "The connection to the server was lost; trying again.";
        }
    }

    /// <summary>Asks the server for something (a view only some may see); null when refused or unreachable.</summary>
    public async Task<T?> Ask<T>(string method, params object?[] args) where T : class
    {
        try
        {
            return await _hub!.InvokeCoreAsync<T>(method, args);
        }
        catch (Exception e) when (e is Microsoft.AspNetCore.SignalR.HubException or InvalidOperationException or TaskCanceledException)
        {
            return null;
        }
    }

    private void OnUpdate(MeetingUpdate update)
    {
        if (_document is null)
        {
            _early.Add(update);
            return;
        }
        Apply(update, rejoining: false);
    }

    /// <summary>Applies an update to the snapshot held; <paramref name="rejoining"/>: the one Rejoin answered, which sets the server's time even when nothing else changed.</summary>
    private void Apply(MeetingUpdate update, bool rejoining)
    {
        if (update.Sequence < Sequence || (update.Sequence == Sequence && !rejoining)) return; // a repeat
        if (_catchingUp && !rejoining)
        {
            _overtaking.Add(update);
            return;
        }
        if (update.Resync || update.From != Sequence || update.Patch is not { } patch)
        {
            _ = CatchUpAsync();
            return;
        }
        try
        {
            _document = JsonPatch.Apply(_document, patch);
            Show(_document.Deserialize<MeetingSnapshot>(LiveJson.Options)!);
        }
        catch (Exception e) when (e is JsonPatchException or JsonException or InvalidOperationException or ArgumentException)
        {
            // Not the snapshot the patch was made from: start again from the server's.
            _document = JsonSerializer.SerializeToNode(Snapshot, LiveJson.Options);
            _ = CatchUpAsync();
        }
    }

    private async Task CatchUpAsync()
    {
        if (_hub is null || _catchingUp) return;
        _catchingUp = true;
        var refused = false;
        try
        {
            Take((await _hub.InvokeAsync<CatchUp>("EventsAfter", MeetingId, Sequence)).Snapshot);
        }
        catch (Microsoft.AspNetCore.SignalR.HubException)
        {
            // Refused (asked too often, or the server could not answer just then): asked again below, or the screen
            // would stay behind until the meeting's next change, which in a quiet moment may be a long time.
            refused = true;
        }
        catch (Exception e) when (e is InvalidOperationException or TaskCanceledException)
        {
            // Disconnected meanwhile: the reconnection joins again and takes the meeting as it is.
        }
        finally
        {
            _catchingUp = false;
        }
        List<MeetingUpdate> overtaking = [.. _overtaking];
        _overtaking.Clear();
        foreach (var update in overtaking) Apply(update, rejoining: false);
        _refusals = refused ? _refusals + 1 : 0;
        if (refused) _ = AskAgainAsync(_refusals);
    }

    /// <summary>
    /// Catches up again while still connected, after a pause that doubles with each refusal in a row (about 1, 2, 4 s
    /// up to 30 s, jittered): a server refusing everyone (its database down, say) is not asked by every screen each second.
    /// </summary>
    private async Task AskAgainAsync(int refusals)
    {
        await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, refusals - 1)) * (0.5 + Random.Shared.NextDouble())));
        if (!_disposed && _hub?.State == HubConnectionState.Connected) await CatchUpAsync();
    }

    private async Task<bool> TryJoinAsync()
    {
        try
        {
            await JoinAsync();
            return true;
        }
        catch (Exception e) when (e is Microsoft.AspNetCore.SignalR.HubException or InvalidOperationException or TaskCanceledException or IOException)
        {
            return false;
        }
    }

    /// <summary>A new connection, tried after a pause that grows to about ten seconds, until it is in the meeting again.</summary>
    private async Task StartAgainAsync()
    {
        if (Interlocked.Exchange(ref _startingAgain, 1) == 1) return; // one loop at a time: stopping below closes the connection too
        try
        {
            await StartAgainLoopAsync();
        }
        finally
        {
            _startingAgain = 0;
        }
    }

    private async Task StartAgainLoopAsync()
    {
        await Set("Reconnecting");
        for (var attempt = 0; !_disposed && _hub is not null; attempt++)
        {
            await Task.Delay(NeverGiveUp.Pause(attempt + 1));
            try
            {
                if (_hub.State == HubConnectionState.Connected) await _hub.StopAsync();
                if (_hub.State == HubConnectionState.Disconnected) await _hub.StartAsync();
                if (_hub.State == HubConnectionState.Connected && await TryJoinAsync())
                {
                    await Set("Live");
                    return;
                }
            }
            catch (Exception e) when (e is Microsoft.AspNetCore.SignalR.HubException || Passing(e))
            {
                // The server is not back yet: try again.
            }
        }
    }

    /// <summary>
    /// Automatic reconnection that never gives up: at once, then about once a second (0.5-1.5 s, jittered so a crowd
    /// coming back after a restart is spread out) for ten tries, then every 8-12 s. A server restarted within ten
    /// seconds has its screens back about a second after it is up. The resident page (resident.js) does the same.
    /// </summary>
    private sealed class NeverGiveUp : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext context) => Pause(context.PreviousRetryCount);

        public static TimeSpan Pause(long attempt) => TimeSpan.FromSeconds(attempt switch
        {
            0 => 0,
            < 10 => 0.5 + Random.Shared.NextDouble(),
            _ => 8 + Random.Shared.NextDouble() * 4,
        });
    }

    /// <summary>Takes a whole snapshot (from Join or EventsAfter) when it is newer than the one held.</summary>
    private void Take(MeetingSnapshot snapshot)
    {
        if (_document is not null && snapshot.Sequence < Sequence) return;
        _document = JsonSerializer.SerializeToNode(snapshot, LiveJson.Options);
        Show(snapshot);
    }

    private void Show(MeetingSnapshot snapshot)
    {
        Snapshot = snapshot;
        Sequence = snapshot.Sequence;
        ClockOffset = snapshot.ServerTime - DateTimeOffset.UtcNow;
        Changed?.Invoke();
    }

    private Task Set(string state)
    {
        Connection = state;
        Changed?.Invoke();
        return Task.CompletedTask;
    }

    /// <summary>A resident's secret, kept in this browser so a reload keeps their place in line.</summary>
    private async Task<string> ResidentTokenAsync()
    {
        var token = await js.InvokeAsync<string?>("localStorage.getItem", "meetings.resident");
        if (token is { Length: >= 16 }) return token;
        token = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        await js.InvokeVoidAsync("localStorage.setItem", "meetings.resident", token);
        return token;
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        if (_hub is not null) await _hub.DisposeAsync();
    }
}
