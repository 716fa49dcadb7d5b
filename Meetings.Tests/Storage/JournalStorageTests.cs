using System.Net;
using Meetings.Client.Contracts;
using Meetings.Server.Data;
using Meetings.Server.Domain;
using Meetings.Server.Journal;
using Meetings.Server.Meetings;
using Meetings.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Storage;

public class JournalStorageTests
{
    [Test]
    public async Task TwoJournalWriters_AppendingAtTheSamePlace_OnlyOneWins()
    {
        using var host = new TestHost();
        var meeting = await (await host.SignInAsync(Demo.Clerk)).DemoMeeting();
        var last = host.WithDb(db => db.Journal.AsNoTracking().Where(r => r.MeetingId == meeting.Meeting.Id)
            .OrderBy(r => r.Sequence).Last().ToEntry());

        // Two contexts, as two app instances would have, both think they are appending after `last`.
        using var scopeA = host.Services.CreateScope();
        using var scopeB = host.Services.CreateScope();
        var journalA = new MeetingJournal(scopeA.ServiceProvider.GetRequiredService<MeetingsDbContext>());
        var journalB = new MeetingJournal(scopeB.ServiceProvider.GetRequiredService<MeetingsDbContext>());
        MeetingEvent[] a = [new AgendaItemRevised(meeting.Agenda[0].Id, "A", AgendaItemKind.Procedural, null, false, null, true)];
        MeetingEvent[] b = [new AgendaItemRevised(meeting.Agenda[0].Id, "B", AgendaItemKind.Procedural, null, false, null, true)];
        var results = await Task.WhenAll(
            Attempt(() => journalA.AppendAsync(meeting.Meeting.Id, last, a, Actor.System, DateTimeOffset.UtcNow)),
            Attempt(() => journalB.AppendAsync(meeting.Meeting.Id, last, b, Actor.System, DateTimeOffset.UtcNow)));

        Assert.That(results.Count(r => r is null), Is.EqualTo(1), "exactly one writer succeeds");
        Assert.That(results.Single(r => r is not null), Is.InstanceOf<JournalConflictException>());
        var rows = host.WithDb(db => db.Journal.Count(r => r.MeetingId == meeting.Meeting.Id));
        Assert.That(rows, Is.EqualTo(last.Sequence + 1));
    }

    [Test]
    public async Task TwoAppInstancesOnOneDatabase_RacingOnOneMeeting_LoseNothingAndKeepSequencesContiguous()
    {
        var folder = TestHost.NewFolder();
        using var first = new TestHost(folder);
        var clerkA = await first.SignInAsync(Demo.Clerk);
        using var second = new TestHost(folder);
        var clerkB = await second.SignInAsync(Demo.Clerk);
        var meeting = await clerkA.DemoMeeting();
        const int PerInstance = 15;

        async Task AddItems(HttpClient clerk, string prefix)
        {
            for (var i = 0; i < PerInstance; i++)
                await clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{meeting.Meeting.Id}/agenda",
                    new AgendaItemRequest($"{prefix} {i}", "Discussion"), HttpStatusCode.Created);
        }
        await Task.WhenAll(AddItems(clerkA, "From A"), AddItems(clerkB, "From B"));

        var agenda = (await clerkB.Get<MeetingDetail>($"/api/meetings/{meeting.Meeting.Id}")).Agenda;
        Assert.That(agenda.Count(i => i.Title.StartsWith("From A", StringComparison.Ordinal)), Is.EqualTo(PerInstance));
        Assert.That(agenda.Count(i => i.Title.StartsWith("From B", StringComparison.Ordinal)), Is.EqualTo(PerInstance));
        var journal = await clerkA.Get<List<JournalEventDto>>($"/api/meetings/{meeting.Meeting.Id}/journal");
        Assert.That(journal.Select(e => e.Sequence), Is.EqualTo(Enumerable.Range(1, journal.Count).Select(i => (long)i)));
        var verification = await clerkA.Get<JournalVerification>($"/api/meetings/{meeting.Meeting.Id}/journal/verify");
        Assert.That(verification.Intact, Is.True);
        // Both instances converge on the same state.
        var fromA = await clerkA.Get<MeetingDetail>($"/api/meetings/{meeting.Meeting.Id}");
        Assert.That(fromA.Agenda.Select(i => i.Id), Is.EqualTo(agenda.Select(i => i.Id)));
    }

    /// <summary>
    /// Two writers meeting (a commit and a follower's checkpoint) wait inside SQLite, a few milliseconds at a time,
    /// not in Microsoft.Data.Sqlite's 150 ms retries. Its figures are in infra/bench.sh; here, that every connection
    /// the app opens, synchronously or not, has SQLite's wait set.
    /// </summary>
    [Test]
    public async Task EveryConnectionToTheEmbeddedDatabase_WaitsInsideSqliteForAnotherWriter()
    {
        using var host = new TestHost();
        using var scope = host.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<MeetingsDbContext>();

        db.Database.OpenConnection();
        var waitOpened = BusyTimeout(db);
        db.Database.CloseConnection();
        await db.Database.OpenConnectionAsync();
        var waitOpenedAsync = BusyTimeout(db);
        await db.Database.CloseConnectionAsync();

        Assert.That(waitOpened, Is.EqualTo(SqliteWaitsForWriters.WaitMilliseconds), "opened synchronously");
        Assert.That(waitOpenedAsync, Is.EqualTo(SqliteWaitsForWriters.WaitMilliseconds), "opened asynchronously");
    }

    private static long BusyTimeout(MeetingsDbContext db)
    {
        using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA busy_timeout;";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>
    /// The server's own check is cached per head and done in full at most once a minute (so asking cannot load the
    /// server): an edit behind its back shows once the minute is up. The public verifier in the README checks at once.
    /// </summary>
    [Test]
    public async Task EditingAStoredEvent_IsDetected_ByVerifyingTheChain_WithinAMinute()
    {
        using var host = new TestHost();
        var client = host.Anonymous();
        var meeting = await client.DemoMeeting();
        var before = await client.Get<JournalVerification>($"/api/meetings/{meeting.Meeting.Id}/journal/verify");
        Assert.That(before.Intact, Is.True);
        var head = host.WithDb(db => db.Journal.Where(r => r.MeetingId == meeting.Meeting.Id).OrderBy(r => r.Sequence).ToList()[^1]);
        Assert.That((before.Events, before.HeadSequence, before.Head, before.Rule), Is.EqualTo((head.Sequence, head.Sequence, head.Hash, 2)));

        host.WithDb(db => db.Database.ExecuteSqlRaw(
            "UPDATE JournalEvents SET Payload = replace(Payload, 'Roll Call', 'Roll Cal') WHERE MeetingId = {0} AND Sequence = 3",
            meeting.Meeting.Id));
        var cached = await client.Get<JournalVerification>($"/api/meetings/{meeting.Meeting.Id}/journal/verify");
        host.Clock.Advance(JournalVerifier.FullCheckEvery);
        var after = await client.Get<JournalVerification>($"/api/meetings/{meeting.Meeting.Id}/journal/verify");

        Assert.That(cached, Is.EqualTo(before), "the same head within the minute: the answer already given");
        Assert.That(after.Intact, Is.False);
        Assert.That(after.FirstBrokenSequence, Is.EqualTo(3));
    }

    [Test]
    public async Task Verifying_AGrowingJournal_ChecksTheNewEventsFromTheLastHeadChecked()
    {
        using var host = new TestHost();
        var clerk = await host.SignInAsync(Demo.Clerk);
        var meeting = await clerk.DemoMeeting();
        var url = $"/api/meetings/{meeting.Meeting.Id}/journal/verify";
        var first = await clerk.Get<JournalVerification>(url);

        await clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{meeting.Meeting.Id}/agenda", new AgendaItemRequest("Added", "Action"), HttpStatusCode.Created);
        var grown = await clerk.Get<JournalVerification>(url);
        // A forged event appended behind the server's back, linked to nothing: the check of the new events catches it.
        host.WithDb(db =>
        {
            var last = db.Journal.Where(r => r.MeetingId == meeting.Meeting.Id).OrderByDescending(r => r.Sequence).First();
            db.Journal.Add(new JournalRow
            {
                MeetingId = last.MeetingId, Sequence = last.Sequence + 1, At = last.At, Actor = "clerk", Type = "ItemOpened",
                Payload = "{}", PreviousHash = new string('f', 64), Hash = new string('e', 64),
            });
            return db.SaveChanges();
        });
        var forged = await clerk.Get<JournalVerification>(url);

        Assert.That((grown.Intact, grown.Events, grown.HeadSequence), Is.EqualTo((true, first.Events + 1, first.HeadSequence + 1)));
        Assert.That((forged.Intact, forged.FirstBrokenSequence), Is.EqualTo((false, (long?)grown.HeadSequence + 1)));
    }

    [Test]
    public async Task RestartingTheHost_KeepsEverythingThatWasAcknowledged()
    {
        var folder = TestHost.NewFolder();
        Guid meetingId;
        MeetingDetail acknowledged;
        using (var host = new TestHost(folder))
        {
            var clerk = await host.SignInAsync(Demo.Clerk);
            meetingId = (await clerk.DemoMeeting()).Meeting.Id;
            acknowledged = await clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{meetingId}/agenda",
                new AgendaItemRequest("Added before the restart", "Action"), HttpStatusCode.Created);
        }
        using var restarted = new TestHost(folder);
        var after = await restarted.Anonymous().Get<MeetingDetail>($"/api/meetings/{meetingId}");
        Assert.That(after.Version, Is.EqualTo(acknowledged.Version));
        Assert.That(after.Agenda.Select(i => i.Title), Does.Contain("Added before the restart"));
    }

    [Test]
    public void NeitherProvider_HasPendingModelChanges()
    {
        using var sqlite = new SqliteMeetingsDbContext(
            new DbContextOptionsBuilder<SqliteMeetingsDbContext>().UseSqlite("Data Source=:memory:").Options);
        using var sqlServer = new SqlServerMeetingsDbContext(
            new DbContextOptionsBuilder<SqlServerMeetingsDbContext>().UseSqlServer("Server=none;Database=none").Options);
        Assert.Multiple(() =>
        {
            Assert.That(sqlite.Database.HasPendingModelChanges(), Is.False, "run dotnet ef migrations add for Sqlite");
            Assert.That(sqlServer.Database.HasPendingModelChanges(), Is.False, "run dotnet ef migrations add for SqlServer");
        });
    }

    private static async Task<Exception?> Attempt(Func<Task> append)
    {
        try { await append(); return null; }
        catch (Exception e) { return e; }
    }
}
