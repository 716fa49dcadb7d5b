using System.Collections.Concurrent;

namespace Meetings.Server.Live;

/// <summary>
/// Which meetings have someone connected to this instance. The watcher keeps those current with what other
/// instances append; a meeting nobody here is watching needs no polling.
/// </summary>
public sealed class Audience
{
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<string, byte>> _meetings = new();

    public void Joined(Guid meetingId, string connectionId) =>
        _meetings.GetOrAdd(meetingId, _ => new()).TryAdd(connectionId, 0);

    public void Left(Guid meetingId, string connectionId)
    {
        if (_meetings.TryGetValue(meetingId, out var connections)) connections.TryRemove(connectionId, out _);
    }

    public void Disconnected(string connectionId)
    {
        foreach (var connections in _meetings.Values) connections.TryRemove(connectionId, out _);
    }

    public IReadOnlyCollection<Guid> Watched => [.. _meetings.Where(m => !m.Value.IsEmpty).Select(m => m.Key)];
}
