using System.Text.Json;
using Meetings.Client.Contracts;
using Meetings.Server.Domain;
using Meetings.Server.Journal;
using Meetings.Tests.Support;

namespace Meetings.Tests.Journal;

/// <summary>
/// A journal written under the first hash rule (plain names in the payload, one person key for every meeting,
/// length-prefixed hashes) is re-chained when an upgraded server starts: it verifies under rule 2, its free text is
/// sealed, its person keys are per meeting, and an event records the old head it replaces.
/// </summary>
public class RechainTests
{
    private const string OldResidentKey = "0123456789abcdef01234567";

    /// <summary>A meeting with a sign-up and a written comment, its journal then turned back into what the first rule stored.</summary>
    private static async Task<(Guid Id, int Count, string OldHead)> OldJournal(string folder, bool editAfterHashing = false)
    {
        using var host = new TestHost(folder);
        var meeting = await host.Anonymous().DemoMeeting();
        var id = meeting.Meeting.Id;
        var item = meeting.Agenda.First(i => i.TakesPublicComment).Id;
        await using (var clerk = await LiveClient.ConnectAsync(host, Demo.Clerk, "clerk", id))
        {
            await clerk.OpenPublicComment(id, item);
            await clerk.Invoke<Guid>("SignUpToSpeak", id, $"resident-{Guid.NewGuid():N}", new SignUpRequest(item, "Ana Ruiz"));
            await clerk.Do("SubmitWrittenComment", id, $"resident-{Guid.NewGuid():N}", item, "Ben", "Keep the library open.");
        }
        return host.WithDb(db =>
        {
            var rows = db.Journal.Where(r => r.MeetingId == id).OrderBy(r => r.Sequence).ToList();
            var previous = JournalChain.Genesis;
            foreach (var row in rows)
            {
                var e = EventSerializer.Deserialize(row.ToEntry()) switch
                {
                    SpeakerSignedUp s => s with { PersonKey = OldResidentKey },
                    WrittenCommentSubmitted c => c with { PersonKey = OldResidentKey },
                    var other => other,
                };
                (row.Payload, row.Texts, row.ChainVersion) = (JsonSerializer.Serialize(e, e.GetType(), EventSerializer.Options), null, 1);
            }
            foreach (var row in rows)
            {
                row.PreviousHash = previous;
                row.Hash = JournalChain.Legacy.HashOf(row.MeetingId, row.Sequence, row.At, row.Actor, row.Type, row.Payload, row.PreviousHash);
                previous = row.Hash;
            }
            Assert.That(JournalChain.Legacy.FirstBrokenLink(rows.Select(r => r.ToEntry())), Is.Null, "a whole chain under the first rule");
            if (editAfterHashing)
            {
                var item = rows.First(r => r.Type == nameof(AgendaItemAdded));
                item.Payload = item.Payload.Replace("\"title\":\"", "\"title\":\"Amended: ", StringComparison.Ordinal);
            }
            db.SaveChanges();
            return (id, rows.Count, previous);
        });
    }

    [Test]
    public async Task AnOldJournal_IsReChainedAtStartUp_SealedAndRekeyed_AndRecordsTheOldHead()
    {
        var folder = TestHost.NewFolder();
        var (id, count, oldHead) = await OldJournal(folder);

        using var upgraded = new TestHost(folder);
        var client = upgraded.Anonymous();
        var verification = await client.Get<JournalVerification>($"/api/meetings/{id}/journal/verify");
        var served = await client.Get<List<JournalEventDto>>($"/api/meetings/{id}/journal");
        await using var viewer = await LiveClient.ConnectAsync(upgraded, null, "viewer", id);

        Assert.That((verification.Intact, verification.Events, verification.Rule), Is.EqualTo((true, count + 1, 2)));
        var marker = served[^1];
        Assert.That(marker.Type, Is.EqualTo("JournalRechained"));
        Assert.That(marker.Payload.GetRawText(), Is.EqualTo(
            $$"""{"fromRule":1,"through":{{count}},"oldHead":"{{oldHead}}","oldFirstBrokenLink":null}"""));
        var signUp = served.Single(e => e.Type == "SpeakerSignedUp");
        Assert.That(signUp.Payload.GetProperty("name").GetString(), Does.Match("^[0-9a-f]{64}$"), "the name is sealed behind a commitment");
        Assert.That(signUp.Texts!["name"].Text, Is.EqualTo("Ana Ruiz"));
        var keys = served.Where(e => e.Type is "SpeakerSignedUp" or "WrittenCommentSubmitted").Select(e => e.Payload.GetProperty("personKey").GetString()).ToList();
        Assert.That(keys, Has.None.EqualTo(OldResidentKey).And.All.Match("^[0-9a-f]{24}$"));
        Assert.That(keys.Distinct().Count(), Is.EqualTo(1), "one person stays one key within the meeting");
        Assert.That(viewer.Snapshot.Speakers.Single().Name, Is.EqualTo("Ana Ruiz"), "the meeting reads as before");
        Assert.That(served.Select(e => e.Sequence), Is.EqualTo(Enumerable.Range(1, count + 1).Select(i => (long)i)));
    }

    [Test]
    public async Task ReChaining_HappensOnce()
    {
        var folder = TestHost.NewFolder();
        var (id, count, _) = await OldJournal(folder);
        using (var first = new TestHost(folder))
            Assert.That((await first.Anonymous().Get<JournalVerification>($"/api/meetings/{id}/journal/verify")).Events, Is.EqualTo(count + 1));

        using var second = new TestHost(folder);
        var again = await second.Anonymous().Get<JournalVerification>($"/api/meetings/{id}/journal/verify");

        Assert.That((again.Intact, again.Events), Is.EqualTo((true, count + 1)));
    }

    [Test]
    public async Task AnOldJournalEditedBehindTheServersBack_IsReChained_WithTheBreakOnTheRecord()
    {
        var folder = TestHost.NewFolder();
        var (id, _, _) = await OldJournal(folder, editAfterHashing: true);

        using var upgraded = new TestHost(folder);
        var served = await upgraded.Anonymous().Get<List<JournalEventDto>>($"/api/meetings/{id}/journal");

        var edited = served.First(e => e.Type == nameof(AgendaItemAdded));
        Assert.That(edited.Payload.GetProperty("title").GetString(), Does.StartWith("Amended: "));
        Assert.That(served[^1].Payload.GetProperty("oldFirstBrokenLink").GetInt64(), Is.EqualTo(edited.Sequence),
            "re-chaining cannot launder an edit: the old chain's first broken link is on the record");
    }
}
