using System.Text.Json.Serialization;
using Meetings.Client.Contracts;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.JSInterop;

namespace Meetings.Client.Services;

/// <summary>
/// One live meeting, as the server says it is. Takes each update whose events follow the last one held,
/// asks for what it missed after a gap or a reconnection, and tells the page when anything changed.
/// </summary>
public sealed class LiveMeeting(IJSRuntime js, Uri baseAddress) : IAsyncDisposable
{
    private HubConnection? _hub;
    private long _lastEvent;
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
        // A reconnection reaches a new connection, perhaps on a restarted or another server: join again, then catch up.
        _hub.Reconnected += async connectionId => { if (await TryCatchUpAsync()) await Set("Live"); else _ = StartAgainAsync(); };
        // Closed for good (the server said not to reconnect, or rejoining failed): start a new connection, for as long as the page is open.
        _hub.Closed += error => { _ = StartAgainAsync(); return Task.CompletedTask; };
        await _hub.StartAsync();
        var joined = await _hub.InvokeAsync<JoinResult>("Join", meetingId, ResidentToken);
        Joined = joined;
        Take(joined.Snapshot);
        _lastEvent = joined.Snapshot.Sequence;
        await Set("Live");
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
        if (update.Snapshot.Sequence <= _lastEvent) return;
        if (update.Events.Count > 0 && update.Events[0].Sequence > _lastEvent + 1)
        {
            _ = CatchUpAsync();
            return;
        }
        _lastEvent = update.Snapshot.Sequence;
        Take(update.Snapshot);
    }

    private async Task CatchUpAsync()
    {
        if (_hub is null) return;
        await _hub.InvokeAsync<JoinResult>("Join", MeetingId, ResidentToken);
        var catchUp = await _hub.InvokeAsync<CatchUp>("EventsAfter", MeetingId, _lastEvent);
        if (catchUp.Snapshot.Sequence < _lastEvent) return;
        _lastEvent = catchUp.Snapshot.Sequence;
        Take(catchUp.Snapshot);
    }

    private async Task<bool> TryCatchUpAsync()
    {
        try
        {
            await CatchUpAsync();
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
                if (_hub.State == HubConnectionState.Connected && await TryCatchUpAsync())
                {
                    await Set("Live");
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException or IOException
                or System.Net.WebSockets.WebSocketException or Microsoft.AspNetCore.SignalR.HubException)
            {
                // The server is not back yet: try again.
            }
        }
    }

    /// <summary>Automatic reconnection that never gives up: at once, then after 1, 2, 5 s, then every 10 s with a little jitter, so a crowd coming back after a restart is spread out.</summary>
    private sealed class NeverGiveUp : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext context) => Pause(context.PreviousRetryCount);

        public static TimeSpan Pause(long attempt) => attempt switch
        {
            0 => TimeSpan.Zero,
            1 => TimeSpan.FromSeconds(1),
            2 => TimeSpan.FromSeconds(2),
            3 => TimeSpan.FromSeconds(5),
            _ => TimeSpan.FromSeconds(8 + Random.Shared.NextDouble() * 4),
        };
    }

    private void Take(MeetingSnapshot snapshot)
    {
        Snapshot = snapshot;
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
