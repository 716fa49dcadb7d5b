using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Meetings.Server.ScaleOut;

/// <summary>
/// SignalR's Redis lifetime manager, except that a meeting's live updates stay on the instance that sends them. Each
/// instance sends its own screens what it reads from the journal (told at once by the <see cref="CommitRelay"/>), so
/// passing a meeting's updates through Redis as well would bring each screen every update once per instance. Every
/// other group (the clerks' phone panel) and every message to a connection or a user still goes through Redis.
/// </summary>
internal sealed class InstanceMeetingGroups<THub>(HubLifetimeManager<THub> redis) : HubLifetimeManager<THub> where THub : Hub
{
    // The live broadcaster's group of a meeting's screens is "meeting:{id}"; the clerks' group is "clerks:{id}".
    private const string MeetingGroup = "meeting:";
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _here = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HubConnectionContext> _connections = new(StringComparer.Ordinal);

    private static bool StaysHere(string group) => group.StartsWith(MeetingGroup, StringComparison.Ordinal);

    private IReadOnlyList<string> Members(string group, IReadOnlyList<string>? except = null) =>
        _here.TryGetValue(group, out var members) ? [.. members.Keys.Where(c => except is null || !except.Contains(c))] : [];

    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        if (!StaysHere(groupName)) return redis.AddToGroupAsync(connectionId, groupName, cancellationToken);
        _here.GetOrAdd(groupName, _ => new(StringComparer.Ordinal)).TryAdd(connectionId, 0);
        return Task.CompletedTask;
    }

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        if (!StaysHere(groupName)) return redis.RemoveFromGroupAsync(connectionId, groupName, cancellationToken);
        if (_here.TryGetValue(groupName, out var members)) members.TryRemove(connectionId, out _);
        return Task.CompletedTask;
    }

    public override Task OnConnectedAsync(HubConnectionContext connection)
    {
        _connections[connection.ConnectionId] = connection;
        return redis.OnConnectedAsync(connection);
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        _connections.TryRemove(connection.ConnectionId, out _);
        foreach (var members in _here.Values) members.TryRemove(connection.ConnectionId, out _);
        return redis.OnDisconnectedAsync(connection);
    }

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        StaysHere(groupName) ? SendHereAsync(Members(groupName), methodName, args, cancellationToken)
            : redis.SendGroupAsync(groupName, methodName, args, cancellationToken);

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        StaysHere(groupName) ? SendHereAsync(Members(groupName, excludedConnectionIds), methodName, args, cancellationToken)
            : redis.SendGroupExceptAsync(groupName, methodName, args, excludedConnectionIds, cancellationToken);

    /// <summary>Writes to connections on this instance directly, serialized once for all, as SignalR's own manager does.</summary>
    private async Task SendHereAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken ct)
    {
        var message = new SerializedHubMessage(new InvocationMessage(methodName, args));
        var writes = new List<Task>();
        foreach (var id in connectionIds)
            if (_connections.TryGetValue(id, out var connection))
            {
                var write = connection.WriteAsync(message, ct);
                if (!write.IsCompletedSuccessfully) writes.Add(write.AsTask());
            }
        await Task.WhenAll(writes);
    }

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Task.WhenAll(groupNames.Select(g => SendGroupAsync(g, methodName, args, cancellationToken)));

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        redis.SendAllAsync(methodName, args, cancellationToken);

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        redis.SendAllExceptAsync(methodName, args, excludedConnectionIds, cancellationToken);

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        redis.SendConnectionAsync(connectionId, methodName, args, cancellationToken);

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        redis.SendConnectionsAsync(connectionIds, methodName, args, cancellationToken);

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        redis.SendUserAsync(userId, methodName, args, cancellationToken);

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        redis.SendUsersAsync(userIds, methodName, args, cancellationToken);

    public override Task<T> InvokeConnectionAsync<T>(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken) =>
        redis.InvokeConnectionAsync<T>(connectionId, methodName, args, cancellationToken);

    public override Task SetConnectionResultAsync(string connectionId, CompletionMessage result) => redis.SetConnectionResultAsync(connectionId, result);

    public override bool TryGetReturnType(string invocationId, [NotNullWhen(true)] out Type? type) => redis.TryGetReturnType(invocationId, out type);
}
