using System.Text.Json;
using Meetings.Client.Contracts;
using Meetings.Server.Meetings;
using Meetings.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Live;

/// <summary>A whole council meeting over real connections: a clerk, three officials, twenty residents and the chamber display.</summary>
public class WholeMeetingTests
{
    [Test]
    public async Task AWholeMeeting_RunsFromRollCallToAdjournment_AndEveryScreenEndsWhereTheServerIs()
    {
        using var host = new TestHost();
        var meeting = await host.Anonymous().DemoMeeting();
        var body = await host.Anonymous().DemoBody();
        var id = meeting.Meeting.Id;
        Guid Seat(string title) => body.Seats.Single(s => s.Title == title).Id;
        Guid Item(string number) => meeting.Agenda.Single(i => i.Number == number).Id;

        await using var clerk = await LiveClient.ConnectAsync(host, Demo.Clerk, "clerk", id);
        await using var mayor = await LiveClient.ConnectAsync(host, Demo.Mayor, "mayor", id);
        await using var okafor = await LiveClient.ConnectAsync(host, "okafor@demo.city", "okafor", id);
        await using var tran = await LiveClient.ConnectAsync(host, "tran@demo.city", "tran", id);
        await using var display = await LiveClient.ConnectAsync(host, null, "display", id);
        await using var residents = new LiveCrowd();
        for (var i = 0; i < 20; i++) residents.Add(await LiveClient.ConnectAsync(host, null, $"resident {i}", id));
        LiveClient[] everyone = [clerk, mayor, okafor, tran, display, .. residents];
        Assert.That(clerk.Joined!.Role, Is.EqualTo("Clerk"));
        Assert.That(mayor.Joined!.Role, Is.EqualTo("Official"));
        Assert.That(mayor.Joined!.SeatId, Is.EqualTo(Seat("Mayor")));
        Assert.That(display.Joined!.Role, Is.EqualTo("Resident"));

        // Call to order and roll call: one member remote with the legal basis, one absent.
        await clerk.Do("StartMeeting", id);
        await clerk.Do("OpenItem", id, Item("2"));
        await clerk.Do("TakeRollCall", id, new[]
        {
            new RollCallEntry(Seat("Mayor"), "InRoom"), new RollCallEntry(Seat("Council Seat 1"), "InRoom"),
            new RollCallEntry(Seat("Council Seat 2"), "Remote", "Teleconference from 12 Elm St., posted on the agenda"),
            new RollCallEntry(Seat("Council Seat 3"), "InRoom"), new RollCallEntry(Seat("Council Seat 4"), "Absent"),
        });
        var quorum = (await display.WaitUntil(s => s.Quorum.RollCallTaken, "the roll call")).Quorum;
        Assert.That((quorum.Present, quorum.Needed, quorum.HasQuorum), Is.EqualTo((4, 3, true)));

        // Public comment: twenty residents sign up from the web at once, two cards come from the room.
        await clerk.Do("OpenItem", id, Item("3"));
        await clerk.Do("OpenPublicComment", id, Item("3"));
        await residents[0].WaitUntil(s => s.Agenda.Single(i => i.Id == Item("3")).CommentOpen, "public comment open");
        var entries = await Task.WhenAll(residents.Select((r, i) => r.Invoke<Guid>("SignUpToSpeak", id, r.ResidentToken,
            new SignUpRequest(Item("3"), $"Resident {i}", i % 3 == 0 ? "Support" : "Oppose", UsesInterpreter: i == 7))));
        var cardA = await clerk.Invoke<Guid>("AddRoomSpeaker", id, Item("3"), "Grace Card", "Neutral", false);
        var cardB = await clerk.Invoke<Guid>("AddRoomSpeaker", id, Item("3"), "Henry Card", null, false);
        var queue = (await clerk.WaitUntil(s => s.Speakers.Count == 22, "22 speakers")).Speakers.Select(s => s.Id).ToList();
        Assert.That(queue[20..], Is.EqualTo(new[] { cardA, cardB }), "first come, first served");
        Assert.That(queue[..20], Is.EquivalentTo(entries));

        // A resident can see their own entry, withdraw it, and not anyone else's.
        var mine = residents[5].Snapshot.Speakers.Single(s => s.PersonKey == residents[5].Joined!.PersonKey);
        Assert.That(mine.Id, Is.EqualTo(entries[5]));
        var notMine = Assert.ThrowsAsync<HubException>(() => residents[5].Do("WithdrawSignUp", id, residents[5].ResidentToken, entries[6]));
        Assert.That(notMine!.Message, Does.Contain("only your own"));
        await residents[5].Do("WithdrawSignUp", id, residents[5].ResidentToken, entries[5]);

        // The clerk puts the room cards first; the reorder is on the record.
        var waiting = queue.Where(e => e != entries[5]).ToList();
        List<Guid> reordered = [cardA, cardB, .. waiting.Where(e => e != cardA && e != cardB)];
        await clerk.Do("ReorderQueue", id, Item("3"), reordered);

        // The first speaker runs out of time with nobody pressing anything: the server ends the turn.
        await clerk.Do("CallNextSpeaker", id, Item("3"));
        var onDeck = (await display.WaitUntil(s => s.Speakers.Any(e => e.State == "OnDeck"), "someone on deck")).Speakers.Single(e => e.State == "OnDeck");
        Assert.That(onDeck.Id, Is.EqualTo(cardA));
        await clerk.Do("StartTurn", id, cardA);
        var speaking = (await display.WaitUntil(s => s.Speaking?.Id == cardA, "Grace speaking")).Speaking!;
        Assert.That(speaking.Seconds, Is.EqualTo(180));
        Assert.That(speaking.EndsAt, Is.EqualTo(speaking.StartedAt!.Value.AddMinutes(3)));
        host.Clock.Advance(TimeSpan.FromSeconds(181));
        var afterExpiry = await display.WaitUntil(s => s.Speaking is null && s.Speakers.Single(e => e.Id == cardA).State == "Done", "the turn to expire");
        Assert.That(afterExpiry.Speakers.Single(e => e.Id == cardA).EndsAt, Is.Null);

        // A speaker with an interpreter gets twice the time; the clerk pauses, extends and ends it.
        await clerk.Do("StartTurn", id, entries[7]);
        var interpreted = (await residents[7].WaitUntil(s => s.Speaking?.Id == entries[7], "resident 7 speaking")).Speaking!;
        Assert.That(interpreted.Seconds, Is.EqualTo(360));
        host.Clock.Advance(TimeSpan.FromSeconds(60));
        await clerk.Do("PauseTurn", id);
        Assert.That((await display.WaitUntil(s => s.Speaking?.SecondsLeft is not null, "pause")).Speaking!.SecondsLeft, Is.EqualTo(300));
        await clerk.Do("ExtendTurn", id, 30);
        await clerk.Do("ResumeTurn", id);
        await clerk.Do("EndTurn", id);
        await clerk.Do("MarkNoShow", id, cardB);
        await clerk.Do("ClosePublicComment", id, Item("3"));

        // An action item: a motion, a second, a vote with a recusal and a changed vote.
        await clerk.Do("OpenItem", id, Item("6"));
        var motion = await mayor.Invoke<Guid>("Move", id, new MotionRequest("Adopt the mid-year budget adjustment as presented"));
        await okafor.WaitUntil(s => s.Motions.Any(m => m.Id == motion), "the motion");
        await okafor.Do("Second", id, motion);
        await clerk.Do("OpenVote", id, motion);
        await tran.WaitUntil(s => s.Motions.Single(m => m.Id == motion).State == "Voting", "the vote to open");
        await mayor.Do("Vote", id, motion, "Aye");
        await okafor.Do("Vote", id, motion, "Nay");
        await tran.Do("Vote", id, motion, "Recuse");
        var midVote = await display.WaitUntil(s => s.Motions.Single(m => m.Id == motion).Votes.Count == 3, "three votes as they are cast");
        Assert.That(midVote.Motions.Single().Votes[Seat("Council Seat 1")], Is.EqualTo("Nay"));
        await okafor.Do("Vote", id, motion, "Aye");
        await display.WaitUntil(s => s.Motions.Single().Votes[Seat("Council Seat 1")] == "Aye", "the changed vote");
        await clerk.Do("CloseVote", id, motion);
        var result = (await display.WaitUntil(s => s.Motions.Single().State is "Passed" or "Failed", "the result")).Motions.Single();
        Assert.That(result.State, Is.EqualTo("Passed"));
        Assert.That((result.Ayes, result.Nays, result.Recusals, result.Abstentions, result.NotVoting, result.Absent), Is.EqualTo((2, 0, 1, 0, 1, 1)));
        Assert.That(result.Votes[Seat("Council Seat 3")], Is.EqualTo("NotVoting"), "present without a tablet and silent: present, not voting");
        Assert.That(result.SilenceCountsAs, Is.EqualTo("NotVoting"), "the snapshot says which rule applied");
        Assert.That(result.Votes[Seat("Council Seat 4")], Is.EqualTo("Absent"));
        Assert.ThrowsAsync<HubException>(() => okafor.Do("Vote", id, motion, "Nay"));

        var last = await clerk.Do("Adjourn", id);

        // Every screen converges on the server's state, with every event, in order, none twice.
        var server = await host.Services.GetRequiredService<MeetingStore>().ReadAsync(id, m => Meetings.Server.Live.LiveViews.Snapshot(m, DateTimeOffset.MinValue));
        Assert.That(server.Meeting.Status, Is.EqualTo("Adjourned"));
        Assert.That(server.Sequence, Is.EqualTo(last.Sequence));
        foreach (var client in everyone)
        {
            var seen = await client.WaitForSequence(last.Sequence);
            Assert.That(Comparable(seen), Is.EqualTo(Comparable(server)), $"{client.Name}'s state");
            var sequences = client.Events.Select(e => e.Sequence).ToList();
            Assert.That(sequences, Is.Ordered.And.Unique, $"{client.Name}'s events");
            Assert.That(sequences[^1], Is.EqualTo(last.Sequence));
            Assert.That(sequences.Count, Is.EqualTo(sequences[^1] - sequences[0] + 1), $"{client.Name} has no gaps");
        }
        var chain = await host.Anonymous().Get<JournalVerification>($"/api/meetings/{id}/journal/verify");
        Assert.That(chain.Intact, Is.True);
    }

    /// <summary>A snapshot as JSON without the moment it was taken, which differs between any two.</summary>
    /// <summary>The snapshot without its server time and with object members in name order (a vote's seats have no order in JSON).</summary>
    private static string Comparable(MeetingSnapshot s) => Snapshots.Canonical(s);
}
