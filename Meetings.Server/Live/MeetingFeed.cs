using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Meetings.Client.Contracts;
using Meetings.Server.Domain;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Meetings.Server.Live;

/// <summary>
/// Calls <c>take</c> under the meeting's lock with the meeting's public snapshot as it stands then, so that the events
/// handed on until then are exactly those up to that snapshot, and with whether the texts of the event at a sequence
/// are public then.
/// </summary>
internal delegate Task UnderTheMeetingsLock(Action<MeetingSnapshot, Func<long, bool>> take);

/// <summary>
/// One meeting's live feed on this instance: the public snapshot at the last sequence it handed on, serialized once
/// and shared by every <c>Join</c>, and the screens that follow it. Changes' events arrive in order from
/// <see cref="MeetingBroadcaster"/> (under the meeting's lock) and are worked on here, off that lock: whatever changed
/// while the previous update was being sent becomes one JSON Patch, computed once for every screen, and each
/// screen's <see cref="Outbox"/> sends it at that screen's pace. The snapshot is made once per update, when the feed
/// is ready to send it (<paramref name="snapshotNow"/>, a moment under the meeting's lock), not once per change: a
/// flood of changes makes no snapshots that nobody is sent.
/// </summary>
internal sealed class MeetingFeed(Guid meetingId, Func<string, Outbox> outboxFor, UnderTheMeetingsLock snapshotNow, TimeProvider clock, ILogger log)
{
    /// <summary>
    /// The most events an update carries. More gathered while the previous update was being sent (a flood): the update
    /// then carries the patch alone and says its events were left out, so it stays small and every screen gets the
    /// meeting as it is now instead of falling behind. (A speaker added is about 0.3 KB of patch and 0.75 KB of event.)
    /// </summary>
    public const int MostEventsPerUpdate = 50;

    /// <summary>How many screens are posted an update before the rest wait their turn behind other work.</summary>
    internal const int ScreensPerSlice = 64;

    /// <summary>Work items waiting in the thread pool below which the sending of an update counts as done.</summary>
    private const int QuietBacklog = 64;

    /// <summary>The longest the next update waits for screens still taking this one.</summary>
    private static readonly TimeSpan MostWait = TimeSpan.FromSeconds(1);

    /// <summary>The events that take a name or a comment from the public: updates made before one must not reach a screen after it.</summary>
    private static readonly HashSet<string> WithdrawsText = [nameof(SpeakerNameHidden), nameof(SpeakerNameReplaced), nameof(WrittenCommentHidden)];

    private readonly Lock _gate = new();
    private readonly Channel<bool> _changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly Lock _pendingGate = new();
    private List<JournalEventDto> _pendingEvents = [];
    private readonly Dictionary<string, Outbox> _screens = new(StringComparer.Ordinal);
    private Outbox[]? _screenList;
    private SharedSnapshot? _current;
    private JsonDocument? _document;
    // Since when no screen has followed the feed (from its loading), and whether it was retired for that.
    private DateTimeOffset? _unfollowedSince;
    private bool _retired;
    // Changes came in while the last update went out (the pump's own: only it reads or writes this).
    private bool _changesKeepComing;

    public SharedSnapshot? Current => Volatile.Read(ref _current);

    public IReadOnlyList<Outbox> Screens
    {
        get { lock (_gate) return _screenList ??= [.. _screens.Values]; }
    }

    /// <summary>Whether any screen here follows the meeting.</summary>
    public bool Followed
    {
        get { lock (_gate) return _screens.Count > 0; }
    }

    /// <summary>The code that joins the meeting by phone, which never changes once the meeting is scheduled.</summary>
    public string AccessCode { get; private set; } = "";

    /// <summary>The meeting as first read on this instance (under the meeting's lock): the base the first patch is worked out from.</summary>
    public void Load(MeetingSnapshot snapshot, string accessCode)
    {
        lock (_gate)
        {
            if (_current is not null) return;
            AccessCode = accessCode;
            var utf8 = JsonSerializer.SerializeToUtf8Bytes(snapshot, LiveJson.Options);
            _document = JsonDocument.Parse(utf8);
            Volatile.Write(ref _current, new SharedSnapshot(snapshot, utf8));
            _unfollowedSince = clock.GetUtcNow();
            _ = Task.Run(PumpAsync);
        }
    }

    /// <summary>Hands on a committed change's events (under the meeting's lock, so in order). Before the feed is loaded nobody follows it.</summary>
    public void Publish(IReadOnlyList<JournalEventDto> events)
    {
        if (Current is null) return;
        lock (_pendingGate) _pendingEvents.AddRange(events);
        _changed.Writer.TryWrite(true);
    }

    /// <summary>
    /// Adds a screen and returns the snapshot it starts from: every update after that snapshot reaches it. Null, and
    /// nothing added, when the feed is not loaded or was retired: the screen loads the meeting again.
    /// </summary>
    public SharedSnapshot? Follow(string connectionId)
    {
        lock (_gate)
        {
            if (_retired || _current is null) return null;
            if (!_screens.ContainsKey(connectionId))
            {
                _screens[connectionId] = outboxFor(connectionId);
                _screenList = null;
            }
            _unfollowedSince = null;
            return _current;
        }
    }

    public void Unfollow(string connectionId)
    {
        lock (_gate)
        {
            if (!_screens.Remove(connectionId, out var outbox)) return;
            outbox.Close();
            _screenList = null;
            if (_screens.Count == 0) _unfollowedSince = clock.GetUtcNow();
        }
    }

    public bool Retired
    {
        get { lock (_gate) return _retired; }
    }

    /// <summary>
    /// Retires the feed if no screen has followed it since <paramref name="before"/> (or it was never loaded: a join
    /// refused after it was made): it follows nothing more, and its pump ends.
    /// </summary>
    public bool TryRetire(DateTimeOffset before)
    {
        lock (_gate)
        {
            if (_screens.Count > 0 || (_current is not null && (_unfollowedSince is not { } since || since > before))) return false;
            _retired = true;
        }
        _changed.Writer.TryComplete();
        return true;
    }

    private async Task PumpAsync()
    {
        while (await _changed.Reader.WaitToReadAsync())
        {
            _changed.Reader.TryRead(out _);
            // Woken with nothing handed on (the events went out with the last update): no snapshot to make.
            lock (_pendingGate) if (_pendingEvents.Count == 0) continue;
            List<JournalEventDto> events = [];
            MeetingSnapshot? latest = null;
            try
            {
                await snapshotNow((snapshot, textIsPublic) =>
                {
                    // A name or comment the clerk hid after its event was handed on does not go out with it.
                    lock (_pendingGate)
                    {
                        events = [.. _pendingEvents.Select(e => e.Texts is null || textIsPublic(e.Sequence) ? e : e with { Texts = null })];
                        _pendingEvents = [];
                    }
                    latest = snapshot;
                });
            }
            catch (Exception e) when (latest is null)
            {
                // Nothing was taken: the events wait, and the feed looks again shortly rather than at the next change.
                log.LogError(e, "The snapshot of meeting {MeetingId} could not be made for its screens; trying again in a second.", meetingId);
                _ = RetrySoonAsync();
                continue;
            }
            catch (Exception e)
            {
                // Taken, and only letting go of the lock failed: the update goes out.
                log.LogError(e, "Reading meeting {MeetingId} for its screens failed after its snapshot was taken.", meetingId);
            }
            if (latest is null) continue;
            LiveUpdate? handed = null;
            try
            {
                handed = await HandAsync(events, latest);
            }
            catch (Exception e)
            {
                log.LogError(e, "Working out update {Sequence} of meeting {MeetingId} failed; its screens are told to catch up.", latest.Sequence, meetingId);
                TryResync(latest);
            }
            if (handed is not null) await SentAsync(handed);
            lock (_pendingGate) _changesKeepComing = _pendingEvents.Count > 0;
        }
    }

    private async Task RetrySoonAsync()
    {
        await Task.Delay(TimeSpan.FromSeconds(1));
        _changed.Writer.TryWrite(true);
    }

    /// <summary>
    /// Paced: the next update waits until this one is sent, as far as the server can tell: nearly every screen has
    /// taken it, and the thread pool has worked off the sending it set off (never longer than <see cref="MostWait"/>).
    /// Whatever changes meanwhile goes out together. So the work of sending never outgrows what the server can send:
    /// a flood of changes makes fewer, larger updates instead of a backlog, commands get their turn between updates,
    /// and a slow screen holds up nobody.
    /// </summary>
    private static async Task SentAsync(LiveUpdate update)
    {
        var started = Stopwatch.GetTimestamp();
        await update.Delivery.Mostly.WaitAsync(MostWait).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        while (ThreadPool.PendingWorkItemCount > QuietBacklog && Stopwatch.GetElapsedTime(started) < MostWait) await Task.Delay(5);
    }

    /// <summary>Works out the patch from the snapshot screens hold to <paramref name="latest"/>, once, and posts it to every screen.</summary>
    private async Task<LiveUpdate?> HandAsync(List<JournalEventDto> events, MeetingSnapshot latest)
    {
        var before = _current!;
        if (latest.Sequence <= before.Sequence) return null;
        var utf8 = JsonSerializer.SerializeToUtf8Bytes(latest, LiveJson.Options);
        var document = JsonDocument.Parse(utf8);
        var patch = SnapshotDiff.Diff(_document!.RootElement, document.RootElement);
        Outbox[] screens;
        lock (_gate)
        {
            Volatile.Write(ref _current, new SharedSnapshot(latest, utf8));
            screens = _screenList ??= [.. _screens.Values];
        }
        _document.Dispose();
        _document = document;
        JournalEventDto[] carried = [.. events.Where(e => e.Sequence > before.Sequence && e.Sequence <= latest.Sequence)];
        var withdraws = carried.Any(e => WithdrawsText.Contains(e.Type));
        var update = carried.Length <= MostEventsPerUpdate
            ? LiveUpdate.Patch(meetingId, before.Sequence, latest.Sequence, carried, patch, screens.Length, withdraws)
            : LiveUpdate.Patch(meetingId, before.Sequence, latest.Sequence, [], patch, screens.Length, withdraws, eventsLeftOut: true);
        // Sixty-four screens at a time, then to the back of the thread pool's queue: what a command needs done
        // meanwhile waits behind one slice of the sending, not behind all of it. Each screen's post sends to its
        // socket there and then (HubPipes), so the sending is done by the lanes that post. A lone change goes out on
        // every core, to reach every screen soonest. While changes keep coming (a flood), the update goes out on one,
        // and the other cores are left to the commands that make the changes: in the bench's flood, a sign-up's
        // p99 was 36-54 ms with one lane, 123 ms with a lane per core, and the updates still reached the screens
        // within a second (infra/bench/HISTORY.md, 2026-11-29 to 30).
        var lanes = _changesKeepComing ? 1 : Environment.ProcessorCount;
        var posting = new Task[lanes];
        for (var lane = 0; lane < lanes; lane++) posting[lane] = PostAsync(screens, lane, lanes, update);
        await Task.WhenAll(posting);
        return update;
    }

    /// <summary>Posts <paramref name="update"/> to every <paramref name="lanes"/>-th slice of the screens from <paramref name="lane"/>, each slice in a work item of its own.</summary>
    private static async Task PostAsync(Outbox[] screens, int lane, int lanes, LiveUpdate update)
    {
        for (var start = lane * ScreensPerSlice; start < screens.Length; start += lanes * ScreensPerSlice)
        {
            await Task.Yield();
            for (var i = start; i < Math.Min(start + ScreensPerSlice, screens.Length); i++) screens[i].Post(update);
        }
    }

    /// <summary>Tells every screen to catch up from <paramref name="latest"/>; if even that fails, the feed carries on with the next change.</summary>
    private void TryResync(MeetingSnapshot latest)
    {
        try
        {
            Resync(latest);
        }
        catch (Exception e)
        {
            log.LogError(e, "Telling the screens of meeting {MeetingId} to catch up at {Sequence} failed too; the next change is tried afresh.", meetingId, latest.Sequence);
        }
    }

    private void Resync(MeetingSnapshot latest)
    {
        Outbox[] screens;
        lock (_gate)
        {
            var utf8 = JsonSerializer.SerializeToUtf8Bytes(latest, LiveJson.Options);
            _document?.Dispose();
            _document = JsonDocument.Parse(utf8);
            var from = _current!.Sequence;
            Volatile.Write(ref _current, new SharedSnapshot(latest, utf8));
            screens = _screenList ??= [.. _screens.Values];
            foreach (var screen in screens) screen.Post(LiveUpdate.Resync(meetingId, from, latest.Sequence));
        }
    }
}

/// <summary>A snapshot as screens get it: serialized once at its sequence; only the server time is stamped per answer.</summary>
public sealed class SharedSnapshot
{
    private static readonly byte[] ServerTimeName = "\"serverTime\":"u8.ToArray();
    private readonly byte[] _utf8;
    private readonly int _timeStart;
    private readonly int _timeEnd;

    public SharedSnapshot(MeetingSnapshot snapshot, byte[] utf8)
    {
        (Snapshot, Sequence, MaybePrivate, BodyId, _utf8) = (snapshot, snapshot.Sequence,
            snapshot.Meeting.Status is nameof(MeetingStatus.Draft) or nameof(MeetingStatus.Cancelled), snapshot.Meeting.BodyId, utf8);
        // The server time is a top-level string after every list (residents' texts are escaped, so no quote inside
        // them can look like this name): the bytes around its value are shared as they are.
        _timeStart = utf8.AsSpan().LastIndexOf(ServerTimeName) + ServerTimeName.Length;
        _timeEnd = _timeStart + 1 + utf8.AsSpan(_timeStart + 1).IndexOf((byte)'"') + 1;
    }

    /// <summary>The snapshot itself, for a page made from it.</summary>
    public MeetingSnapshot Snapshot { get; }
    public long Sequence { get; }
    /// <summary>A draft, or a cancelled meeting that may never have been posted: who may see it is asked of the meeting.</summary>
    public bool MaybePrivate { get; }
    public Guid BodyId { get; }
    public int Length => _utf8.Length;

    /// <summary>The snapshot with the server's time now, so a screen that joins much later still sets its clock right.</summary>
    public RawJson At(DateTimeOffset now) => RawJson.WithTime(_utf8, _timeStart, _timeEnd, now);
}

/// <summary>
/// One change as screens get it, serialized once (the events, the patch and the envelope) and written as it is to
/// every screen; or, for a screen that could not keep up, the word to catch up.
/// </summary>
internal sealed class LiveUpdate
{
    private LiveUpdate(long from, long sequence, RawJson message, bool resync, int screens, bool withdrawsText = false)
    {
        (From, Sequence, Message, IsResync, WithdrawsText) = (from, sequence, message, resync, withdrawsText);
        Invocation = new SerializedHubMessage(new InvocationMessage(nameof(IMeetingClient.MeetingUpdated), [message]));
        Delivery = new UpdateDelivery(screens);
    }

    public long From { get; }
    public long Sequence { get; }
    public bool IsResync { get; }
    /// <summary>It hides a name or a comment: the updates made before it, still waiting for a screen, may carry that text.</summary>
    public bool WithdrawsText { get; }
    /// <summary>The <c>MeetingUpdate</c> as JSON, the argument of <c>MeetingUpdated</c>.</summary>
    public RawJson Message { get; }
    /// <summary>The whole <c>MeetingUpdated</c> message, serialized once per protocol for every connection.</summary>
    public SerializedHubMessage Invocation { get; }
    /// <summary>How many of the screens it was posted to have it yet.</summary>
    public UpdateDelivery Delivery { get; }

    /// <summary>One screen has it (or will never have it: dropped, or its connection closed).</summary>
    public void Delivered() => Delivery.Done();

    public static LiveUpdate Patch(Guid meetingId, long from, long sequence, IReadOnlyList<JournalEventDto> events, IReadOnlyList<byte[]> patch, int screens,
        bool withdrawsText = false, bool eventsLeftOut = false) =>
        new(from, sequence, Write(meetingId, from, sequence, json =>
        {
            json.WritePropertyName("events");
            JsonSerializer.Serialize(json, events, LiveJson.Options);
            json.WriteStartArray("patch");
            foreach (var op in patch) json.WriteRawValue(op, skipInputValidation: true);
            json.WriteEndArray();
            if (eventsLeftOut) json.WriteBoolean("eventsLeftOut", true);
        }), resync: false, screens, withdrawsText);

    /// <summary>The word to catch up, for one screen.</summary>
    public static LiveUpdate Resync(Guid meetingId, long from, long sequence) =>
        new(from, sequence, Write(meetingId, from, sequence, json =>
        {
            json.WriteStartArray("events");
            json.WriteEndArray();
            json.WriteNull("patch");
            json.WriteBoolean("resync", true);
        }), resync: true, screens: 1);

    private static RawJson Write(Guid meetingId, long from, long sequence, Action<Utf8JsonWriter> body)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("meetingId", meetingId);
            json.WriteNumber("from", from);
            json.WriteNumber("sequence", sequence);
            body(json);
            json.WriteEndObject();
        }
        return new RawJson(buffer.WrittenSpan.ToArray());
    }
}

/// <summary>How many screens an update has still to reach; <see cref="Mostly"/> once all but a few stragglers have it.</summary>
internal sealed class UpdateDelivery
{
    private readonly TaskCompletionSource _mostly = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _stragglers;
    private int _remaining;

    public UpdateDelivery(int screens)
    {
        // One in fifty may lag (at least one, so a lone slow screen never holds up another).
        (_remaining, _stragglers) = (screens, Math.Max(1, screens / 50));
        if (_remaining <= _stragglers) _mostly.TrySetResult();
    }

    public Task Mostly => _mostly.Task;

    public void Done()
    {
        if (Interlocked.Decrement(ref _remaining) <= _stragglers) _mostly.TrySetResult();
    }
}
