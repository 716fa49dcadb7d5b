using System.Net;
using Meetings.Client.Contracts;
using Meetings.Tests.Support;
using Microsoft.AspNetCore.SignalR;

namespace Meetings.Tests.Api;

/// <summary>
/// The vote record over the wire: present members who do not vote are recorded as the body's rule says (present,
/// not voting by default), and an absent member gains a vote only after the attendance at the vote is corrected.
/// </summary>
public class VoteRecordTests
{
    private TestHost _host = null!;
    private HttpClient _admin = null!;
    private HttpClient _clerkHttp = null!;
    private LiveClient _clerk = null!;

    [OneTimeSetUp]
    public async Task StartHost()
    {
        _host = new TestHost();
        _admin = await _host.SignInAsync(Demo.Admin);
        _clerkHttp = await _host.SignInAsync(Demo.Clerk);
        _clerk = await LiveClient.ConnectAsync(_host, Demo.Clerk, "clerk", (await _host.Anonymous().DemoMeeting()).Meeting.Id);
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        await _clerk.DisposeAsync();
        _host.Dispose();
    }

    /// <summary>A board of three with the given rule for silence, a meeting with the roll taken (seat 3 absent) and a motion on the floor.</summary>
    private async Task<(Guid Id, Guid Motion, BodyDto Board)> MotionOnTheFloor(string? silence)
    {
        var board = await _admin.Send<BodyDto>(HttpMethod.Post, "/api/bodies", new BodyRequest($"Board {Guid.NewGuid():N}", SilenceCountsAs: silence), HttpStatusCode.Created);
        foreach (var seat in new[] { "Seat 1", "Seat 2", "Seat 3" })
            board = await _admin.Send<BodyDto>(HttpMethod.Post, $"/api/bodies/{board.Id}/seats", new SeatRequest(seat, $"Member of {seat}"), HttpStatusCode.Created);
        var start = Dates.DaysAfter(_host.Clock.GetUtcNow(), 30);
        var meeting = await _clerkHttp.Send<MeetingDetail>(HttpMethod.Post, "/api/meetings",
            new MeetingRequest(board.Id, "Regular Meeting", "Regular", start, "America/Los_Angeles", "Board Room"), HttpStatusCode.Created);
        var id = meeting.Meeting.Id;
        var item = (await _clerkHttp.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{id}/agenda", new AgendaItemRequest("Adopt the plan", "Action"), HttpStatusCode.Created)).Agenda.Single().Id;
        await _clerkHttp.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{id}/publish", new PublishRequest(), HttpStatusCode.OK);
        await _clerk.Do("StartMeeting", id);
        await _clerk.Do("OpenItem", id, item);
        await _clerk.Do("TakeRollCall", id, new[] { new RollCallEntry(board.Seats[0].Id, "InRoom"), new RollCallEntry(board.Seats[1].Id, "InRoom"), new RollCallEntry(board.Seats[2].Id, "Absent") });
        var motion = await _clerk.Invoke<Guid>("RecordMotion", id, board.Seats[0].Id, new MotionRequest("Adopt the plan"));
        await _clerk.Do("RecordSecond", id, motion, board.Seats[1].Id);
        return (id, motion, board);
    }

    private async Task<MotionDto> Closed(Guid id, Guid motion)
    {
        await _clerk.Do("OpenVote", id, motion);
        return await MotionAfter(id, motion, await _clerk.Do("CloseVote", id, motion));
    }

    /// <summary>The motion as a viewer who joins now sees it, once the meeting has reached <paramref name="ack"/>.</summary>
    private async Task<MotionDto> MotionAfter(Guid id, Guid motion, CommandAck ack)
    {
        await using var viewer = await LiveClient.ConnectAsync(_host, null, "viewer", id);
        return (await viewer.WaitForSequence(ack.Sequence)).Motions.Single(m => m.Id == motion);
    }

    [Test]
    public async Task SilentMembers_AreRecordedPresentNotVoting_ByDefault()
    {
        var (id, motion, board) = await MotionOnTheFloor(null);

        var result = await Closed(id, motion);

        Assert.That(board.SilenceCountsAs, Is.EqualTo("NotVoting"));
        Assert.That(board.Seats.Select(s => result.Votes[s.Id]), Is.EqualTo(new[] { "NotVoting", "NotVoting", "Absent" }));
        Assert.That((result.Abstentions, result.NotVoting, result.Absent, result.SilenceCountsAs), Is.EqualTo((0, 2, 1, "NotVoting")));
        var minutes = await _clerkHttp.GetStringAsync($"/api/meetings/{id}/minutes?draft=true&format=md");
        Assert.That(minutes, Does.Contain("0 aye, 0 nay, 0 abstaining, 0 recused, 2 present not voting, 1 absent").And.Contain("| Member of Seat 1 | Present, not voting |"));
    }

    [Test]
    public async Task SilentMembers_CountAsAye_WhereTheBodysCharterSaysSo()
    {
        var (id, motion, board) = await MotionOnTheFloor("Aye");

        var result = await Closed(id, motion);

        Assert.That(board.SilenceCountsAs, Is.EqualTo("Aye"));
        Assert.That((result.Ayes, result.NotVoting, result.State, result.SilenceCountsAs), Is.EqualTo((2, 0, "Passed", "Aye")));
    }

    [Test]
    public async Task ABodyRuleOutsideTheChoices_IsRefusedWithAFieldError()
    {
        var response = await _admin.PostAsync("/api/bodies", System.Net.Http.Json.JsonContent.Create(new BodyRequest("Odd Board", SilenceCountsAs: "Absent"), options: ApiClient.Json));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("silenceCountsAs"));
    }

    [Test]
    public async Task AnAbsentMember_GainsAVoteOnlyAfterTheAttendanceAtTheVoteIsCorrected()
    {
        var (id, motion, board) = await MotionOnTheFloor(null);
        await Closed(id, motion);
        var absent = board.Seats[2].Id;

        var refused = Assert.ThrowsAsync<HubException>(() => _clerk.Do("CorrectVote", id, motion, absent, "Aye", "She voted by hand"));
        await _clerk.Do("CorrectAttendanceAtVote", id, motion, absent, true, "She was at the dais; the roll was not updated");
        var corrected = await _clerk.Do("CorrectVote", id, motion, absent, "Aye", "She voted by hand");

        Assert.That(refused!.Message, Does.Contain("correct the attendance at the vote first"));
        var result = await MotionAfter(id, motion, corrected);
        Assert.That((result.Votes[absent], result.Ayes, result.NotVoting, result.Absent), Is.EqualTo(("Aye", 1, 2, 0)));
        Assert.That(result.Corrections.Select(c => (c.Kind, c.Choice)), Is.EqualTo(new[] { ("Attendance", "NotVoting"), ("Vote", "Aye") }));
    }
}
