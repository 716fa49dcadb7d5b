using System.Collections.Concurrent;
using System.Text.Json;
using Meetings.Client.Contracts;
using Meetings.Server.Domain;
using Meetings.Server.Journal;
using Meetings.Server.Meetings;
using Meetings.Server.Moderation;

namespace Meetings.Server.Live;

/// <summary>
/// What a screen coming back (after a lost connection, or a server restart) is missing: one <c>MeetingUpdate</c> from
/// the sequence it holds to the shared snapshot, instead of the whole meeting. Worked out once per held sequence and
/// shared by everyone who holds it, which after a restart is nearly everyone: they all held the last change. Only the
/// server's time is stamped per answer, as for a <c>Join</c>.
/// </summary>
public sealed class ReturningScreens(MeetingStore store, IServiceScopeFactory scopes, TimeProvider clock, ILogger<ReturningScreens> log)
{
    /// <summary>Further behind than this, a screen gets the whole meeting: the events alone would outweigh it.</summary>
    public const int MostEvents = 1000;

    /// <summary>
    /// At most this many different held sequences are worked out for one state of a meeting; a screen holding yet
    /// another gets the whole meeting, which every screen shares. A returning crowd holds one or two; whoever asks from
    /// many different places is making the server read the journal, not coming back.
    /// </summary>
    public const int MostHeldPerState = 8;

    /// <summary>
    /// How long an update worked out is kept for more screens holding the same sequence: a returning crowd is back
    /// within seconds. A meeting that no longer changes (adjourned) would otherwise keep its updates for good.
    /// </summary>
    public static readonly TimeSpan KeptFor = TimeSpan.FromMinutes(1);

    /// <summary>
    /// At most this many updates are kept at once over all meetings (each up to <see cref="MostEvents"/> events, about
    /// 0.75 MB); beyond, a screen gets the whole meeting. A crowd coming back needs one or two for each meeting in session.
    /// </summary>
    public int MostKept { get; init; } = 64;

    private static readonly byte[] TimeValue = "\"value\":null}"u8.ToArray();
    private readonly ConcurrentDictionary<(Guid Meeting, long Held, long Now), Kept> _made = new();

    private sealed record Kept(Lazy<Task<byte[]?>> Update, DateTimeOffset Since);

    /// <summary>
    /// The update from <paramref name="held"/> to <paramref name="now"/> stamped with the time, or null when the screen
    /// should take the whole snapshot. <paramref name="mayRead"/> is asked before an update not worked out yet is:
    /// that reads the journal (<see cref="JournalReadLimits"/>).
    /// </summary>
    public async Task<RawJson?> SinceAsync(Guid meetingId, long held, SharedSnapshot now, DateTimeOffset time, Func<bool> mayRead)
    {
        if (held <= 0 || held > now.Sequence || now.Sequence - held > MostEvents) return null;
        var key = (meetingId, held, now.Sequence);
        var at = clock.GetUtcNow();
        Expire(at);
        if (!_made.ContainsKey(key) && (_made.Count >= MostKept || _made.Keys.Count(k => k.Meeting == meetingId && k.Now == now.Sequence) >= MostHeldPerState
                || !mayRead()))
            return null;
        var made = await _made.GetOrAdd(key, _ => new Kept(new(() => MakeAsync(meetingId, held, now)), at)).Update.Value;
        Forget(key);
        return made is null ? null : Stamped(made, time);
    }

    /// <summary>Drops what has been kept for <see cref="KeptFor"/>.</summary>
    private void Expire(DateTimeOffset now)
    {
        foreach (var (key, kept) in _made)
            if (now - kept.Since > KeptFor) _made.TryRemove(key, out _);
    }

    /// <summary>Drops what was worked out for older states of the meeting: nobody will be answered from them again.</summary>
    private void Forget((Guid Meeting, long Held, long Now) current)
    {
        foreach (var key in _made.Keys)
            if (key.Meeting == current.Meeting && key.Now < current.Now) _made.TryRemove(key, out _);
    }

    private async Task<byte[]?> MakeAsync(Guid meetingId, long held, SharedSnapshot now)
    {
        try
        {
            IReadOnlyList<JournalEntry> upToHeld = [], since = [];
            if (held < now.Sequence)
            {
                await using var scope = scopes.CreateAsyncScope();
                var journal = scope.ServiceProvider.GetRequiredService<MeetingJournal>();
                var all = await journal.ReadAsync(meetingId, 0, (int)now.Sequence);
                (upToHeld, since) = ([.. all.TakeWhile(e => e.Sequence <= held)], [.. all.SkipWhile(e => e.Sequence <= held)]);
            }
            // The meeting as the screen holds it, folded from the journal up to there, and the texts beside the events
            // as the meeting shows them now (as EventsAfter serves them).
            var patch = new List<byte[]>();
            if (since.Count > 0)
            {
                var before = Meeting.FromHistory([.. upToHeld.Select(EventSerializer.Deserialize)]);
                using var then = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(LiveViews.Snapshot(before, default), LiveJson.Options));
                using var current = now.At(default).Parse();
                patch = SnapshotDiff.Diff(then.RootElement, current.RootElement);
            }
            var events = since.Count == 0 ? [] : PublicRecord.Events(since, await store.ReadAsync(meetingId, m => PublicRecord.TextsPublicNow(since, m)));
            patch.Add("{\"op\":\"replace\",\"path\":\"/serverTime\",\"value\":null}"u8.ToArray());
            return LiveUpdate.Patch(meetingId, held, now.Sequence, events, patch, screens: 0).Message.Utf8;
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Working out meeting {MeetingId} since {Held} for returning screens failed; they get the whole meeting.", meetingId, held);
            return null;
        }
    }

    /// <summary>The update with the server's time now as the value of its last operation, the one on <c>/serverTime</c>.</summary>
    private static RawJson Stamped(byte[] update, DateTimeOffset time)
    {
        var at = update.AsSpan().LastIndexOf(TimeValue) + "\"value\":".Length;
        return RawJson.WithTime(update, at, at + "null".Length, time);
    }
}
