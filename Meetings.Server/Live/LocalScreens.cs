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
/// <see cref="Shared"/>), which also keeps <see cref="LocalConnections"/>. Everything else passes through unchanged.
/// </summary>
internal sealed class LocalScreens<THub>(HubLifetimeManager<THub> inner, LocalConnections here) : HubLifetimeManager<THub> where THub : Hub
{
    /// <summary>The key under which a lifetime manager shared by several instances is registered, when there is one.</summary>
    public const string Shared = "shared";

    public override Task OnConnectedAsync(HubConnectionContext connection)
    {
        here.Add(connection);
        return inner.OnConnectedAsync(connection);
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        here.Remove(connection);
        return inner.OnDisconnectedAsync(connection);
    }

    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        inner.AddToGroupAsync(connectionId, groupName, cancellationToken);

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        inner.RemoveFromGroupAsync(connectionId, groupName, cancellationToken);

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
