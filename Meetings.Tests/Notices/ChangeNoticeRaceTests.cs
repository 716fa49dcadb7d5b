using System.Data.Common;
using System.Net;
using Meetings.Client.Contracts;
using Meetings.Server.Data;
using Meetings.Server.Notices;
using Meetings.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Notices;

/// <summary>A change committed while a change notice is going out is told, by that notice or by the next.</summary>
public class ChangeNoticeRaceTests : NoticeFixture
{
    private readonly PauseAfterJournal _pause = new();

    protected override Action<IServiceCollection>? Services => s => s.ConfigureDbContext<SqliteMeetingsDbContext>(o => o.AddInterceptors(_pause));

    [Test]
    public async Task AChangeCommittedJustAsAChangeNoticeReadsTheJournal_IsToldByTheNextNotice()
    {
        var email = await SubscribedByEmail();
        var id = (await Meeting(DaysAhead(30))).Meeting.Id;
        await SmtpSink.WaitFor(email, 2);
        await Clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{id}/agenda", new AgendaItemRequest("First change", "Action"), HttpStatusCode.Created);
        var first = await ScheduledChangeNotices(id, 1);

        // The notice's job is held just after its first look at the journal, and the next change is committed and
        // planned meanwhile.
        var sending = Task.Run(async () =>
        {
            PauseAfterJournal.Here.Value = true;
            using var scope = Host.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<NoticeJobs>().SendAsync(first[0]);
        });
        await _pause.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var second = await Clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{id}/agenda", new AgendaItemRequest("Second change", "Action"), HttpStatusCode.Created);
        await Until(() => Host.WithDb(db => db.FollowerCheckpoints.Any(c => c.Follower == "notices" && c.MeetingId == id && c.Sequence >= second.Version)));
        _pause.Go.SetResult();
        await sending;

        var next = await ScheduledChangeNotices(id, 1);
        using (var scope = Host.Services.CreateScope()) await scope.ServiceProvider.GetRequiredService<NoticeJobs>().SendAsync(next[0]);
        var amended = (await SmtpSink.WaitFor(email, 4)).Where(m => (m.Subject ?? "").StartsWith("Amended agenda", StringComparison.Ordinal)).Select(m => m.TextBody).ToList();

        Assert.That(amended, Has.Count.EqualTo(2));
        Assert.That(amended.Count(m => m!.Contains("First change", StringComparison.Ordinal)), Is.EqualTo(1), "the first change told once");
        Assert.That(amended.Count(m => m!.Contains("Second change", StringComparison.Ordinal)), Is.EqualTo(1), "the second change told once");
    }

    /// <summary>The change notices waiting to go out, once there are as many as expected.</summary>
    private async Task<List<Guid>> ScheduledChangeNotices(Guid meetingId, int expected)
    {
        List<Guid> Scheduled() => Host.WithDb(db => db.Notices.Where(n => n.MeetingId == meetingId && n.State == NoticeState.Scheduled &&
            (n.Kind == NoticeKind.Amended || n.Kind == NoticeKind.Moved)).Select(n => n.Id).ToList());
        await Until(() => Scheduled().Count >= expected);
        var scheduled = Scheduled();
        Assert.That(scheduled, Has.Count.EqualTo(expected), "change notices waiting to go out");
        return scheduled;
    }

    private static async Task Until(Func<bool> happened)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!happened())
        {
            if (timeout.IsCancellationRequested) return;
            await Task.Delay(20, CancellationToken.None);
        }
    }

    /// <summary>Holds the flow that asked for it right after its first command that touches the journal (once).</summary>
    private sealed class PauseAfterJournal : DbCommandInterceptor
    {
        public static readonly AsyncLocal<bool> Here = new();
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Go { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _held;

        public override async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken ct = default)
        {
            await HoldAsync(command);
            return result;
        }

        public override async ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken ct = default)
        {
            await HoldAsync(command);
            return result;
        }

        private async Task HoldAsync(DbCommand command)
        {
            if (!Here.Value || !command.CommandText.Contains("JournalEvents", StringComparison.Ordinal) || Interlocked.Exchange(ref _held, 1) == 1) return;
            Reached.SetResult();
            await Go.Task;
        }
    }
}
