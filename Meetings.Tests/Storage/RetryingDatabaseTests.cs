using Meetings.Client.Contracts;
using Meetings.Server.Data;
using Meetings.Server.Meetings;
using Meetings.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Storage;

/// <summary>
/// On SQL Server the database is registered with retries on transient failures (<c>EnableRetryOnFailure</c>). EF Core's
/// retrying strategy refuses a transaction opened outside it, and after a transient failure runs the whole unit of
/// work again. This runs the server on SQLite with a strategy that behaves the same way.
/// </summary>
public class RetryingDatabaseTests
{
    private sealed class TransientForTest() : Exception("A transient failure, as when SQL Server's connection drops.");

    private sealed class RetriesLikeSqlServer(ExecutionStrategyDependencies dependencies)
        : ExecutionStrategy(dependencies, maxRetryCount: 3, maxRetryDelay: TimeSpan.FromMilliseconds(10))
    {
        protected override bool ShouldRetryOn(Exception exception) => exception is TransientForTest;
    }

    /// <summary>Once armed, the next save that appends to the journal fails, once.</summary>
    private sealed class FailsOneAppend : SaveChangesInterceptor
    {
        public int Armed;

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData data, InterceptionResult<int> result, CancellationToken ct = default) =>
            data.Context!.ChangeTracker.Entries<JournalRow>().Any(e => e.State == EntityState.Added) && Interlocked.Exchange(ref Armed, 0) == 1
                ? throw new TransientForTest()
                : base.SavingChangesAsync(data, result, ct);
    }

    /// <summary>
    /// Once armed, the next commit of an append to the journal takes and then fails, once: a connection dropped before
    /// the commit's answer came back. Other transactions (the server's own work meanwhile) commit as usual.
    /// </summary>
    private sealed class LosesOneCommitsAnswer : DbTransactionInterceptor
    {
        public int Armed;
        private Guid? _append;

        /// <summary>Sees each save: one adding to the journal names the transaction to fail.</summary>
        public SaveChangesInterceptor Appends => new SeesAppends(this);

        public override Task TransactionCommittedAsync(System.Data.Common.DbTransaction transaction, TransactionEndEventData data, CancellationToken ct = default) =>
            data.TransactionId == _append && Interlocked.Exchange(ref Armed, 0) == 1 ? throw new TransientForTest() : base.TransactionCommittedAsync(transaction, data, ct);

        private sealed class SeesAppends(LosesOneCommitsAnswer losing) : SaveChangesInterceptor
        {
            public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData data, InterceptionResult<int> result, CancellationToken ct = default)
            {
                if (Volatile.Read(ref losing.Armed) == 1 && data.Context!.ChangeTracker.Entries<JournalRow>().Any(e => e.State == EntityState.Added))
                    losing._append = data.Context.Database.CurrentTransaction?.TransactionId;
                return base.SavingChangesAsync(data, result, ct);
            }
        }
    }

    [Test]
    public async Task ACommitWhoseAnswerIsLost_IsNotDecidedAgain()
    {
        var losing = new LosesOneCommitsAnswer();
        using var host = new TestHost(services: s => s.ConfigureDbContext<SqliteMeetingsDbContext>(o => o
            .UseSqlite(sql => sql.ExecutionStrategy(d => new RetriesLikeSqlServer(d))).AddInterceptors(losing, losing.Appends)));
        var meeting = await host.Anonymous().DemoMeeting();
        var (id, item) = (meeting.Meeting.Id, meeting.Agenda[2].Id);
        await using var clerk = await LiveClient.ConnectAsync(host, Demo.Clerk, "clerk", id);
        await clerk.OpenPublicComment(id, item);

        losing.Armed = 1;
        var entry = await clerk.Invoke<Guid>("AddRoomSpeaker", id, item, "Card 1", null, false);

        Assert.That(losing.Armed, Is.Zero, "a commit's answer was lost");
        var journal = await host.Anonymous().Get<List<JournalEventDto>>($"/api/meetings/{id}/journal");
        Assert.That(journal.Count(e => e.Type == "SpeakerSignedUp"), Is.EqualTo(1), "the card is recorded once, not decided again on the retry");
        var queue = await host.Services.GetRequiredService<MeetingStore>().ReadAsync(id, m => m.QueueFor(item).Select(e => e.Id).ToList());
        Assert.That(queue, Is.EqualTo(new[] { entry }), "the state this instance holds has the card the clerk was answered with");
        await clerk.WaitUntil(s => s.Speakers.Count == 1 && s.Speakers[0].Id == entry, "the card on the clerk's screen");
    }

    [Test]
    public async Task CommandsUnderARetryingStrategy_AreRecorded_AndOneRunAgainAfterATransientFailure_IsRecordedOnce()
    {
        var failing = new FailsOneAppend();
        using var host = new TestHost(services: s => s.ConfigureDbContext<SqliteMeetingsDbContext>(o => o
            .UseSqlite(sql => sql.ExecutionStrategy(d => new RetriesLikeSqlServer(d))).AddInterceptors(failing)));
        var meeting = await host.Anonymous().DemoMeeting();
        var (id, item) = (meeting.Meeting.Id, meeting.Agenda[2].Id);
        await using var clerk = await LiveClient.ConnectAsync(host, Demo.Clerk, "clerk", id);
        await clerk.OpenPublicComment(id, item);

        failing.Armed = 1;
        var entry = await clerk.Invoke<Guid>("AddRoomSpeaker", id, item, "Card 1", null, false);

        Assert.That(failing.Armed, Is.Zero, "the first try to append failed");
        var journal = await host.Anonymous().Get<List<JournalEventDto>>($"/api/meetings/{id}/journal");
        Assert.That(journal.Count(e => e.Type == "SpeakerSignedUp"), Is.EqualTo(1), "recorded once");
        Assert.That(journal.Select(e => e.Sequence), Is.EqualTo(Enumerable.Range(1, journal.Count).Select(i => (long)i)), "contiguous");
        var queue = await host.Services.GetRequiredService<MeetingStore>().ReadAsync(id, m => m.QueueFor(item).Select(e => e.Id).ToList());
        Assert.That(queue, Is.EqualTo(new[] { entry }), "the state this instance holds has the card once, as the journal does");
        await clerk.WaitUntil(s => s.Speakers.Count == 1 && s.Speakers[0].Id == entry, "the card on the clerk's screen");
    }
}
