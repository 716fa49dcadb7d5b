using System.Net;
using Meetings.Client.Contracts;
using Meetings.Server.Live;
using Meetings.Server.Meetings;
using Meetings.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Live;

/// <summary>Updates carry only what changed, every screen that applies them holds what a join gives, and a screen that stops reading slows nobody.</summary>
public class LiveUpdateTests
{
    [Test]
    public async Task ScreensThatApplyEveryPatch_HoldWhatAJoinGives_AfterALongRunOfChanges()
    {
        using var host = new TestHost();
        var meeting = await host.Anonymous().DemoMeeting();
        var body = await host.Anonymous().DemoBody();
        var (id, item) = (meeting.Meeting.Id, meeting.Agenda[2].Id);
        Guid Seat(string title) => body.Seats.Single(s => s.Title == title).Id;
        await using var clerk = await LiveClient.ConnectAsync(host, Demo.Clerk, "clerk", id);
        await using var mayor = await LiveClient.ConnectAsync(host, Demo.Mayor, "mayor", id);
        await using var okafor = await LiveClient.ConnectAsync(host, "okafor@demo.city", "okafor", id);
        await using var viewer = await LiveClient.ConnectAsync(host, null, "viewer", id);
        await using var residents = new LiveCrowd();
        for (var i = 0; i < 4; i++) residents.Add(await LiveClient.ConnectAsync(host, null, $"resident {i}", id));
        await clerk.Do("StartMeeting", id);
        await clerk.Do("OpenItem", id, item);
        await clerk.Do("TakeRollCall", id, body.Seats.Select(s => new RollCallEntry(s.Id, s.Title == "Council Seat 4" ? "Absent" : "InRoom")).ToList());
        await clerk.Do("OpenPublicComment", id, item);

        // A seeded run of what a hearing does: sign-ups and withdrawals, cards, reorders, turns, moderation, comments,
        // motions and votes. A refusal (say, a vote on a closed motion) changes nothing and is part of the run.
        // Each step is chosen on the meeting as it is (the clerk's screen caught up first), so the seed alone decides the run.
        var store = host.Services.GetRequiredService<MeetingStore>();
        var random = new Random(20261126);
        for (var step = 0; step < 160; step++)
        {
            var resident = residents[random.Next(residents.Count)];
            var held = await clerk.WaitForSequence(await store.ReadAsync(id, m => m.Version));
            var waiting = held.Speakers.Where(s => s.State is "Waiting" or "OnDeck").Select(s => s.Id).ToList();
            var anyone = held.Speakers.Select(s => s.Id).ToList();
            var motion = held.Motions.Count > 0 ? held.Motions[^1] : null;
            try
            {
                switch (random.Next(12))
                {
                    case 0 or 1:
                        await resident.Invoke<Guid>("SignUpToSpeak", id, resident.ResidentToken,
                            new SignUpRequest(item, $"Resident {step}", random.Next(2) == 0 ? "Support" : "Oppose", UsesInterpreter: random.Next(5) == 0));
                        break;
                    case 2:
                        var own = held.Speakers.Where(s => s.PersonKey == resident.Joined!.PersonKey && s.State == "Waiting").ToList();
                        if (own.Count > 0) await resident.Do("WithdrawSignUp", id, resident.ResidentToken, own[random.Next(own.Count)].Id);
                        break;
                    case 3:
                        await clerk.Invoke<Guid>("AddRoomSpeaker", id, item, $"Card {step}", null, false);
                        break;
                    case 4:
                        var queue = held.Speakers.Where(s => s.State == "Waiting").Select(s => s.Id).ToList();
                        await clerk.Do("ReorderQueue", id, item, queue.OrderBy(_ => random.Next()).ToList());
                        break;
                    case 5:
                        if (held.Speaking is not null) await clerk.Do(random.Next(3) == 0 ? "PauseTurn" : "EndTurn", id);
                        else if (held.Speakers.FirstOrDefault(s => s.State == "OnDeck") is { } onDeck) await clerk.Do("StartTurn", id, onDeck.Id);
                        else await clerk.Do("CallNextSpeaker", id, item);
                        break;
                    case 6:
                        if (anyone.Count == 0) break;
                        var entry = anyone[random.Next(anyone.Count)];
                        await (random.Next(2) == 0 ? clerk.Do("HideSpeakerName", id, entry, "Not a name") : clerk.Do("ReplaceSpeakerName", id, entry, $"Speaker {step}", "Asked to"));
                        break;
                    case 7:
                        await resident.Do("SubmitWrittenComment", id, resident.ResidentToken, item, $"Writer {step}", $"Comment number {step}.");
                        break;
                    case 8:
                        var pending = (await clerk.Invoke<ModerationView>("Moderation", id)).Comments.Where(c => c.State == "Pending").ToList();
                        if (pending.Count == 0) break;
                        var comment = pending[random.Next(pending.Count)].Id;
                        await (random.Next(3) == 0 ? clerk.Do("HideWrittenComment", id, comment, "Off topic") : clerk.Do("ReleaseWrittenComment", id, comment));
                        break;
                    case 9:
                        switch (motion?.State)
                        {
                            case null or "Passed" or "Failed" or "Withdrawn" or "NoQuorum":
                                await mayor.Invoke<Guid>("Move", id, new MotionRequest($"Motion {step}"));
                                break;
                            case "AwaitingSecond": await okafor.Do("Second", id, motion.Id); break;
                            case "OnFloor": await clerk.Do("OpenVote", id, motion.Id); break;
                            default:
                                if (random.Next(4) == 0) await clerk.Do("CloseVote", id, motion.Id);
                                else await (random.Next(2) == 0 ? mayor : okafor).Do("Vote", id, motion.Id, random.Next(2) == 0 ? "Aye" : "Nay");
                                break;
                        }
                        break;
                    case 10:
                        await mayor.Do(held.MembersWaiting.Any(w => w.SeatId == Seat("Mayor")) ? "WithdrawRequestToSpeak" : "AskToSpeak", id);
                        break;
                    default:
                        if (held.Speaking is { EndsAt: null }) await clerk.Do("ResumeTurn", id);
                        else if (held.Speaking is not null) await clerk.Do("ExtendTurn", id, 30);
                        else if (waiting.Count > 0) await clerk.Do("MarkNoShow", id, waiting[0]);
                        break;
                }
            }
            catch (HubException)
            {
                // Refused: nothing changed.
            }
        }

        var server = await store.ReadAsync(id, m => LiveViews.Snapshot(m, DateTimeOffset.MinValue));
        await using var late = await LiveClient.ConnectAsync(host, null, "late viewer", id);
        Assert.That(late.Snapshot.Sequence, Is.EqualTo(server.Sequence), "nothing else is going on");
        Assert.That(server.Speakers, Has.Count.GreaterThan(20));
        Assert.That(server.Motions, Is.Not.Empty);
        LiveClient[] screens = [clerk, mayor, okafor, viewer, .. residents];
        foreach (var screen in screens)
        {
            var held = await screen.WaitForSequence(server.Sequence);
            Assert.That(Snapshots.Canonical(held), Is.EqualTo(Snapshots.Canonical(server)), $"{screen.Name} holds what the server has");
            Assert.That(Snapshots.Canonical(held), Is.EqualTo(Snapshots.Canonical(late.Snapshot)), $"{screen.Name} holds what a join gives");
            Assert.That((screen.GapsSeen, screen.PatchesFailed), Is.EqualTo((0, 0)), $"{screen.Name} applied every patch in turn");
            var updates = screen.Updates.Select(u => u.Update).ToList();
            Assert.That(updates, Has.Count.GreaterThan(100));
            Assert.That(updates.Zip(updates.Skip(1)).All(p => p.Second.From == p.First.Sequence), Is.True, $"{screen.Name}: each update starts where the last ended");
            Assert.That(updates.All(u => !u.Resync && u.Events.Count == u.Sequence - u.From), Is.True, $"{screen.Name}: each update carries its events");
        }
    }

    [Test]
    public async Task AScreenThatStopsReading_DelaysNoOtherScreen_AndWhatWaitsForItIsBounded()
    {
        using var host = new TestHost();
        var meeting = await host.Anonymous().DemoMeeting();
        var (id, item) = (meeting.Meeting.Id, meeting.Agenda[2].Id);
        await using var clerk = await LiveClient.ConnectAsync(host, Demo.Clerk, "clerk", id);
        await clerk.OpenPublicComment(id, item);
        // Long names make the whole meeting big, so that the stalled screen's unread answers fill every buffer on its way.
        for (var i = 0; i < 150; i++) await clerk.Invoke<Guid>("AddRoomSpeaker", id, item, $"{i:D3} {new string('x', 70)}", null, false);
        await using var viewer = await LiveClient.ConnectAsync(host, null, "viewer", id);
        var cookies = new CookieContainer();
        await host.SignInAsync(Demo.Clerk, cookies);
        await using var stalled = await StalledScreen.ConnectAsync(host, cookies, id);
        await stalled.AskWithoutReadingAsync(id, 300);

        // The meeting goes on until the stalled screen's outbox has overflowed, and then some.
        var broadcaster = host.Services.GetRequiredService<MeetingBroadcaster>();
        var most = 0;
        var added = 0;
        for (var extra = 0; extra < 20 && added < 600; added++)
        {
            await clerk.Invoke<Guid>("AddRoomSpeaker", id, item, $"Late card {added}", null, false);
            var backlog = broadcaster.Backlog(id);
            most = Math.Max(most, backlog.MostWaiting);
            if (backlog.Resyncs > 0) extra++;
        }
        var last = await clerk.Do("ClosePublicComment", id, item);

        var seen = await viewer.WaitForSequence(last.Sequence);
        Assert.That(seen.Speakers, Has.Count.EqualTo(150 + added), "the reading screen has every change while the other reads nothing");
        var updates = viewer.Updates.Select(u => u.Update).ToList();
        Assert.That(updates.All(u => !u.Resync) && updates.Zip(updates.Skip(1)).All(p => p.Second.From == p.First.Sequence), Is.True,
            "and got them one after another, never told to catch up");
        Assert.That(broadcaster.Backlog(id).Resyncs, Is.GreaterThan(0), "the stalled screen's waiting updates were dropped for a resync");
        Assert.That(most, Is.LessThanOrEqualTo(Outbox.Capacity), "what waits for a stalled screen is bounded");

        await stalled.ReadUntilAsync(last.Sequence);
        Assert.That(stalled.Updates.Any(u => u.Resync), Is.True, "when it reads again it is told to catch up");
    }
}
