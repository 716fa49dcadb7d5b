using System.Collections.Concurrent;
using System.Threading.Channels;
using Meetings.Server.Followers;
using Meetings.Server.Meetings;
using StackExchange.Redis;

namespace Meetings.Server.ScaleOut;

/// <summary>
/// Tells the other instances, through Redis, which meeting this one has just committed to, and catches up at once
/// the meetings the others committed to. The journal stays the one account of what happened: Redis carries only
/// the news that something did, so a lost message (Redis restarting) costs promptness, never an event; the
/// watcher's pass finds it anyway. Each instance hands what it caught up to its own screens, so every screen gets
/// each change once, in journal order, from the instance it is connected to.
/// </summary>
public sealed class CommitRelay(ConfigurationOptions redis, CommitSignal commits, MeetingStore store, ILogger<CommitRelay> log) : BackgroundService
{
    private static readonly RedisChannel Commits = RedisChannel.Literal("commits");
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);

    // News from this instance carries its name, so it does not catch up with its own commits.
    private readonly string _instance = Guid.NewGuid().ToString("N");
    // A burst of commits to one meeting is one catch-up: a meeting waits here at most once.
    private readonly ConcurrentDictionary<Guid, byte> _waiting = new();
    private readonly Channel<Guid> _behind = Channel.CreateUnbounded<Guid>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ISubscriber? _subscriber;

    /// <summary>Completes once this instance is listening for other instances' news (Redis answered).</summary>
    public Task Ready => _ready.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var connection = await ConnectAsync(stoppingToken);
        if (connection is null) return;
        _subscriber = connection.GetSubscriber();
        commits.Committed += Announce;
        _ready.TrySetResult();
        try
        {
            await foreach (var meetingId in _behind.Reader.ReadAllAsync(stoppingToken))
            {
                _waiting.TryRemove(meetingId, out _);
                try
                {
                    await store.RefreshAsync(meetingId, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The watcher's next pass catches this meeting up instead.
                    log.LogWarning(e, "Catching up meeting {MeetingId} after another instance's change failed.", meetingId);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            commits.Committed -= Announce;
        }
    }

    /// <summary>Connects and subscribes, trying again until Redis answers; StackExchange.Redis reconnects and resubscribes by itself after that.</summary>
    private async Task<ConnectionMultiplexer?> ConnectAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            ConnectionMultiplexer? connection = null;
            try
            {
                connection = await ConnectionMultiplexer.ConnectAsync(redis);
                await connection.GetSubscriber().SubscribeAsync(Commits, (_, message) => Heard(message));
                log.LogInformation("Relaying commits to and from other instances through Redis ({Endpoints}).", string.Join(", ", redis.EndPoints));
                return connection;
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                log.LogWarning("Redis is not answering ({Message}); other instances' changes reach this one by the watcher until it does.", e.Message);
                if (connection is not null) await connection.DisposeAsync();
                try { await Task.Delay(RetryAfter, ct); }
                catch (OperationCanceledException) { }
            }
        }
        return null;
    }

    /// <summary>Called right after a commit, under the meeting's lock: never waits and never throws into the command.</summary>
    private void Announce(Guid meetingId)
    {
        try
        {
            _subscriber?.Publish(Commits, $"{_instance}:{meetingId:N}", CommandFlags.FireAndForget);
        }
        catch (Exception e)
        {
            log.LogDebug(e, "Could not tell other instances about meeting {MeetingId}.", meetingId);
        }
    }

    private void Heard(RedisValue message)
    {
        var text = message.ToString();
        var colon = text.IndexOf(':');
        if (colon < 0 || text.AsSpan(0, colon).SequenceEqual(_instance) || !Guid.TryParse(text.AsSpan(colon + 1), out var meetingId)) return;
        if (_waiting.TryAdd(meetingId, 0)) _behind.Writer.TryWrite(meetingId);
    }
}
