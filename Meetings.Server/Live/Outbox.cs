namespace Meetings.Server.Live;

/// <summary>
/// What is waiting to be sent to one screen of one meeting, and the one writer that sends it, in order, at the
/// screen's pace: each send waits for the connection to take the previous one, and nobody else waits for it (not the
/// meeting, not the other screens). At most <see cref="Capacity"/> updates wait; one more and they are dropped for a
/// single resync, which tells the screen to fetch the meeting as it is; so are they when an update hides a name or a
/// comment they may carry. So a screen that reads slowly or not at all
/// costs the server a bounded outbox, and its SignalR connection has one writer of updates, never two at once.
/// </summary>
internal sealed class Outbox(Guid meetingId, Func<LiveUpdate, ValueTask> send, ILogger log)
{
    public const int Capacity = 32;

    /// <summary>
    /// With this many updates waiting already, a screen is behind: the feed's pace does not wait for it to take the next
    /// one (it is counted as taken at once), so a few screens that stop reading hold up no one, however few the others.
    /// </summary>
    public const int BehindAt = 2;

    private readonly Lock _gate = new();
    // Each update waiting, and whether it was counted as taken when posted (so it is not counted again).
    private readonly Queue<(LiveUpdate Update, bool Counted)> _waiting = new();
    private bool _writing;
    private bool _closed;

    /// <summary>Updates waiting behind the one being written.</summary>
    public int Waiting
    {
        get { lock (_gate) return _waiting.Count; }
    }

    /// <summary>How many times updates were dropped for a resync.</summary>
    public int Resyncs { get; private set; }

    public void Post(LiveUpdate update)
    {
        lock (_gate)
        {
            if (_closed)
            {
                update.Delivered();
                return;
            }
            if (_waiting.Count > 0 && update.IsResync)
            {
                // The word to catch up makes what waits worthless.
                Drop();
            }
            else if (_waiting.Count >= Capacity || (update.WithdrawsText && _waiting.Count > 0))
            {
                // The screen is far behind: what waits is worth less than the meeting as it is now. Or what waits may
                // carry a name or comment the clerk has just hidden, which must not reach the screen now.
                var from = _waiting.Peek().Update.From;
                Drop();
                update.Delivered();
                update = LiveUpdate.Resync(meetingId, from, update.Sequence);
                Resyncs++;
            }
            var behind = _waiting.Count >= BehindAt;
            if (behind) update.Delivered();
            _waiting.Enqueue((update, behind));
            if (_writing) return;
            _writing = true;
        }
        _ = WriteAsync();
    }

    /// <summary>The screen left or disconnected: nothing more is sent to it.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            Drop();
        }
    }

    /// <summary>Gives up what waits (under the gate): for the feed's pacing, a dropped update counts as handled.</summary>
    private void Drop()
    {
        while (_waiting.TryDequeue(out var dropped))
            if (!dropped.Counted) dropped.Update.Delivered();
    }

    private async Task WriteAsync()
    {
        while (true)
        {
            (LiveUpdate Update, bool Counted) next;
            lock (_gate)
            {
                if (!_waiting.TryDequeue(out next))
                {
                    _writing = false;
                    return;
                }
            }
            try
            {
                await send(next.Update);
            }
            catch (Exception e)
            {
                // A connection that fails is closed by SignalR; the screen catches up when it comes back.
                log.LogDebug(e, "Sending update {Sequence} of meeting {MeetingId} to a screen failed.", next.Update.Sequence, meetingId);
            }
            if (!next.Counted) next.Update.Delivered();
        }
    }
}
