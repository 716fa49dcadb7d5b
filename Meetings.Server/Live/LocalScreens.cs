using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Meetings.Server.Live;

/// <summary>
/// The hub connections open on this instance, by id, so that a live update serialized once can be written to each
/// of them as it is (<see cref="HubConnectionContext.WriteAsync(SerializedHubMessage, CancellationToken)"/>) instead
/// of being serialized again per connection. Filled by <see cref="LocalScreens{THub}"/>.
/// </summary>
public sealed class LocalConnections
{
    private readonly ConcurrentDictionary<string, HubConnectionContext> _here = new(StringComparer.Ordinal);

    public HubConnectionContext? Find(string connectionId) => _here.GetValueOrDefault(connectionId);

    /// <summary>The connections here of someone signed in (staff: a few among thousands of viewers).</summary>
    public IEnumerable<HubConnectionContext> SignedIn => _here.Values.Where(c => c.User.Identity?.IsAuthenticated == true);

    internal void Add(HubConnectionContext connection) => _here[connection.ConnectionId] = connection;

    internal void Remove(HubConnectionContext connection) => _here.TryRemove(connection.ConnectionId, out _);
}

/// <summary>
/// SignalR's lifetime manager for the hub (its own, or the Redis one that <see cref="ScaleOut"/> registers under
/// <see cref="Shared"/>), which also keeps <see cref="LocalConnections"/>. A connection's coming and going, and its
/// joining and leaving the clerks' group, wait for the shared manager at most <see cref="SharedWait"/>: the Redis one
/// subscribes in Redis for each, and with Redis away every screen that connected, and every clerk who joined, was
/// refused after five seconds (review, 2026-11-29), although nothing a screen is shown depends on Redis. Past that
/// wait the subscription goes on by itself (Redis's client subscribes again when Redis is back) and a failure is
/// logged. Sends pass through unchanged.
/// </summary>
internal sealed class LocalScreens<THub>(HubLifetimeManager<THub> inner, LocalConnections here, ILogger<LocalScreens<THub>> log)
    : HubLifetimeManager<THub> where THub : Hub
{
    /// <summary>The key under which a lifetime manager shared by several instances is registered, when there is one.</summary>
    public const string Shared = "shared";

    /// <summary>How long a connection's coming or going, or a group change, waits for the shared manager (Redis answers in a millisecond or two).</summary>
    public static readonly TimeSpan SharedWait = TimeSpan.FromSeconds(1);

    // Arrivals the shared manager has not finished (Redis away): a departure waits for its arrival, or the shared manager
    // would take in, and stay subscribed for, a connection already gone (review, 2026-11-29).
    private readonly ConcurrentDictionary<string, Task> _arriving = new(StringComparer.Ordinal);

    public override Task OnConnectedAsync(HubConnectionContext connection)
    {
        here.Add(connection);
        var arrival = inner.OnConnectedAsync(connection);
        if (!arrival.IsCompleted)
        {
            _arriving[connection.ConnectionId] = arrival;
            _ = arrival.ContinueWith(_ => _arriving.TryRemove(new(connection.ConnectionId, arrival)), CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        return AtMostAWhile(arrival, "a connection's arrival");
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        here.Remove(connection);
        var departure = _arriving.TryGetValue(connection.ConnectionId, out var arrival)
            ? arrival.ContinueWith(_ => inner.OnDisconnectedAsync(connection), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap()
            : inner.OnDisconnectedAsync(connection);
        return AtMostAWhile(departure, "a connection's departure");
    }

    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        AtMostAWhile(inner.AddToGroupAsync(connectionId, groupName, cancellationToken), "joining a group");

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        AtMostAWhile(inner.RemoveFromGroupAsync(connectionId, groupName, cancellationToken), "leaving a group");

    /// <summary>Waits for the shared manager's part at most <see cref="SharedWait"/>; a failure, then or later, is logged, not thrown.</summary>
    private async Task AtMostAWhile(Task shared, string what)
    {
        if (shared.IsCompletedSuccessfully) return;
        try
        {
            await shared.WaitAsync(SharedWait);
        }
        catch (TimeoutException)
        {
            _ = shared.ContinueWith(t => log.LogWarning(t.Exception, "The backplane failed {What}; it is tried again when it is back.", what),
                CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
        catch (Exception e)
        {
            log.LogWarning(e, "The backplane failed {What}; it is tried again when it is back.", what);
        }
    }

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        inner.SendAllAsync(methodName, args, cancellationToken);

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        inner.SendAllExceptAsync(methodName, args, excludedConnectionIds, cancellationToken);

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        inner.SendConnectionAsync(connectionId, methodName, args, cancellationToken);

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        inner.SendConnectionsAsync(connectionIds, methodName, args, cancellationToken);

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        inner.SendGroupAsync(groupName, methodName, args, cancellationToken);

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        inner.SendGroupExceptAsync(groupName, methodName, args, excludedConnectionIds, cancellationToken);

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        inner.SendGroupsAsync(groupNames, methodName, args, cancellationToken);

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        inner.SendUserAsync(userId, methodName, args, cancellationToken);

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        inner.SendUsersAsync(userIds, methodName, args, cancellationToken);

    public override Task<T> InvokeConnectionAsync<T>(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken) =>
        inner.InvokeConnectionAsync<T>(connectionId, methodName, args, cancellationToken);

    public override Task SetConnectionResultAsync(string connectionId, CompletionMessage result) => inner.SetConnectionResultAsync(connectionId, result);

    public override bool TryGetReturnType(string invocationId, [NotNullWhen(true)] out Type? type) => inner.TryGetReturnType(invocationId, out type);
}
