using System.Net;
using Meetings.Client.Contracts;
using Meetings.Server.Domain;
using Meetings.Server.Journal;
using Meetings.Server.Records;
using Meetings.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Records;

/// <summary>
/// Minutes, exports and packets are made from a meeting's record, which is folded from the whole journal: it is kept
/// per head, so asking again and again costs a lookup, and folded once per change however many ask at once.
/// </summary>
public class RecordCacheTests
{
    [Test]
    public async Task AnExport_AskedAgainWhileTheJournalStandsStill_IsNotFoldedAgain_AndAChangeIsSeenAtOnce()
    {
        using var host = new TestHost();
        var clerk = await host.SignInAsync(Demo.Clerk);
        var meeting = (await clerk.DemoMeeting()).Meeting;
        var url = $"/api/meetings/{meeting.Id}/exports/ocd-event";
        var anonymous = host.Anonymous();
        Assert.That(await Text(anonymous, url), Does.Contain("\"Roll Call\""));

        // Changed behind the server's back, under the same head: a record folded again would show it.
        host.WithDb(db => db.Database.ExecuteSqlRaw(
            "UPDATE JournalEvents SET Payload = replace(Payload, 'Roll Call', 'Roll Cal') WHERE MeetingId = {0} AND Sequence = 3", meeting.Id));
        var again = await Text(anonymous, url);
        await clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{meeting.Id}/agenda", new AgendaItemRequest("Added just now", "Action"), HttpStatusCode.Created);
        var changed = await Text(anonymous, url);

        Assert.That(again, Does.Contain("\"Roll Call\""), "the same head: the record already folded");
        Assert.That(changed, Does.Contain("Added just now"), "a new head: folded again, with the change");
        Assert.That(changed, Does.Contain("\"Roll Cal\""));
    }

    [Test]
    public async Task ABodysVotingRecord_AskedAgain_ReadsNoMeetingsJournal_UntilOneChanges()
    {
        var reads = new JournalReads();
        using var host = new TestHost(services: reads.Register);
        var clerk = await host.SignInAsync(Demo.Clerk);
        var meeting = (await clerk.DemoMeeting()).Meeting;
        var url = $"/api/bodies/{meeting.BodyId}/exports/votes.csv";
        var first = await host.Anonymous().GetStringAsync(url);
        Assert.That(reads.Count, Is.GreaterThan(0), "the first time, each meeting's journal is read");

        var before = reads.Count;
        Assert.That(await host.Anonymous().GetStringAsync(url), Is.EqualTo(first));
        Assert.That(reads.Count - before, Is.Zero, "asked again, no meeting's journal is read, however many meetings the body has");

        await clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{meeting.Id}/agenda", new AgendaItemRequest("Added just now", "Action"), HttpStatusCode.Created);
        before = reads.Count;
        Assert.That(await host.Anonymous().GetStringAsync(url), Is.EqualTo(first), "no vote changed");
        Assert.That(reads.Count - before, Is.GreaterThan(0), "the meeting that changed is read again");
    }

    [Test]
    public async Task ManyAskingAtOnce_FoldTheJournalOnce()
    {
        using var host = new TestHost();
        var (head, record) = await DemoRecord(host, (await host.Anonymous().DemoMeeting()).Meeting.Id);
        var cache = new RecordCache();
        var folds = 0;
        var folding = new TaskCompletionSource();
        Task<JournalEntry?> Head(CancellationToken _) => Task.FromResult<JournalEntry?>(head);
        async Task<MeetingRecord> Fold(long through, CancellationToken _) { Interlocked.Increment(ref folds); await folding.Task; return record; }

        var asks = Enumerable.Range(0, 50).Select(_ => Task.Run(() => cache.ReadAsync(head.MeetingId, Head, Fold, aside: false, CancellationToken.None))).ToList();
        await Until(() => Volatile.Read(ref folds) == 1);
        folding.SetResult();
        var answers = await Task.WhenAll(asks);

        Assert.That(answers, Is.All.SameAs(record));
        Assert.That(folds, Is.EqualTo(1));
    }

    [Test]
    public async Task AskingForMadeUpMeetings_PushesOutNoRecord()
    {
        using var host = new TestHost();
        var (head, record) = await DemoRecord(host, (await host.Anonymous().DemoMeeting()).Meeting.Id);
        var cache = new RecordCache();
        var folds = new Dictionary<Guid, int>();
        Task<MeetingRecord> Fold(Guid id) { folds[id] = folds.GetValueOrDefault(id) + 1; return Task.FromResult(record); }
        Task<MeetingRecord?> Read(Guid id, JournalEntry? at) => cache.ReadAsync(id, _ => Task.FromResult(at), (_, _) => Fold(id), aside: false, CancellationToken.None);

        await Read(head.MeetingId, head);
        for (var i = 0; i < RecordCache.Meetings * 2; i++) Assert.That(await Read(Guid.NewGuid(), null), Is.Null);
        var other = Guid.NewGuid();
        await Read(other, head with { MeetingId = other }); // a real meeting folded: the oldest kept would go now
        await Read(head.MeetingId, head);

        Assert.That(folds[head.MeetingId], Is.EqualTo(1), "still kept: folded once");
    }

    [Test]
    public async Task OneWhoAsksWhileAnOlderHeadIsBeingFolded_IsAnsweredWithTheNewerOne()
    {
        using var host = new TestHost();
        var clerk = await host.SignInAsync(Demo.Clerk);
        var meetingId = (await clerk.DemoMeeting()).Meeting.Id;
        var (older, olderRecord) = await DemoRecord(host, meetingId);
        await clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{meetingId}/agenda", new AgendaItemRequest("Added", "Action"), HttpStatusCode.Created);
        var (newer, newerRecord) = await DemoRecord(host, meetingId);
        var cache = new RecordCache();
        var current = older;
        var folding = new TaskCompletionSource();
        var foldsStarted = 0;
        async Task<MeetingRecord> Fold(long through, CancellationToken _)
        {
            Interlocked.Increment(ref foldsStarted);
            if (through == older.Sequence) await folding.Task;
            return through == older.Sequence ? olderRecord : newerRecord;
        }
        Task<JournalEntry?> Head(CancellationToken _) => Task.FromResult<JournalEntry?>(current);

        var first = cache.ReadAsync(meetingId, Head, Fold, aside: false, CancellationToken.None);
        await Until(() => Volatile.Read(ref foldsStarted) == 1);
        current = newer; // a change committed while the older head is folded; the clerk who made it asks now
        var second = cache.ReadAsync(meetingId, Head, Fold, aside: false, CancellationToken.None);
        folding.SetResult();

        Assert.That(await first, Is.SameAs(olderRecord));
        Assert.That(await second, Is.SameAs(newerRecord));
        Assert.That(newerRecord.Events, Is.GreaterThan(olderRecord.Events));
    }

    private static async Task<string> Text(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        await ApiClient.Expect(response, HttpStatusCode.OK);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The demo meeting's journal head now and its record folded from the journal.</summary>
    private static async Task<(JournalEntry Head, MeetingRecord Record)> DemoRecord(TestHost host, Guid meetingId)
    {
        using var scope = host.Services.CreateScope();
        var entries = await scope.ServiceProvider.GetRequiredService<MeetingJournal>().ReadAsync(meetingId);
        return (entries[^1], MeetingRecord.Fold([.. entries.Select(e => (e, EventSerializer.Deserialize(e)))]));
    }

    private static async Task Until(Func<bool> happened)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!happened()) await Task.Delay(5, timeout.Token);
    }
}
