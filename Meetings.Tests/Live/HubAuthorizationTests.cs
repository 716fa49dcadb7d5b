using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using Meetings.Client.Contracts;
using Meetings.Server.Live;
using Meetings.Server.Privacy;
using Meetings.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Live;

/// <summary>
/// Every hub command tried as every kind of caller. Each case gets a fresh published meeting of the demo
/// council that the clerk (and, where needed, the mayor) has brought to the point where the command would
/// succeed, so the only reason left to refuse it is who is asking.
/// </summary>
public class HubAuthorizationTests
{
    public enum Caller { Anonymous, Resident, OfficialOfThisBody, OfficialOfAnotherBody, Clerk, Admin }

    /// <summary>Who a command is for, as its attribute (or its resident token) says.</summary>
    public enum Audience { Everyone, TokenHolders, OfficialsOfTheBody, Clerks }

    private enum Answer { Ack, Guid, Joined, CatchUp, Nothing }

    private const string OtherOfficialEmail = "harbor-commissioner@other.city";

    private TestHost _host = null!;
    private HttpClient _clerkHttp = null!;
    private HttpClient _public = null!;
    private BodyDto _body = null!;
    private LiveClient _clerk = null!;
    private LiveClient _mayor = null!;
    private LiveClient _admin = null!;
    private LiveClient _otherOfficial = null!;
    private LiveClient _observer = null!;
    private Guid _demoMeetingId;

    private Guid Seat(string title) => _body.Seats.Single(s => s.Title == title).Id;
    private Guid MayorSeat => Seat("Mayor");

    [OneTimeSetUp]
    public async Task StartHost()
    {
        _host = new TestHost();
        _public = _host.Anonymous();
        _body = await _public.DemoBody();
        _demoMeetingId = (await _public.DemoMeeting()).Meeting.Id;

        // An official with a seat on another body: signed in and an Official, but not a member of the demo council.
        var admin = await _host.SignInAsync(Demo.Admin);
        await Created(admin, "/api/users", new CreateUserRequest(OtherOfficialEmail, "Olu Commissioner", TestHost.Password, "Official"));
        var harbor = await admin.Send<BodyDto>(HttpMethod.Post, "/api/bodies", new BodyRequest("Harbor Commission"), HttpStatusCode.Created);
        await Created(admin, $"/api/bodies/{harbor.Id}/seats", new SeatRequest("Commissioner 1", "Olu Commissioner", OtherOfficialEmail));

        _clerkHttp = await _host.SignInAsync(Demo.Clerk);
        _clerk = await LiveClient.ConnectAsync(_host, Demo.Clerk, "clerk", _demoMeetingId);
        _mayor = await LiveClient.ConnectAsync(_host, Demo.Mayor, "mayor", _demoMeetingId);
        _admin = await LiveClient.ConnectAsync(_host, Demo.Admin, "admin", _demoMeetingId);
        _otherOfficial = await LiveClient.ConnectAsync(_host, OtherOfficialEmail, "other body's official", _demoMeetingId);
        _observer = await LiveClient.ConnectAsync(_host, Demo.Admin, "someone else in the meeting", _demoMeetingId);
        Assert.That(_otherOfficial.Joined!.Role, Is.EqualTo("Viewer"), "the other body's official holds no seat here, and brought no resident token");
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        foreach (var client in new[] { _clerk, _mayor, _admin, _otherOfficial, _observer })
            if (client is not null) await client.DisposeAsync();
        _public?.Dispose();
        _clerkHttp?.Dispose();
        _host?.Dispose();
    }

    private static async Task Created(HttpClient client, string url, object body) =>
        await ApiClient.Expect(await client.PostAsJsonAsync(url, body), HttpStatusCode.Created);

    // The table: every hub method, who it is for, what it answers, how to set up a meeting where it would succeed,
    // and its arguments in that meeting.

    private sealed record Command(string Name, Audience For, Answer Answers, Func<HubAuthorizationTests, Scene, Task> Prepare, Func<Scene, object?[]> Args,
        Func<HubAuthorizationTests, Scene, Task>? Then = null);

    private static readonly Command[] Commands =
    [
        new("Join", Audience.Everyone, Answer.Joined, (_, _) => Task.CompletedTask, s => [s.Id, s.Token]),
        // Holding nothing the server can patch from, a returning screen is answered as a join.
        new("Rejoin", Audience.Everyone, Answer.Joined, (_, _) => Task.CompletedTask, s => [s.Id, s.Token, 0L]),
        new("EventsAfter", Audience.Everyone, Answer.CatchUp, (_, _) => Task.CompletedTask, s => [s.Id, 0L]),
        new("Leave", Audience.Everyone, Answer.Nothing, (t, s) => t.Listening(s), s => [s.Id], (t, s) => t.NoLongerHears(s)),

        new("SignUpToSpeak", Audience.TokenHolders, Answer.Guid, (t, s) => t.CommentOpen(s),
            s => [s.Id, s.Token, new SignUpRequest(s.ItemA, "Pat Resident", "Support")]),
        new("WithdrawSignUp", Audience.TokenHolders, Answer.Ack, (t, s) => t.SignedUpWithCallersToken(s), s => [s.Id, s.Token, s.Entry]),
        new("SubmitWrittenComment", Audience.TokenHolders, Answer.Ack, (_, _) => Task.CompletedTask,
            s => [s.Id, s.Token, s.ItemA, "Pat Resident", "Please repave Elm Street before the rains."]),

        new("AskToSpeak", Audience.OfficialsOfTheBody, Answer.Ack, (t, s) => t.InSession(s), s => [s.Id]),
        new("WithdrawRequestToSpeak", Audience.OfficialsOfTheBody, Answer.Ack, (t, s) => t.MayorWaiting(s), s => [s.Id]),
        new("Move", Audience.OfficialsOfTheBody, Answer.Guid, (t, s) => t.InSession(s), s => [s.Id, new MotionRequest("Approve the item as presented")]),
        new("Second", Audience.OfficialsOfTheBody, Answer.Ack, (t, s) => t.MotionBySeat1(s), s => [s.Id, s.Motion]),
        new("WithdrawMotion", Audience.OfficialsOfTheBody, Answer.Ack, (t, s) => t.MotionByMayor(s), s => [s.Id, s.Motion]),
        new("Vote", Audience.OfficialsOfTheBody, Answer.Ack, (t, s) => t.VoteOpen(s), s => [s.Id, s.Motion, "Aye"]),

        new("StartMeeting", Audience.Clerks, Answer.Ack, (_, _) => Task.CompletedTask, s => [s.Id]),
        new("Recess", Audience.Clerks, Answer.Ack, (t, s) => t.InSession(s), s => [s.Id]),
        new("Resume", Audience.Clerks, Answer.Ack, (t, s) => t.InRecess(s), s => [s.Id]),
        new("Adjourn", Audience.Clerks, Answer.Ack, (t, s) => t.InSession(s), s => [s.Id]),
        new("TakeRollCall", Audience.Clerks, Answer.Ack, (t, s) => t.Started(s), s => [s.Id, s.Roll]),
        new("MarkArrival", Audience.Clerks, Answer.Ack, (t, s) => t.InSession(s), s => [s.Id, s.AbsentSeat, "InRoom", null]),
        new("MarkDeparture", Audience.Clerks, Answer.Ack, (t, s) => t.InSession(s), s => [s.Id, s.PresentSeat]),
        new("OpenItem", Audience.Clerks, Answer.Ack, (t, s) => t.InSession(s), s => [s.Id, s.ItemB]),
        new("OpenPublicComment", Audience.Clerks, Answer.Ack, (t, s) => t.InSession(s), s => [s.Id, s.ItemA]),
        new("ClosePublicComment", Audience.Clerks, Answer.Ack, (t, s) => t.CommentOpen(s), s => [s.Id, s.ItemA]),
        new("AddRoomSpeaker", Audience.Clerks, Answer.Guid, (t, s) => t.CommentOpen(s), s => [s.Id, s.ItemA, "Grace Card", "Neutral", false]),
        new("ReorderQueue", Audience.Clerks, Answer.Ack, (t, s) => t.TwoWaiting(s), s => [s.Id, s.ItemA, new List<Guid> { s.Entry2, s.Entry }]),
        new("CallNextSpeaker", Audience.Clerks, Answer.Ack, (t, s) => t.OneWaiting(s), s => [s.Id, s.ItemA]),
        new("StartTurn", Audience.Clerks, Answer.Ack, (t, s) => t.OneWaiting(s), s => [s.Id, s.Entry]),
        new("PauseTurn", Audience.Clerks, Answer.Ack, (t, s) => t.Speaking(s), s => [s.Id]),
        new("ResumeTurn", Audience.Clerks, Answer.Ack, (t, s) => t.Paused(s), s => [s.Id]),
        new("ExtendTurn", Audience.Clerks, Answer.Ack, (t, s) => t.Speaking(s), s => [s.Id, 30]),
        new("EndTurn", Audience.Clerks, Answer.Ack, (t, s) => t.Speaking(s), s => [s.Id]),
        new("MarkNoShow", Audience.Clerks, Answer.Ack, (t, s) => t.OneWaiting(s), s => [s.Id, s.Entry]),
        new("RecognizeMember", Audience.Clerks, Answer.Ack, (t, s) => t.MayorWaiting(s), s => [s.Id, s.MayorSeat]),
        new("RecordMotion", Audience.Clerks, Answer.Guid, (t, s) => t.InSession(s), s => [s.Id, s.PresentSeat, new MotionRequest("Approve the item as presented")]),
        new("RecordSecond", Audience.Clerks, Answer.Ack, (t, s) => t.MotionBySeat1(s), s => [s.Id, s.Motion, s.SecondingSeat]),
        new("OpenVote", Audience.Clerks, Answer.Ack, (t, s) => t.MotionOnFloor(s), s => [s.Id, s.Motion]),
        new("CloseVote", Audience.Clerks, Answer.Ack, (t, s) => t.VoteOpen(s), s => [s.Id, s.Motion]),
        new("RecordVoiceVote", Audience.Clerks, Answer.Ack, (t, s) => t.MotionOnFloor(s), s => [s.Id, s.Motion, new Dictionary<Guid, string>()]),
        new("CorrectVote", Audience.Clerks, Answer.Ack, (t, s) => t.VoteRecorded(s),
            s => [s.Id, s.Motion, s.PresentSeat, "Nay", "The member said nay; the clerk misheard."]),
        new("CorrectAttendanceAtVote", Audience.Clerks, Answer.Ack, (t, s) => t.VoteRecorded(s),
            s => [s.Id, s.Motion, s.AbsentSeat, true, "She was at the dais; the roll was not updated."]),

        new("Moderation", Audience.Clerks, Answer.Nothing, (t, s) => t.CommentWritten(s), s => [s.Id]),
        new("HideSpeakerName", Audience.Clerks, Answer.Ack, (t, s) => t.WebSpeakerWaiting(s), s => [s.Id, s.Entry, "A slur, not a name."]),
        new("ReplaceSpeakerName", Audience.Clerks, Answer.Ack, (t, s) => t.WebSpeakerWaiting(s), s => [s.Id, s.Entry, "Speaker 1", "A slur, not a name."]),
        new("HideWrittenComment", Audience.Clerks, Answer.Ack, (t, s) => t.CommentWritten(s), s => [s.Id, s.Comment, "Threatens a neighbour by name."]),
        new("ReleaseWrittenComment", Audience.Clerks, Answer.Ack, (t, s) => t.CommentWritten(s), s => [s.Id, s.Comment]),
        new("DropSpeaker", Audience.Clerks, Answer.Ack, (t, s) => t.WebSpeakerSpeaking(s), s => [s.Id, s.Entry]),
        new("BlockSpeaker", Audience.Clerks, Answer.Ack, (t, s) => t.WebSpeakerWaiting(s), s => [s.Id, s.Entry, "Shouted slurs when given the floor."]),
    ];

    private static bool IsAllowed(Audience audience, Caller caller) => audience switch
    {
        Audience.Everyone => true,
        Audience.TokenHolders => caller != Caller.Anonymous,
        Audience.OfficialsOfTheBody => caller == Caller.OfficialOfThisBody,
        Audience.Clerks => caller is Caller.Clerk or Caller.Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(audience)),
    };

    /// <summary>The words a refusal must carry: why this caller may not.</summary>
    private static string RefusalWords(Audience audience, Caller caller) => (audience, caller) switch
    {
        (Audience.TokenHolders, _) => "resident token",
        (Audience.OfficialsOfTheBody, Caller.OfficialOfAnotherBody) => "Only a member of this body may",
        _ => "unauthorized",
    };

    public static IEnumerable<TestCaseData> Cases() =>
        from command in Commands
        from caller in Enum.GetValues<Caller>()
        select new TestCaseData(command.Name, caller)
            .SetName($"{command.Name}_As{caller}_{(IsAllowed(command.For, caller) ? "Succeeds" : "IsRefused")}");

    [TestCaseSource(nameof(Cases))]
    public async Task EveryHubCommand_SucceedsOnlyForTheRolesAllowedIt(string name, Caller caller)
    {
        var command = Commands.Single(c => c.Name == name);
        var scene = await NewMeeting();
        await using var fresh = caller is Caller.Anonymous or Caller.Resident
            ? await LiveClient.ConnectAsync(_host, null, caller.ToString(), _demoMeetingId) : null;
        // Anonymous calls are rate-limited per address on the host's clock, and every case calls from this machine:
        // let a tenth of a second pass per newcomer, as it would between people, so the address's allowance keeps up.
        if (fresh is not null) _host.Clock.Advance(TimeSpan.FromMilliseconds(100));
        var connection = caller switch
        {
            Caller.OfficialOfThisBody => _mayor,
            Caller.OfficialOfAnotherBody => _otherOfficial,
            Caller.Clerk => _clerk,
            Caller.Admin => _admin,
            _ => fresh!,
        };
        scene.Caller = connection;
        scene.Token = caller switch
        {
            Caller.Anonymous => null,
            Caller.Resident => connection.ResidentToken,
            _ => $"device-of-{caller}-{Guid.NewGuid():N}",
        };
        await command.Prepare(this, scene);
        var before = await Version(scene.Id);

        if (!IsAllowed(command.For, caller))
        {
            var refused = Assert.ThrowsAsync<HubException>(() => Call(connection, command, scene));
            Assert.That(refused!.Message, Does.Contain(RefusalWords(command.For, caller)));
            Assert.That(await Version(scene.Id), Is.EqualTo(before), "a refused command changes nothing");
            return;
        }

        var answer = await Call(connection, command, scene);
        var after = await Version(scene.Id);
        switch (command.Answers)
        {
            case Answer.Ack:
                Assert.That(((CommandAck)answer!).Sequence, Is.GreaterThan(before).And.EqualTo(after));
                break;
            case Answer.Guid:
                Assert.That((Guid)answer!, Is.Not.EqualTo(Guid.Empty));
                Assert.That(after, Is.GreaterThan(before));
                break;
            case Answer.Joined:
                var joined = (JoinResult)answer!;
                Assert.That((joined.Snapshot.Meeting.Id, joined.Snapshot.Sequence, after), Is.EqualTo((scene.Id, before, before)));
                Assert.That(joined.Role, Is.EqualTo(caller switch
                {
                    Caller.Clerk or Caller.Admin => "Clerk",
                    Caller.OfficialOfThisBody => "Official",
                    _ => scene.Token is null ? "Viewer" : "Resident",
                }));
                Assert.That(joined.PersonKey, scene.Token is null ? Is.Null : Is.EqualTo(_host.Services.GetRequiredService<PersonKeys>().Resident(scene.Id, scene.Token)));
                break;
            case Answer.CatchUp:
                var catchUp = (CatchUp)answer!;
                Assert.That(catchUp.Events.Select(e => e.Sequence), Is.EqualTo(Enumerable.Range(1, (int)before).Select(i => (long)i)));
                Assert.That((catchUp.Snapshot.Sequence, after), Is.EqualTo((before, before)));
                break;
            case Answer.Nothing:
                Assert.That(after, Is.EqualTo(before));
                break;
        }
        if (command.Then is not null) await command.Then(this, scene);
    }

    [Test]
    public void TheTable_NamesEveryHubMethod()
    {
        // Overrides of Hub's own life-cycle methods (OnDisconnectedAsync) are not callable by clients.
        var hubMethods = typeof(MeetingHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.GetBaseDefinition().DeclaringType == typeof(MeetingHub)).Select(m => m.Name).ToHashSet();
        Assert.That(Commands.Select(c => c.Name), Is.EquivalentTo(hubMethods).And.Unique);
    }

    /// <summary>
    /// A room card is keyed by the speaker's name, and a resident by a hash of their token, in the same space:
    /// a resident who passes "card:" and a listed speaker's name as their token must still not own that card.
    /// </summary>
    [Test]
    public async Task AResident_CannotWithdrawARoomSpeakersCard_ByPassingTheCardsKeyAsTheirToken()
    {
        var scene = await NewMeeting();
        await CommentOpen(scene);
        var card = await _clerk.Invoke<Guid>("AddRoomSpeaker", scene.Id, scene.ItemA, "Henry Roomspeaker", null, false);
        await using var resident = await LiveClient.ConnectAsync(_host, null, "forger", _demoMeetingId);
        var before = await Version(scene.Id);

        var refused = Assert.ThrowsAsync<HubException>(() => resident.Do("WithdrawSignUp", scene.Id, "card:HENRY ROOMSPEAKER", card));

        Assert.That(refused!.Message, Does.Contain("only your own"));
        Assert.That(await Version(scene.Id), Is.EqualTo(before));
    }

    /// <summary>The same collision the other way: a resident can hold a place under a card's key and keep the person off the queue.</summary>
    [Test]
    public async Task AResident_CannotKeepAPersonOffTheQueue_BySigningUpUnderTheirCardsKey()
    {
        var scene = await NewMeeting();
        await CommentOpen(scene);
        await using var resident = await LiveClient.ConnectAsync(_host, null, "squatter", _demoMeetingId);
        await resident.Invoke<Guid>("SignUpToSpeak", scene.Id, "card:JUNE ROOMSPEAKER", new SignUpRequest(scene.ItemA, "Someone Else"));

        var card = Guid.Empty;

        Assert.That(async () => card = await _clerk.Invoke<Guid>("AddRoomSpeaker", scene.Id, scene.ItemA, "June Roomspeaker", null, false),
            Throws.Nothing, "June, who filled in a card in the room, gets her place");
        Assert.That(card, Is.Not.EqualTo(Guid.Empty));
    }

    // A fresh meeting for each case, and the steps that bring it to where a command would succeed

    private sealed class Scene
    {
        public Guid Id { get; init; }
        public Guid ItemA { get; init; }
        public Guid ItemB { get; init; }
        public Guid MayorSeat { get; init; }
        public Guid PresentSeat { get; init; }
        public Guid SecondingSeat { get; init; }
        public Guid AbsentSeat { get; init; }
        public IReadOnlyList<RollCallEntry> Roll { get; init; } = [];
        public string? Token { get; set; }
        public Guid Entry { get; set; }
        public Guid Entry2 { get; set; }
        public Guid Motion { get; set; }
        public Guid Comment { get; set; }
        public LiveClient Caller { get; set; } = null!;
        /// <summary>The sequence of each update for this meeting that reached the caller, and someone else who stays in it.</summary>
        public ConcurrentQueue<long> CallerHeard { get; } = new();
        public ConcurrentQueue<long> OthersHeard { get; } = new();
        public List<IDisposable> Listeners { get; } = [];
    }

    private async Task<Scene> NewMeeting()
    {
        var start = Dates.DaysAfter(_host.Clock.GetUtcNow(), 30);
        var meeting = await _clerkHttp.Send<MeetingDetail>(HttpMethod.Post, "/api/meetings",
            new MeetingRequest(_body.Id, "Special Meeting", "Special", start, "America/Los_Angeles", "Council Chambers"), HttpStatusCode.Created);
        var id = meeting.Meeting.Id;
        await _clerkHttp.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{id}/agenda", new AgendaItemRequest("Sidewalk repairs", "Action"), HttpStatusCode.Created);
        await _clerkHttp.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{id}/agenda", new AgendaItemRequest("Library hours", "Action"), HttpStatusCode.Created);
        var published = await _clerkHttp.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{id}/publish", new PublishRequest(), HttpStatusCode.OK);
        Assert.That(published.Meeting.Status, Is.EqualTo("Published"));
        return new Scene
        {
            Id = id,
            ItemA = published.Agenda[0].Id,
            ItemB = published.Agenda[1].Id,
            MayorSeat = MayorSeat,
            PresentSeat = Seat("Council Seat 1"),
            SecondingSeat = Seat("Council Seat 2"),
            AbsentSeat = Seat("Council Seat 4"),
            Roll =
            [
                new(MayorSeat, "InRoom"), new(Seat("Council Seat 1"), "InRoom"), new(Seat("Council Seat 2"), "InRoom"),
                new(Seat("Council Seat 3"), "InRoom"), new(Seat("Council Seat 4"), "Absent"),
            ],
        };
    }

    private async Task<long> Version(Guid meetingId) => (await _public.Get<MeetingDetail>($"/api/meetings/{meetingId}")).Version;

    private static Task<object?> Call(LiveClient caller, Command command, Scene scene)
    {
        var type = command.Answers switch
        {
            Answer.Ack => typeof(CommandAck),
            Answer.Guid => typeof(Guid),
            Answer.Joined => typeof(JoinResult),
            Answer.CatchUp => typeof(CatchUp),
            _ => typeof(object),
        };
        return caller.Connection.InvokeCoreAsync(command.Name, type, command.Args(scene));
    }

    private Task<CommandAck> Clerk(string method, params object?[] args) => _clerk.Do(method, args);

    private Task<CommandAck> Started(Scene s) => Clerk("StartMeeting", s.Id);

    /// <summary>Started, item A open, the roll taken with the mayor and three others present and seat 4 absent.</summary>
    private async Task InSession(Scene s)
    {
        await Started(s);
        await Clerk("OpenItem", s.Id, s.ItemA);
        await Clerk("TakeRollCall", s.Id, s.Roll);
    }

    /// <summary>The caller and someone else have joined the meeting, and the caller has heard its first change.</summary>
    private async Task Listening(Scene s)
    {
        s.Listeners.Add(s.Caller.Connection.On<JsonElement>(nameof(IMeetingClient.MeetingUpdated), u => { if (Of(u, s.Id)) s.CallerHeard.Enqueue(u.GetProperty("sequence").GetInt64()); }));
        s.Listeners.Add(_observer.Connection.On<JsonElement>(nameof(IMeetingClient.MeetingUpdated), u => { if (Of(u, s.Id)) s.OthersHeard.Enqueue(u.GetProperty("sequence").GetInt64()); }));
        await s.Caller.Invoke<JoinResult>("Join", s.Id, s.Token);
        await _observer.Invoke<JoinResult>("Join", s.Id, null);
        var started = await Started(s);
        await Wait.Until(() => s.CallerHeard.Contains(started.Sequence), "the caller hears the meeting before leaving");
    }

    /// <summary>Whether an update (as JSON, the way every LiveClient takes them) is of this meeting.</summary>
    private static bool Of(JsonElement update, Guid meetingId) => update.GetProperty("meetingId").GetGuid() == meetingId;

    /// <summary>After Leave, a change reaches the others in the meeting, and not the caller.</summary>
    private async Task NoLongerHears(Scene s)
    {
        var opened = await Clerk("OpenItem", s.Id, s.ItemA);
        await Wait.Until(() => s.OthersHeard.Contains(opened.Sequence), "the change reaches someone still in the meeting");
        await s.Caller.Invoke<CatchUp>("EventsAfter", s.Id, opened.Sequence); // a round trip: an update sent to the caller would be here first
        foreach (var listener in s.Listeners) listener.Dispose();
        Assert.That(s.CallerHeard, Does.Not.Contain(opened.Sequence), "nothing more arrives after Leave");
    }

    private async Task InRecess(Scene s)
    {
        await InSession(s);
        await Clerk("Recess", s.Id);
    }

    private async Task CommentOpen(Scene s)
    {
        await InSession(s);
        await Clerk("OpenPublicComment", s.Id, s.ItemA);
    }

    private async Task SignedUpWithCallersToken(Scene s)
    {
        await CommentOpen(s);
        // An anonymous caller passes no token; the entry it tries to withdraw belongs to someone who did.
        s.Entry = await _clerk.Invoke<Guid>("SignUpToSpeak", s.Id, s.Token ?? $"someone-else-{Guid.NewGuid():N}", new SignUpRequest(s.ItemA, "Pat Resident"));
    }

    private async Task WebSpeakerWaiting(Scene s)
    {
        await CommentOpen(s);
        s.Entry = await _clerk.Invoke<Guid>("SignUpToSpeak", s.Id, $"a-resident-{Guid.NewGuid():N}", new SignUpRequest(s.ItemA, "Pat Resident"));
    }

    private async Task WebSpeakerSpeaking(Scene s)
    {
        await WebSpeakerWaiting(s);
        await Clerk("StartTurn", s.Id, s.Entry);
    }

    private async Task CommentWritten(Scene s)
    {
        await _clerk.Do("SubmitWrittenComment", s.Id, $"a-resident-{Guid.NewGuid():N}", s.ItemA, "Pat Resident", "Please repave Elm Street.");
        s.Comment = (await _clerk.Invoke<ModerationView>("Moderation", s.Id)).Comments.Single().Id;
    }

    private async Task OneWaiting(Scene s)
    {
        await CommentOpen(s);
        s.Entry = await _clerk.Invoke<Guid>("AddRoomSpeaker", s.Id, s.ItemA, "First Card", null, false);
    }

    private async Task TwoWaiting(Scene s)
    {
        await OneWaiting(s);
        s.Entry2 = await _clerk.Invoke<Guid>("AddRoomSpeaker", s.Id, s.ItemA, "Second Card", null, false);
    }

    private async Task Speaking(Scene s)
    {
        await OneWaiting(s);
        await Clerk("StartTurn", s.Id, s.Entry);
    }

    private async Task Paused(Scene s)
    {
        await Speaking(s);
        await Clerk("PauseTurn", s.Id);
    }

    private async Task MayorWaiting(Scene s)
    {
        await InSession(s);
        await _mayor.Do("AskToSpeak", s.Id);
    }

    private async Task MotionBySeat1(Scene s)
    {
        await InSession(s);
        s.Motion = await _clerk.Invoke<Guid>("RecordMotion", s.Id, s.PresentSeat, new MotionRequest("Approve the item as presented"));
    }

    private async Task MotionByMayor(Scene s)
    {
        await InSession(s);
        s.Motion = await _clerk.Invoke<Guid>("RecordMotion", s.Id, s.MayorSeat, new MotionRequest("Approve the item as presented"));
    }

    private async Task MotionOnFloor(Scene s)
    {
        await MotionBySeat1(s);
        await Clerk("RecordSecond", s.Id, s.Motion, s.SecondingSeat);
    }

    private async Task VoteOpen(Scene s)
    {
        await MotionOnFloor(s);
        await Clerk("OpenVote", s.Id, s.Motion);
    }

    private async Task VoteRecorded(Scene s)
    {
        await MotionOnFloor(s);
        await Clerk("RecordVoiceVote", s.Id, s.Motion, new Dictionary<Guid, string>());
    }
}
