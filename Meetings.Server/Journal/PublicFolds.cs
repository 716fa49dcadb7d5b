using System.Security.Claims;
using System.Threading.RateLimiting;
using Meetings.Server.Errors;

namespace Meetings.Server.Journal;

/// <summary>
/// Reading whole journals for the public (to fold a meeting's record for its minutes, exports and packet, or to check
/// its chain), a few at a time on an instance (<c>Records:PublicFoldsAtOnce</c>, half its cores), the rest of the
/// machine left to the meetings going on. Each address is already held to <c>Records:PerMinute</c>, but many addresses
/// asking for the records of many meetings (more than are kept) would each have one read and folded. Past those at
/// work, up to <c>Records:PublicFoldsWaiting</c> wait their turn, oldest first; beyond them a request is refused at once
/// (503 with <c>Retry-After</c>), so the waiting never grows with the crowd. Signed-in staff, and the server's own work,
/// never wait for a turn (nor behind one waiting for a turn: <see cref="Records.RecordCache"/> answers them beside it);
/// nor does a record already folded, which is answered as kept.
/// </summary>
public sealed class PublicFolds(IConfiguration config) : IDisposable
{
    public const string Busy = "The server is busy making other meetings' records; nothing was changed. Please try again in a few seconds.";
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    private readonly ConcurrencyLimiter _turns = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = Math.Max(1, config.GetValue("Records:PublicFoldsAtOnce", Environment.ProcessorCount / 2)),
        QueueLimit = Math.Max(0, config.GetValue("Records:PublicFoldsWaiting", 32)),
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    /// <summary>Folds waiting for a turn now.</summary>
    public long Waiting => _turns.GetStatistics()?.CurrentQueuedCount ?? 0;

    public void Dispose() => _turns.Dispose();

    /// <summary>Whether a fold for <paramref name="user"/> waits its turn: anyone's but staff's and the server's own (null).</summary>
    public static bool TakesTurns(ClaimsPrincipal? user) => user is not null && user.Identity?.IsAuthenticated != true;

    /// <summary>Runs <paramref name="fold"/> at once for staff and the server, in its turn for anyone else (<see cref="TakesTurns"/>).</summary>
    public async Task<T> RunAsync<T>(ClaimsPrincipal? user, Func<Task<T>> fold, CancellationToken ct)
    {
        if (!TakesTurns(user)) return await fold();
        using var turn = await _turns.AcquireAsync(1, ct);
        if (!turn.IsAcquired) throw new ServerBusyException(Busy, RetryAfter);
        return await fold();
    }
}
