using System.Collections.Concurrent;
using System.Security.Claims;
using Meetings.Client.Contracts;
using Meetings.Server.Domain;
using Meetings.Server.Errors;

namespace Meetings.Server.Journal;

/// <summary>
/// Checks meetings' hash chains for <c>GET /api/meetings/{id}/journal/verify</c>, which anyone may ask, so asking
/// cannot load the server: an answer is kept per head (the last event's sequence and hash) and reused while the
/// head stands; when the journal has grown, only the new events are checked, from the last head checked; and the
/// whole chain is checked again at most once per <see cref="FullCheckEvery"/>, to notice an edit behind the
/// server's back. One check runs at a time per meeting; others asking meanwhile wait for its answer.
/// </summary>
public sealed class JournalVerifier(IServiceScopeFactory scopes, TimeProvider clock, PublicFolds folds)
{
    public static TimeSpan FullCheckEvery { get; } = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<Guid, Checked> _checked = new();

    /// <summary>The chain's check; a whole chain read for <paramref name="forWhom"/> waits its turn if they are not signed in (<see cref="PublicFolds"/>).</summary>
    public async Task<JournalVerification> VerifyAsync(Guid meetingId, ClaimsPrincipal? forWhom, CancellationToken ct = default)
    {
        var state = _checked.GetOrAdd(meetingId, _ => new Checked());
        await state.Lock.WaitAsync(ct);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var journal = scope.ServiceProvider.GetRequiredService<MeetingJournal>();
            var head = await journal.HeadAsync(meetingId, ct);
            var now = clock.GetUtcNow();
            var fresh = now - state.FullCheckAt < FullCheckEvery;
            if (fresh && state.Answer is { } answer && head?.Sequence == state.Through && head?.Hash == state.Head) return answer;
            if (fresh && state.Answer is { Intact: true } && head is not null && head.Sequence > state.Through)
            {
                var added = await journal.ReadAsync(meetingId, state.Through, (int)(head.Sequence - state.Through), ct);
                Remember(state, meetingId, head, state.Count + added.Count, JournalChain.FirstBrokenLink(added, state.Through + 1, state.Head), state.FullCheckAt);
            }
            else
            {
                try
                {
                    var (count, broken) = await folds.RunAsync(forWhom, async () =>
                    {
                        var all = await journal.ReadAsync(meetingId, 0, (int)Math.Min(int.MaxValue, head?.Sequence ?? 0), ct);
                        return (all.Count, JournalChain.FirstBrokenLink(all));
                    }, ct);
                    Remember(state, meetingId, head, count, broken, now);
                }
                catch (ServerBusyException) when (state.Answer is { } standing && head?.Sequence == state.Through && head?.Hash == state.Head)
                {
                    // The minute's check of the whole chain waits for a quieter moment; the chain as last checked stands.
                    return standing;
                }
            }
            return state.Answer!;
        }
        finally
        {
            state.Lock.Release();
        }
    }

    private static void Remember(Checked state, Guid meetingId, JournalEntry? head, long count, long? broken, DateTimeOffset fullCheckAt)
    {
        (state.Through, state.Head, state.Count, state.FullCheckAt) = (head?.Sequence ?? 0, head?.Hash ?? JournalChain.Genesis, count, fullCheckAt);
        state.Answer = new JournalVerification(meetingId, count, broken is null, broken, state.Head, state.Through, JournalChain.Version);
    }

    private sealed class Checked
    {
        public SemaphoreSlim Lock { get; } = new(1, 1);
        public long Through { get; set; }
        public long Count { get; set; }
        public string Head { get; set; } = JournalChain.Genesis;
        public DateTimeOffset FullCheckAt { get; set; } = DateTimeOffset.MinValue;
        public JournalVerification? Answer { get; set; }
    }
}
