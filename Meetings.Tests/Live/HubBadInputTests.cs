using System.Net;
using System.Text.Json;
using Meetings.Client.Contracts;
using Meetings.Server.Live;
using Meetings.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Live;

/// <summary>
/// Bad payloads sent to the hub get a HubException a person can read, naming what is wrong, and change
/// nothing. Each case runs against a fresh meeting in full swing, so the payload is the only thing wrong.
/// </summary>
public class HubBadInputTests
{
    private TestHost _host = null!;
    private HttpClient _clerkHttp = null!;
    private HttpClient _public = null!;
    private BodyDto _body = null!;
    private LiveClient _clerk = null!;
    private LiveClient _mayor = null!;
    private Guid _demoMeetingId;
    private Guid _otherMeetingItem;

    private Guid Seat(string title) => _body.Seats.Single(s => s.Title == title).Id;

    [OneTimeSetUp]
    public async Task StartHost()
    {
        _host = new TestHost();
        _public = _host.Anonymous();
        _body = await _public.DemoBody();
        _demoMeetingId = (await _public.DemoMeeting()).Meeting.Id;
        _clerkHttp = await _host.SignInAsync(Demo.Clerk);
        _clerk = await LiveClient.ConnectAsync(_host, Demo.Clerk, "clerk", _demoMeetingId);
        _mayor = await LiveClient.ConnectAsync(_host, Demo.Mayor, "mayor", _demoMeetingId);

        // Another meeting, scheduled and published as the brief of a special meeting would be, whose item is valid but not ours.
        var other = await ScheduleAsync("Special Meeting on the Harbor Dredging", publish: true);
        _otherMeetingItem = other.Agenda.Single().Id;
    }

    /// <summary>The hub's rate limits run on the host's clock: let them grow back between tests, which all call from one address.</summary>
    [SetUp]
    public void FillTheRateLimits() => _host.Clock.Advance(TimeSpan.FromSeconds(10));

    [OneTimeTearDown]
    public async Task StopHost()
    {
        if (_clerk is not null) await _clerk.DisposeAsync();
        if (_mayor is not null) await _mayor.DisposeAsync();
        _public?.Dispose();
        _clerkHttp?.Dispose();
        _host?.Dispose();
    }

    public enum Who { Clerk, Mayor, Resident }

    /// <summary>A meeting in full swing: roll taken (seat 4 absent), item A open for comment, a room speaker at the microphone, a vote open.</summary>
    public sealed record Scene(Guid Id, Guid ItemA, Guid Speaker, Guid Motion, Guid Mayor, Guid Seat1, Guid Seat4, Guid OtherMeetingItem, IReadOnlyList<RollCallEntry> Roll);

    public sealed record BadCall(Who Who, string Method, Func<Scene, string?, object?[]> Args, string Words);

    private static readonly string Long81 = new('n', 81);
    private static readonly string Long3001 = new('t', 3001);

    private static IEnumerable<(string Name, BadCall Call)> BadCalls()
    {
        // Missing fields
        yield return ("ASignUpWithoutAName", new(Who.Resident, "SignUpToSpeak", (s, t) => [s.Id, t, new SignUpRequest(s.ItemA, null)], "name is required"));
        yield return ("ASignUpWithABlankName", new(Who.Resident, "SignUpToSpeak", (s, t) => [s.Id, t, new SignUpRequest(s.ItemA, "   ")], "name is required"));
        yield return ("AMotionWithoutText", new(Who.Mayor, "Move", (s, _) => [s.Id, new MotionRequest(null)], "text is required"));
        yield return ("AnEmptyRollCall", new(Who.Clerk, "TakeRollCall", (s, _) => [s.Id, Array.Empty<RollCallEntry>()], "every seat"));
        yield return ("ARollCallMissingASeat", new(Who.Clerk, "TakeRollCall", (s, _) => [s.Id, s.Roll.Skip(1).ToList()], "every seat"));
        yield return ("ARollCallAnsweringASeatTwice", new(Who.Clerk, "TakeRollCall", (s, _) => [s.Id, s.Roll.Append(s.Roll[0]).ToList()], "twice"));
        yield return ("ASignUpWithNoRequestAtAll", new(Who.Resident, "SignUpToSpeak", (s, t) => [s.Id, t, null], "required"));
        yield return ("AMotionWithNoRequestAtAll", new(Who.Mayor, "Move", (s, _) => [s.Id, null], "required"));
        yield return ("ARollCallWithNoListAtAll", new(Who.Clerk, "TakeRollCall", (s, _) => [s.Id, null], "required"));
        yield return ("AResidentTokenThatIsMissing", new(Who.Resident, "SubmitWrittenComment", (s, _) => [s.Id, null, s.ItemA, "Pat", "Comment"], "resident token"));
        yield return ("AResidentTokenThatIsTooShort", new(Who.Resident, "SignUpToSpeak", (s, _) => [s.Id, "short-token", new SignUpRequest(s.ItemA, "Pat")], "resident token"));

        // Unknown ids
        yield return ("AnUnknownItem", new(Who.Clerk, "OpenItem", (s, _) => [s.Id, Guid.NewGuid()], "no such agenda item"));
        yield return ("AnUnknownItemToSignUpFor", new(Who.Resident, "SignUpToSpeak", (s, t) => [s.Id, t, new SignUpRequest(Guid.NewGuid(), "Pat")], "no such agenda item"));
        yield return ("AnUnknownSpeakerToStart", new(Who.Clerk, "StartTurn", (s, _) => [s.Id, Guid.NewGuid()], "No such speaker"));
        yield return ("AnUnknownSpeakerToWithdraw", new(Who.Resident, "WithdrawSignUp", (s, t) => [s.Id, t, Guid.NewGuid()], "No such speaker"));
        yield return ("AnUnknownSpeakerInTheNewOrder", new(Who.Clerk, "ReorderQueue", (s, _) => [s.Id, s.ItemA, new List<Guid> { Guid.NewGuid() }], "every waiting speaker"));
        yield return ("AnUnknownMotionToSecond", new(Who.Mayor, "Second", (s, _) => [s.Id, Guid.NewGuid()], "No such motion"));
        yield return ("AnUnknownMotionToClose", new(Who.Clerk, "CloseVote", (s, _) => [s.Id, Guid.NewGuid()], "No such motion"));
        yield return ("AnUnknownMotionToAmend", new(Who.Mayor, "Move", (s, _) => [s.Id, new MotionRequest("Amend it", null, Guid.NewGuid())], "No such motion"));
        yield return ("AnUnknownSeatArriving", new(Who.Clerk, "MarkArrival", (s, _) => [s.Id, Guid.NewGuid(), "InRoom", null], "No such seat"));
        yield return ("AnUnknownSeatInTheRollCall", new(Who.Clerk, "TakeRollCall", (s, _) => [s.Id, s.Roll.Skip(1).Prepend(new RollCallEntry(Guid.NewGuid(), "InRoom")).ToList()], "No such seat"));
        yield return ("AnUnknownSeatMakingAMotion", new(Who.Clerk, "RecordMotion", (s, _) => [s.Id, Guid.NewGuid(), new MotionRequest("Adopt")], "No such seat"));

        // A valid item, of another meeting
        yield return ("AnotherMeetingsItemToOpen", new(Who.Clerk, "OpenItem", (s, _) => [s.Id, s.OtherMeetingItem], "no such agenda item"));
        yield return ("AnotherMeetingsItemToSpeakOn", new(Who.Resident, "SignUpToSpeak", (s, t) => [s.Id, t, new SignUpRequest(s.OtherMeetingItem, "Pat")], "no such agenda item"));
        yield return ("AnotherMeetingsItemToCommentOn", new(Who.Resident, "SubmitWrittenComment", (s, t) => [s.Id, t, s.OtherMeetingItem, "Pat", "Comment"], "no such agenda item"));
        yield return ("AnotherMeetingsItemForARoomCard", new(Who.Clerk, "AddRoomSpeaker", (s, _) => [s.Id, s.OtherMeetingItem, "Grace Card", null, false], "no such agenda item"));

        // Words that are not one of the choices
        yield return ("MaybeAsAVote", new(Who.Mayor, "Vote", (s, _) => [s.Id, s.Motion, "Maybe"], "not one of"));
        yield return ("ANumberAsAVote", new(Who.Mayor, "Vote", (s, _) => [s.Id, s.Motion, "1"], "not one of"));
        yield return ("AbsentAsAVote", new(Who.Mayor, "Vote", (s, _) => [s.Id, s.Motion, "Absent"], "Aye, Nay, Abstain or Recuse"));
        yield return ("NoChoiceAsAVote", new(Who.Mayor, "Vote", (s, _) => [s.Id, s.Motion, null], "choice is required"));
        yield return ("FloatingAsAPresence", new(Who.Clerk, "MarkArrival", (s, _) => [s.Id, s.Seat4, "Floating", null], "not one of"));
        yield return ("FloatingAsAPresenceInTheRollCall", new(Who.Clerk, "TakeRollCall", (s, _) => [s.Id, s.Roll.Select(r => r with { Presence = "Floating" }).ToList()], "not one of"));
        yield return ("RemoteWithoutItsLegalBasis", new(Who.Clerk, "MarkArrival", (s, _) => [s.Id, s.Seat4, "Remote", null], "legal basis"));
        yield return ("SidewaysAsAStance", new(Who.Clerk, "AddRoomSpeaker", (s, _) => [s.Id, s.ItemA, "Grace Card", "Sideways", false], "not one of"));
        yield return ("FiveQuartersAsAThreshold", new(Who.Mayor, "Move", (s, _) => [s.Id, new MotionRequest("Adopt", "5/4")], "between 0 and 1"));
        yield return ("MostAsAThreshold", new(Who.Mayor, "Move", (s, _) => [s.Id, new MotionRequest("Adopt", "most")], "Majority, MajorityOfSeats, TwoThirds"));

        // Numbers and strings out of bounds
        yield return ("AnExtensionOfNoSeconds", new(Who.Clerk, "ExtendTurn", (s, _) => [s.Id, 0], "1 to 3600"));
        yield return ("AnExtensionOfADay", new(Who.Clerk, "ExtendTurn", (s, _) => [s.Id, 86_400], "1 to 3600"));
        yield return ("ANameOf81Characters", new(Who.Resident, "SignUpToSpeak", (s, t) => [s.Id, t, new SignUpRequest(s.ItemA, Long81)], "at most 80"));
        yield return ("AWrittenCommentOf3001Characters", new(Who.Resident, "SubmitWrittenComment", (s, t) => [s.Id, t, s.ItemA, "Pat", Long3001], "at most 3000"));
        yield return ("APhoneNumberAbroad", new(Who.Resident, "SignUpToSpeak", (s, t) => [s.Id, t, new SignUpRequest(s.ItemA, "Pat", Phone: "+44 20 7946 0958", CallMe: true)], "numbers starting with +1"));
        yield return ("APhoneNumberThatIsNotOne", new(Who.Resident, "SignUpToSpeak", (s, t) => [s.Id, t, new SignUpRequest(s.ItemA, "Pat", Phone: "call me maybe")], "phone number"));
        yield return ("ARecordedVoteCorrectedToMaybe", new(Who.Clerk, "CorrectVote", (s, _) => [s.Id, s.Motion, s.Seat1, "Maybe", "misheard"], "not one of"));
    }

    public static IEnumerable<TestCaseData> BadCallCases() =>
        BadCalls().Select(c => new TestCaseData(c.Call).SetName($"{c.Name}_IsRefused_WithAClearMessage_AndChangesNothing"));

    [TestCaseSource(nameof(BadCallCases))]
    public async Task BadPayload_IsRefused_WithAClearMessage_AndChangesNothing(BadCall call)
    {
        var scene = await MeetingInFullSwing();
        await using var resident = call.Who == Who.Resident ? await LiveClient.ConnectAsync(_host, null, "resident", _demoMeetingId) : null;
        var caller = call.Who switch { Who.Clerk => _clerk, Who.Mayor => _mayor, _ => resident! };
        var before = await Version(scene.Id);

        var refused = Assert.ThrowsAsync<HubException>(() => caller.Connection.InvokeCoreAsync(call.Method, typeof(object), call.Args(scene, resident?.ResidentToken)));

        Assert.That(refused!.Message, Does.Contain(call.Words));
        Assert.That(await Version(scene.Id), Is.EqualTo(before), "a refused command changes nothing");
    }

    /// <summary>Enum parsing accepts comma lists and ORs them: "Nay, Abstain" is 1 | 2, which is Recuse.</summary>
    [Test]
    public async Task AVoteNamingTwoChoices_IsRefused_RatherThanRecordedAsAThird()
    {
        var scene = await MeetingInFullSwing();
        var before = await Version(scene.Id);
        string? recorded = null;

        try
        {
            await _mayor.Do("Vote", scene.Id, scene.Motion, "Nay, Abstain");
            recorded = (await _mayor.Invoke<CatchUp>("EventsAfter", scene.Id, 0L)).Snapshot.Motions.Single().Votes[scene.Mayor];
        }
        catch (HubException refused)
        {
            Assert.That(refused.Message, Does.Contain("not one of"));
        }

        Assert.That(recorded, Is.Null, $"the mayor said \"Nay, Abstain\" and the record shows {recorded}");
        Assert.That(await Version(scene.Id), Is.EqualTo(before));
    }

    [Test]
    public async Task AnArgumentOfTheWrongType_IsRefused_AndChangesNothing()
    {
        var scene = await MeetingInFullSwing();
        var before = await Version(scene.Id);

        var refused = Assert.ThrowsAsync<HubException>(() => _clerk.Do("OpenItem", scene.Id, "item one"));

        Assert.That(refused!.Message, Does.Contain("OpenItem"));
        Assert.That(await Version(scene.Id), Is.EqualTo(before));
        Assert.That((await _clerk.Do("EndTurn", scene.Id)).Sequence, Is.EqualTo(before + 1), "the connection still works");
    }

    [Test]
    public async Task AMessageOver32KB_ClosesTheConnection_AndTheMeetingIsUnchanged_AndANewConnectionWorks()
    {
        var scene = await MeetingInFullSwing();
        var before = await Version(scene.Id);
        await using var resident = await LiveClient.ConnectAsync(_host, null, "resident", _demoMeetingId);

        var failure = Assert.ThrowsAsync<HubException>(() => resident.Invoke<Guid>("SignUpToSpeak", scene.Id, resident.ResidentToken,
            new SignUpRequest(scene.ItemA, new string('x', 100_000))));

        Assert.That(failure!.Message, Does.Contain("closed the connection"), "the server hangs up on a message over its 32 KB limit");
        Assert.That(await Version(scene.Id), Is.EqualTo(before), "nothing was recorded");
        // Someone connecting afresh is served as usual.
        await using var again = await LiveClient.ConnectAsync(_host, null, "resident again", scene.Id);
        var entry = await again.Invoke<Guid>("SignUpToSpeak", scene.Id, again.ResidentToken, new SignUpRequest(scene.ItemA, "Pat Resident"));
        Assert.That(entry, Is.Not.EqualTo(Guid.Empty));
        Assert.That(await Version(scene.Id), Is.EqualTo(before + 1));
    }

    [Test]
    public async Task ANameJustUnder32KB_IsRefusedForItsLength_AndTheConnectionStaysOpen()
    {
        var scene = await MeetingInFullSwing();
        var before = await Version(scene.Id);
        await using var resident = await LiveClient.ConnectAsync(_host, null, "resident", _demoMeetingId);

        var refused = Assert.ThrowsAsync<HubException>(() => resident.Invoke<Guid>("SignUpToSpeak", scene.Id, resident.ResidentToken,
            new SignUpRequest(scene.ItemA, new string('x', 30_000))));

        Assert.That(refused!.Message, Does.Contain("name").And.Contain("at most 80"));
        Assert.That(await Version(scene.Id), Is.EqualTo(before));
        Assert.That(resident.Connection.State, Is.EqualTo(HubConnectionState.Connected));
        Assert.That((await resident.Invoke<CatchUp>("EventsAfter", scene.Id, before)).Snapshot.Sequence, Is.EqualTo(before), "the same connection still answers");
    }

    [Test]
    public async Task AMeetingThatDoesNotExist_CannotBeJoinedReadOrRun()
    {
        var nowhere = Guid.NewGuid();
        await using var resident = await LiveClient.ConnectAsync(_host, null, "resident", _demoMeetingId);

        var join = Assert.ThrowsAsync<HubException>(() => resident.Invoke<JoinResult>("Join", nowhere, resident.ResidentToken));
        var read = Assert.ThrowsAsync<HubException>(() => resident.Invoke<CatchUp>("EventsAfter", nowhere, 0L));
        var run = Assert.ThrowsAsync<HubException>(() => _clerk.Do("StartMeeting", nowhere));

        Assert.That(join!.Message, Does.Contain("No such meeting."));
        Assert.That(read!.Message, Does.Contain("No such meeting."));
        Assert.That(run!.Message, Does.Contain("No such meeting."));
        var response = await _public.GetAsync($"/api/meetings/{nowhere}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "nor did asking create it");
    }

    /// <summary>
    /// Asking for a meeting that does not exist must leave nothing behind: the watcher walks every meeting someone
    /// here is watching, and one that is not there would fail each of its passes from then on.
    /// </summary>
    [Test]
    public async Task JoiningAMeetingThatDoesNotExist_LeavesNothingBehind_ForTheWatcherToTripOn()
    {
        await using var resident = await LiveClient.ConnectAsync(_host, null, "resident", _demoMeetingId);
        var nowhere = Guid.NewGuid();
        Assert.ThrowsAsync<HubException>(() => resident.Invoke<JoinResult>("Join", nowhere, null));

        Assert.That(_host.Services.GetRequiredService<MeetingBroadcaster>().Watched, Does.Not.Contain(nowhere).And.Contain(_demoMeetingId),
            "the refused join is not counted as watching");
        await _host.Services.GetRequiredService<MeetingWatcher>().TickAsync();
        Assert.That(_host.Logs.From<MeetingWatcher>().Where(e => e.Message.Contains(nowhere.ToString(), StringComparison.Ordinal)), Is.Empty,
            "a whole pass of the watcher went by without tripping on it");
    }

    [Test]
    public async Task AJoinRefusedForItsToken_DoesNotSubscribeTheConnection()
    {
        var scene = await MeetingInFullSwing();
        await using var resident = await LiveClient.ConnectAsync(_host, null, "resident", _demoMeetingId);
        var updates = 0;
        resident.Connection.On<JsonElement>(nameof(IMeetingClient.MeetingUpdated), u => { if (u.GetProperty("meetingId").GetGuid() == scene.Id) Interlocked.Increment(ref updates); });

        var refused = Assert.ThrowsAsync<HubException>(() => resident.Invoke<JoinResult>("Join", scene.Id, "short"));
        Assert.That(refused!.Message, Does.Contain("resident token"));

        // A change to the meeting that reaches a screen following it, then a round trip on the refused connection: an
        // update sent to it would have gone out with the other screen's, ahead of the answer.
        await using var follower = await LiveClient.ConnectAsync(_host, null, "follower", scene.Id);
        var ended = await _clerk.Do("EndTurn", scene.Id);
        await follower.WaitForSequence(ended.Sequence);
        await resident.Invoke<CatchUp>("EventsAfter", scene.Id, 0L);
        Assert.That(Volatile.Read(ref updates), Is.Zero, "a refused Join must not subscribe the caller to the meeting");
    }

    [Test]
    public async Task AnAnonymousConnection_IsServedABurstOfTwenty_ThenTwoASecond_ByTheServersClock()
    {
        var scene = await MeetingInFullSwing();
        var before = await Version(scene.Id);
        await using var script = await LiveClient.ConnectAsync(_host, null, "script", _demoMeetingId);
        _host.Clock.Advance(TimeSpan.FromSeconds(10)); // whatever connecting took has grown back

        Assert.That(await Served(script, scene, 30), Is.EqualTo(20), "a burst of twenty, then refused while no time passes");
        _host.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.That(await Served(script, scene, 10), Is.EqualTo(2), "two more a second later");
        Assert.That(await Version(scene.Id), Is.EqualTo(before));
    }

    [Test]
    public async Task OneAddress_IsServedABurstOfTwoHundred_ThenTwentyASecond_AcrossAllItsConnections()
    {
        var scene = await MeetingInFullSwing();
        await using var library = new LiveCrowd();
        for (var i = 0; i < 13; i++) library.Add(await LiveClient.ConnectAsync(_host, null, $"library computer {i}", _demoMeetingId));
        _host.Clock.Advance(TimeSpan.FromSeconds(10));

        var served = 0;
        foreach (var computer in library.Take(10)) served += await Served(computer, scene, 20);
        Assert.That(served, Is.EqualTo(200), "ten connections, each within its own burst, spend the address's two hundred");
        Assert.That(await Served(library[10], scene, 5), Is.Zero, "an eleventh connection from the address is refused before its own limit");

        _host.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.That(await Served(library[11], scene, 12) + await Served(library[12], scene, 12), Is.EqualTo(20), "twenty more a second later");
    }

    /// <summary>Sends calls that are refused anyway (an unknown entry), and counts those the rate limit let through.</summary>
    private static async Task<int> Served(LiveClient client, Scene scene, int calls)
    {
        var served = 0;
        for (var i = 0; i < calls; i++)
        {
            var refused = Assert.ThrowsAsync<HubException>(() => client.Do("WithdrawSignUp", scene.Id, client.ResidentToken, Guid.NewGuid()));
            if (refused!.Message.Contains("Too many requests", StringComparison.Ordinal)) continue;
            Assert.That(refused.Message, Does.Contain("No such speaker"));
            served++;
        }
        return served;
    }

    [Test]
    public async Task ADraftMeeting_CannotBeJoinedOrUsedAnonymously_ButTheClerkCanJoinIt()
    {
        var draft = await ScheduleAsync("Draft Study Session", publish: false);
        var id = draft.Meeting.Id;
        Assert.That(draft.Meeting.Status, Is.EqualTo("Draft"));
        await using var resident = await LiveClient.ConnectAsync(_host, null, "resident", _demoMeetingId);

        var join = Assert.ThrowsAsync<HubException>(() => resident.Invoke<JoinResult>("Join", id, resident.ResidentToken));
        var read = Assert.ThrowsAsync<HubException>(() => resident.Invoke<CatchUp>("EventsAfter", id, 0L));
        var comment = Assert.ThrowsAsync<HubException>(() => resident.Do("SubmitWrittenComment", id, resident.ResidentToken, draft.Agenda[0].Id, "Pat", "Early thoughts"));

        Assert.That(join!.Message, Does.Contain("No such meeting."));
        Assert.That(read!.Message, Does.Contain("No such meeting."));
        Assert.That(comment!.Message, Does.Contain("No such meeting."));
        var clerkJoined = await _clerk.Invoke<JoinResult>("Join", id, null);
        Assert.That((clerkJoined.Snapshot.Meeting.Status, clerkJoined.Snapshot.Sequence), Is.EqualTo(("Draft", draft.Version)), "unchanged, and there for the clerk");
    }

    // Meetings to spoil

    [Test]
    public async Task ADraftCancelledBeforePosting_StaysTheClerks_OnTheHubAndEverywhereElse()
    {
        var draft = await ScheduleAsync("Closed session on the harbor lease", publish: false);
        var id = draft.Meeting.Id;
        await _clerk.Invoke<JoinResult>("Join", id, null);   // the clerk's screen: this server now shares its snapshot
        var cancelled = await _clerkHttp.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{id}/cancel", new CancelRequest("Not needed after all"), HttpStatusCode.OK);
        Assert.That(cancelled.Meeting.Status, Is.EqualTo("Cancelled"));
        var shared = _host.Services.GetRequiredService<MeetingBroadcaster>();
        await Wait.Until(() => shared.Current(id)?.Sequence >= cancelled.Version, "the shared snapshot says Cancelled");

        await using var resident = await LiveClient.ConnectAsync(_host, null, "resident", _demoMeetingId);
        var join = Assert.ThrowsAsync<HubException>(() => resident.Invoke<JoinResult>("Join", id, resident.ResidentToken));
        Assert.That(join!.Message, Does.Contain("No such meeting."));
        var anonymous = _host.Anonymous();
        foreach (var path in new[] { $"/api/meetings/{id}", $"/api/meetings/{id}/journal", $"/api/meetings/{id}/packet", $"/meetings/{id}" })
            Assert.That((await anonymous.GetAsync(path)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), path);
        Assert.That((await anonymous.Get<List<MeetingSummary>>("/api/meetings")).Select(m => m.Id), Does.Not.Contain(id));
        Assert.That(await anonymous.GetStringAsync($"/api/bodies/{_body.Id}/calendar.ics"), Does.Not.Contain("harbor lease"));
        Assert.That((await _clerkHttp.Get<List<MeetingSummary>>("/api/meetings")).Single(m => m.Id == id).Status, Is.EqualTo("Cancelled"), "the clerk still has it");
    }

    private Task<MeetingDetail> ScheduleAsync(string title, bool publish) =>
        _clerkHttp.ScheduleMeeting(_body.Id, title, Dates.DaysAfter(_host.Clock.GetUtcNow(), 30), publish);

    private async Task<Scene> MeetingInFullSwing()
    {
        var meeting = await ScheduleAsync("Special Meeting", publish: true);
        var id = meeting.Meeting.Id;
        var itemA = meeting.Agenda[0].Id;
        IReadOnlyList<RollCallEntry> roll =
        [
            new(Seat("Mayor"), "InRoom"), new(Seat("Council Seat 1"), "InRoom"), new(Seat("Council Seat 2"), "InRoom"),
            new(Seat("Council Seat 3"), "InRoom"), new(Seat("Council Seat 4"), "Absent"),
        ];
        await _clerk.Do("StartMeeting", id);
        await _clerk.Do("OpenItem", id, itemA);
        await _clerk.Do("TakeRollCall", id, roll);
        await _clerk.Do("OpenPublicComment", id, itemA);
        var speaker = await _clerk.Invoke<Guid>("AddRoomSpeaker", id, itemA, "First Card", null, false);
        await _clerk.Do("StartTurn", id, speaker);
        var motion = await _clerk.Invoke<Guid>("RecordMotion", id, Seat("Council Seat 1"), new MotionRequest("Approve the repairs"));
        await _clerk.Do("RecordSecond", id, motion, Seat("Council Seat 2"));
        await _clerk.Do("OpenVote", id, motion);
        return new Scene(id, itemA, speaker, motion, Seat("Mayor"), Seat("Council Seat 1"), Seat("Council Seat 4"), _otherMeetingItem, roll);
    }

    private async Task<long> Version(Guid meetingId) => (await _public.Get<MeetingDetail>($"/api/meetings/{meetingId}")).Version;
}
