using System.Collections.Concurrent;
using Meetings.Client.Contracts;
using Meetings.Server.Domain;
using Meetings.Server.Moderation;
using Microsoft.AspNetCore.SignalR;

namespace Meetings.Server.Live;

/// <summary>
/// The one way anything reaches the screens of a meeting: the hub, REST, phone webhooks and jobs all change a
/// meeting through <see cref="Meetings.MeetingStore"/>, which calls this after the change is committed. Each meeting
/// followed here has a <see cref="MeetingFeed"/> that turns changes into small updates (a JSON Patch of the public
/// snapshot, computed once) and an <see cref="Outbox"/> per screen that sends them at that screen's pace. The live
/// push is not durable: a screen that misses something catches up by sequence number. What else follows from a
/// commit (notices, phone lines) is done by the journal's followers, never here, so nothing here waits for them.
/// </summary>
public sealed class MeetingBroadcaster(LocalConnections connections, TimeProvider clock, IServiceProvider services, ScreenUpdates updates, ILogger<MeetingBroadcaster> log)
{
    private readonly ConcurrentDictionary<Guid, MeetingFeed> _feeds = new();
    // Per connection, the meetings it follows (nearly always one): a small array, replaced whole, costs a screen least.
    private readonly ConcurrentDictionary<string, Guid[]> _following = new(StringComparer.Ordinal);

    /// <summary>The clerks of a meeting, who alone see the phone callers' states.</summary>
    public static string ClerksGroup(Guid meetingId) => $"clerks:{meetingId:N}";

    /// <summary>The meetings someone on this instance follows: the watcher keeps them current with other instances' appends.</summary>
    public IReadOnlyCollection<Guid> Watched => [.. _feeds.Where(f => f.Value.Screens.Count > 0).Select(f => f.Key)];

    /// <summary>
    /// Hands what was just committed to the meeting's feed, if anyone here follows it. Call it under the meeting's
    /// lock: the events' public texts are taken from the state as committed, and the lock's order is the order screens
    /// see. The snapshot is made when the feed is ready to send it, and a text hidden by then is taken out again.
    /// </summary>
    public Task PublishAsync(Meeting meeting, IReadOnlyList<JournalEntry> entries)
    {
        if (entries.Count > 0 && _feeds.TryGetValue(meeting.Id, out var feed))
        {
            feed.Publish(PublicRecord.Events(entries, meeting.TextIsPublic));
            updates.Handed();
        }
        return Task.CompletedTask;
    }

    /// <summary>Starts the meeting's feed from its state now, if it has none (call under the meeting's lock).</summary>
    public SharedSnapshot Load(Meeting meeting)
    {
        var feed = Feed(meeting.Id);
        if (feed.Current is null) feed.Load(LiveViews.Snapshot(meeting, clock.GetUtcNow()), meeting.AccessCode);
        return feed.Current!;
    }

    /// <summary>
    /// Whether screens here follow the meeting: the watcher then brings what other instances append within its
    /// interval, so the state held here is as current as what the screens are shown.
    /// </summary>
    public bool KeptCurrent(Guid meetingId) => _feeds.TryGetValue(meetingId, out var feed) && feed.Followed;

    /// <summary>The meeting's snapshot as screens here last got it, or null if no screen here has asked for it yet (or lately).</summary>
    public SharedSnapshot? Current(Guid meetingId) => _feeds.TryGetValue(meetingId, out var feed) && !feed.Retired ? feed.Current : null;

    /// <summary>
    /// The public view of a meeting that screens here follow, as they last got it, and its phone access code: a page
    /// made from it needs neither the meeting's lock nor the database. Null when no screen here follows the meeting
    /// (another instance's changes reach only followed meetings here) or when it may be private.
    /// </summary>
    public (MeetingSnapshot Snapshot, string AccessCode)? PublicView(Guid meetingId) =>
        _feeds.TryGetValue(meetingId, out var feed) && feed.Current is { MaybePrivate: false } shared && feed.Followed
            ? (shared.Snapshot with { ServerTime = clock.GetUtcNow() }, feed.AccessCode)
            : null;

    /// <summary>
    /// Makes a connection follow a meeting and returns the snapshot it starts from. Null when the meeting's feed here is
    /// not loaded (it was swept since it was): load it (<see cref="Load"/>) and follow again.
    /// </summary>
    public SharedSnapshot? Follow(Guid meetingId, string connectionId)
    {
        // The feed first, then the connection's list: a disconnect that runs between the two finds the list without
        // this meeting and leaves the feed's screen (the other order left it for good, review 2026-11-29), but the
        // connection's token was cancelled before its disconnect ran, so the join that called this sees that and
        // drops the connection again, list and screen.
        var snapshot = Feed(meetingId).Follow(connectionId);
        if (snapshot is not null) _following.AddOrUpdate(connectionId, [meetingId], (_, held) => held.Contains(meetingId) ? held : [.. held, meetingId]);
        return snapshot;
    }

    /// <summary>How long the feed of a meeting nobody here follows is kept: screens coming back after a blip or a restart find it loaded.</summary>
    public static readonly TimeSpan KeptUnfollowed = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Drops the feeds of meetings nobody here has followed for <see cref="KeptUnfollowed"/>, and returns how many: a
    /// server up for months would otherwise keep the snapshot of every meeting anyone ever opened, archive and all.
    /// The watcher calls it; the next screen to join such a meeting reads it again.
    /// </summary>
    public int Sweep()
    {
        var before = clock.GetUtcNow() - KeptUnfollowed;
        var swept = 0;
        foreach (var (id, feed) in _feeds)
            if (feed.TryRetire(before) && _feeds.TryRemove(new(id, feed))) swept++;
        return swept;
    }

    /// <summary>How many meetings have a feed here: for tests.</summary>
    public int Feeds => _feeds.Count;

    public void Unfollow(Guid meetingId, string connectionId)
    {
        if (_feeds.TryGetValue(meetingId, out var feed)) feed.Unfollow(connectionId);
        // Never adds an entry: a leave still running when its connection's disconnect has passed must leave nothing.
        while (_following.TryGetValue(connectionId, out var held))
        {
            Guid[] left = [.. held.Where(m => m != meetingId)];
            if (left.Length == 0 ? _following.TryRemove(new(connectionId, held)) : _following.TryUpdate(connectionId, left, held)) return;
        }
    }

    /// <summary>How many connections here follow any meeting: for tests, that none is left behind.</summary>
    public int Following => _following.Count;

    public void Disconnected(string connectionId)
    {
        if (!_following.TryRemove(connectionId, out var meetings)) return;
        foreach (var meetingId in meetings)
            if (_feeds.TryGetValue(meetingId, out var feed)) feed.Unfollow(connectionId);
    }

    /// <summary>For tests and benchmarks: the most updates waiting for any one screen of the meeting, and the resyncs sent so far.</summary>
    public (int MostWaiting, int Resyncs) Backlog(Guid meetingId)
    {
        var screens = _feeds.TryGetValue(meetingId, out var feed) ? feed.Screens : [];
        return (screens.Count == 0 ? 0 : screens.Max(s => s.Waiting), screens.Sum(s => s.Resyncs));
    }

    /// <summary>The meeting's feed here; one retired by a sweep is replaced (not loaded yet).</summary>
    private MeetingFeed Feed(Guid meetingId)
    {
        while (true)
        {
            var feed = _feeds.GetOrAdd(meetingId, id => new MeetingFeed(id, connectionId => new Outbox(id, Writer(connectionId), log), take => SnapshotNowAsync(id, take), clock, log));
            if (!feed.Retired) return feed;
            _feeds.TryRemove(new(meetingId, feed));
        }
    }

    /// <summary>
    /// The meeting's public snapshot as it stands, and whether an event's texts are public now, taken under its lock.
    /// The store is looked up here, not taken in the constructor, because the store hands every commit to this broadcaster.
    /// </summary>
    private async Task SnapshotNowAsync(Guid meetingId, Action<MeetingSnapshot, Func<long, bool>> take) =>
        await services.GetRequiredService<Meetings.MeetingStore>().ReadHeldAsync(meetingId, m =>
        {
            take(LiveViews.Snapshot(m, clock.GetUtcNow()), m.TextIsPublic);
            return true;
        });

    /// <summary>Writes updates to a connection as serialized once; a connection gone before it followed gets nothing.</summary>
    private Func<LiveUpdate, ValueTask> Writer(string connectionId) =>
        connections.Find(connectionId) is { } connection ? update => connection.WriteAsync(update.Invocation) : _ => ValueTask.CompletedTask;
}
