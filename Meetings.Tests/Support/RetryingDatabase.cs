using Meetings.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Support;

/// <summary>
/// SQL Server's retries on SQLite: on SQL Server the database is registered with retries on transient failures
/// (<c>EnableRetryOnFailure</c>). EF Core's retrying strategy refuses a transaction opened outside it, and after a
/// transient failure runs the whole unit of work again. This strategy behaves the same way, for failures of its own.
/// </summary>
public static class RetryingDatabase
{
    public sealed class TransientFailureException() : Exception("A transient failure, as when SQL Server's connection drops.");

    private sealed class RetriesLikeSqlServer(ExecutionStrategyDependencies dependencies)
        : ExecutionStrategy(dependencies, maxRetryCount: 3, maxRetryDelay: TimeSpan.FromMilliseconds(10))
    {
        protected override bool ShouldRetryOn(Exception exception) => exception is TransientFailureException;
    }

    /// <summary>The server's database with SQL Server's kind of retries, and these interceptors.</summary>
    public static void Register(IServiceCollection services, params IInterceptor[] interceptors) =>
        services.ConfigureDbContext<SqliteMeetingsDbContext>(o => o
            .UseSqlite(sql => sql.ExecutionStrategy(d => new RetriesLikeSqlServer(d))).AddInterceptors(interceptors));
}

/// <summary>
/// Once armed, the next commit of a transaction that saved a <typeparamref name="TEntity"/> fails, once: after it took,
/// as when a connection drops before the commit's answer comes back, or with <paramref name="beforeItTakes"/> before.
/// Other transactions (the server's own work meanwhile) commit as usual. Register both <see cref="Interceptors"/>.
/// </summary>
public sealed class LosesOneCommitsAnswer<TEntity>(bool beforeItTakes = false) : DbTransactionInterceptor where TEntity : class
{
    private int _armed;
    private int _failed;
    private Guid? _saving;

    public void Arm() => Volatile.Write(ref _armed, 1);

    /// <summary>Whether it has failed a commit.</summary>
    public bool Lost => Volatile.Read(ref _failed) == 1;

    public IInterceptor[] Interceptors => [this, new SeesSaves(this)];

    public override async ValueTask<InterceptionResult> TransactionCommittingAsync(System.Data.Common.DbTransaction transaction, TransactionEventData data,
        InterceptionResult result, CancellationToken ct = default)
    {
        if (beforeItTakes) FailIfMine(data.TransactionId);
        return await base.TransactionCommittingAsync(transaction, data, result, ct);
    }

    public override async Task TransactionCommittedAsync(System.Data.Common.DbTransaction transaction, TransactionEndEventData data, CancellationToken ct = default)
    {
        if (!beforeItTakes) FailIfMine(data.TransactionId);
        await base.TransactionCommittedAsync(transaction, data, ct);
    }

    private void FailIfMine(Guid transaction)
    {
        if (transaction != _saving || Interlocked.Exchange(ref _armed, 0) != 1) return;
        Volatile.Write(ref _failed, 1);
        throw new RetryingDatabase.TransientFailureException();
    }

    /// <summary>Sees each save: one that adds or changes a <typeparamref name="TEntity"/> names the transaction to fail.</summary>
    private sealed class SeesSaves(LosesOneCommitsAnswer<TEntity> losing) : SaveChangesInterceptor
    {
        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData data, InterceptionResult<int> result, CancellationToken ct = default)
        {
            if (Volatile.Read(ref losing._armed) == 1
                && data.Context!.ChangeTracker.Entries<TEntity>().Any(e => e.State is EntityState.Added or EntityState.Modified))
                losing._saving = data.Context.Database.CurrentTransaction?.TransactionId;
            return base.SavingChangesAsync(data, result, ct);
        }
    }
}
