using System.Text.Json;
using System.Text.Json.Serialization;
using Meetings.Client.Contracts;
using Meetings.Server.Live;
using Meetings.Server.Meetings;
using Meetings.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Live;

/// <summary>
/// A contested hearing: a thousand speakers in line and a hundred written comments. An update costs what changed,
/// not what the meeting has grown to; a client with stateful reconnect (as the web client asks for it) stays
/// connected through a burst; and joining costs no lock and no query.
/// </summary>
public class LargeHearingTests
{
    private TestHost _host = null!;
    private LiveClient _clerk = null!;
    private LiveClient _mayor = null!;
    private LiveClient _okafor = null!;
    private LiveClient _viewer = null!;
    private LiveClient _resident = null!;
    private Guid _id;
    private Guid _item;
    private Guid _motion;
    private readonly Dictionary<string, int> _bytesAt200 = [];

    [OneTimeSetUp]
    public async Task AHearingOfAThousandSpeakers()
    {
        _host = new TestHost();
        var meeting = await _host.Anonymous().DemoMeeting();
        var body = await _host.Anonymous().DemoBody();
        (_id, _item) = (meeting.Meeting.Id, meeting.Agenda[2].Id);
        _clerk = await LiveClient.ConnectAsync(_host, Demo.Clerk, "clerk", _id);
        _mayor = await LiveClient.ConnectAsync(_host, Demo.Mayor, "mayor", _id);
        _okafor = await LiveClient.ConnectAsync(_host, "okafor@demo.city", "okafor", _id);
        _viewer = await LiveClient.ConnectAsync(_host, null, "viewer", _id);
        _resident = await LiveClient.ConnectAsync(_host, null, "resident", _id);
        await _clerk.Do("StartMeeting", _id);
        await _clerk.Do("OpenItem", _id, _item);
        await _clerk.Do("TakeRollCall", _id, body.Seats.Select(s => new RollCallEntry(s.Id, "InRoom")).ToList());
        await _clerk.Do("OpenPublicComment", _id, _item);
        _motion = await _mayor.Invoke<Guid>("Move", _id, new MotionRequest("Approve the project as conditioned"));
        await _okafor.WaitUntil(s => s.Motions.Any(m => m.Id == _motion), "the motion");
        await _okafor.Do("Second", _id, _motion);
        await _clerk.Do("OpenVote", _id, _motion);

        await AddCardsAsync(200);
        foreach (var (change, bytes) in await TypicalChangesAsync(_mayor)) _bytesAt200[change] = bytes;
        await AddCardsAsync(1000 - _viewer.Snapshot.Speakers.Count);
        for (var i = 0; i < 100; i++)
        {
            await _clerk.Do("SubmitWrittenComment", _id, "a-token-for-the-written-comments", _item, $"Writer {i}", $"Written comment {i}: please consider the traffic on Elm Street.");
            var pending = (await _clerk.Invoke<ModerationView>("Moderation", _id)).Comments.Single(c => c.State == "Pending");
            await _clerk.Do("ReleaseWrittenComment", _id, pending.Id);
        }
        var ready = await _viewer.WaitUntil(s => s.WrittenComments.Count == 100, "a hundred written comments");
        Assert.That(ready.Speakers, Has.Count.EqualTo(1000));
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        foreach (var client in new[] { _clerk, _mayor, _okafor, _viewer, _resident }) await client.DisposeAsync();
        _host.Dispose();
    }

    private async Task AddCardsAsync(int count)
    {
        var start = _viewer.Snapshot.Speakers.Count;
        for (var i = start; i < start + count; i++) await _clerk.Invoke<Guid>("AddRoomSpeaker", _id, _item, $"Card speaker {i:D4}", null, false);
        await _viewer.WaitUntil(s => s.Speakers.Count == start + count, $"{start + count} speakers");
    }

    /// <summary>A resident's sign-up, a turn started and a vote cast: the bytes of the update each one is, as a viewer got it.</summary>
    private async Task<List<(string Change, int Bytes)> > TypicalChangesAsync(LiveClient voter)
    {
        var entry = await _resident.Invoke<Guid>("SignUpToSpeak", _id, _resident.ResidentToken, new SignUpRequest(_item, "Pat Resident", "Support"));
        await _viewer.WaitUntil(s => s.Speakers.Any(e => e.Id == entry), "the sign-up");
        var signUp = _viewer.Updates[^1].Bytes;
        var turn = await _clerk.Do("StartTurn", _id, entry);
        var started = await BytesOf(turn);
        await _clerk.Do("EndTurn", _id);
        var vote = await voter.Do("Vote", _id, _motion, "Aye");
        return [("sign-up", signUp), ("turn started", started), ("vote cast", await BytesOf(vote))];
    }

    private async Task<int> BytesOf(CommandAck ack)
    {
        await _viewer.WaitForSequence(ack.Sequence);
        var update = _viewer.Updates.Single(u => u.Update.Sequence == ack.Sequence);
        Assert.That(update.Update.From, Is.EqualTo(ack.Sequence - 1), "one change, one update");
        return update.Bytes;
    }

    [Test]
    public async Task ATypicalChange_IsUnderTwoKilobytes_WithAThousandSpeakersAndAHundredComments_AsItWasWithTwoHundred()
    {
        var whole = (await _viewer.Connection.InvokeAsync<JsonElement>("Join", _id, _viewer.ResidentToken)).GetProperty("snapshot").GetRawText().Length;
        var atAThousand = await TypicalChangesAsync(_okafor);
        foreach (var (change, bytes) in atAThousand)
        {
            TestContext.Out.WriteLine($"{change}: {_bytesAt200[change]} bytes at 200 speakers, {bytes} at 1,000 speakers and 100 comments");
            Assert.That(bytes, Is.LessThan(2048), change);
            Assert.That(bytes, Is.LessThan(_bytesAt200[change] + 200), $"{change}: the size does not grow with the meeting");
        }
        TestContext.Out.WriteLine($"the whole snapshot: {whole} bytes");
        Assert.That(whole, Is.GreaterThan(200_000), "the meeting itself is big (a check on the sizes above)");
    }

    [Test]
    public async Task AClientWithStatefulReconnect_StaysConnectedThroughABurst_AndConverges()
    {
        var cookies = new System.Net.CookieContainer();
        await _host.SignInAsync(Demo.Clerk, cookies);
        // Built as the web client builds its connection (Meetings.Client's LiveMeeting).
        await using var client = new HubConnectionBuilder()
            .WithUrl(new Uri(_host.BaseAddress, "/hubs/meeting"), o =>
            {
                o.Cookies = cookies;
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .WithAutomaticReconnect()
            .WithStatefulReconnect()
            .Build();
        var dropped = 0;
        client.Reconnecting += _ => { Interlocked.Increment(ref dropped); return Task.CompletedTask; };
        client.Closed += _ => { Interlocked.Increment(ref dropped); return Task.CompletedTask; };
        var latest = 0L;
        client.On<MeetingUpdate>(nameof(IMeetingClient.MeetingUpdated), u => { if (u.MeetingId == _id) Interlocked.Exchange(ref latest, u.Sequence); });
        await client.StartAsync();
        await client.InvokeAsync<JoinResult>("Join", _id, null);

        // A burst of cards from the clerk's console while this client keeps asking for the whole meeting (answers of
        // hundreds of kilobytes), so acknowledgements are due while large writes are under way: what made SignalR's
        // stateful-reconnect buffer abort connections.
        var cards = Task.Run(async () =>
        {
            for (var i = 0; i < 100; i++) await _clerk.Invoke<Guid>("AddRoomSpeaker", _id, _item, $"Burst card {i}", null, false);
        });
        var asked = 0;
        while (!cards.IsCompleted || asked < 12)
        {
            var answer = await client.InvokeAsync<CatchUp>("EventsAfter", _id, 0L);
            Assert.That(answer.Snapshot.Speakers, Has.Count.GreaterThanOrEqualTo(1000));
            asked++;
        }
        await cards;
        var server = await _host.Services.GetRequiredService<MeetingStore>().ReadAsync(_id, m => LiveViews.Snapshot(m, DateTimeOffset.MinValue));
        await Wait.Until(() => Interlocked.Read(ref latest) >= server.Sequence, "the last update of the burst");
        var now = await client.InvokeAsync<CatchUp>("EventsAfter", _id, server.Sequence);

        Assert.That((client.State, dropped), Is.EqualTo((HubConnectionState.Connected, 0)), $"never dropped ({asked} whole meetings asked for)");
        Assert.That(Snapshots.Canonical(now.Snapshot), Is.EqualTo(Snapshots.Canonical(server)));
        var viewer = await _viewer.WaitForSequence(server.Sequence);
        Assert.That(Snapshots.Canonical(viewer), Is.EqualTo(Snapshots.Canonical(server)), "a screen applying the patches of the burst converges");
    }

    [Test]
    public async Task AJoin_WhenTheSharedSnapshotIsCurrent_TakesNoLockAndRunsNoQuery()
    {
        using var queries = new HubQueries();
        using var clerkHttp = await _host.SignInAsync(Demo.Clerk);
        var start = DateTime.SpecifyKind(DateTime.UtcNow.AddDays(30).Date.AddHours(18), DateTimeKind.Unspecified);
        var draft = await clerkHttp.Send<MeetingDetail>(HttpMethod.Post, "/api/meetings",
            new MeetingRequest(_clerk.Snapshot.Meeting.BodyId, "Special Meeting", "Special", start, "America/Los_Angeles", "Council Chambers"), System.Net.HttpStatusCode.Created);
        await using var first = await LiveClient.ConnectAsync(_host, Demo.Clerk, "first to join another meeting", draft.Meeting.Id);
        Assert.That(queries.Of("Join"), Is.Not.Empty, "the first join on this instance reads the meeting (which shows the counting works)");
        var before = queries.Of("Join").Count;

        // The meeting's lock is held (a command in the middle of deciding) while screens join and ask what is new.
        var inside = new TaskCompletionSource();
        using var release = new ManualResetEventSlim();
        var busy = Task.Run(() => _host.Services.GetRequiredService<MeetingStore>().ExecuteAsync(_id, Meetings.Server.Domain.Actor.System, (_, _) =>
        {
            inside.SetResult();
            release.Wait(TimeSpan.FromSeconds(30));
            return [];
        }));
        await inside.Task.WaitAsync(TimeSpan.FromSeconds(10));
        try
        {
            await using var crowd = new LiveCrowd();
            for (var i = 0; i < 5; i++) crowd.Add(await LiveClient.ConnectAsync(_host, null, $"joiner {i}", _id).WaitAsync(TimeSpan.FromSeconds(10)));
            var current = crowd[0].Snapshot.Sequence;
            var catchUp = await crowd[0].Invoke<CatchUp>("EventsAfter", _id, current).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.That(crowd.Select(c => c.Snapshot.Sequence), Has.All.EqualTo(_viewer.Snapshot.Sequence), "answered while the meeting's lock is held");
            Assert.That((catchUp.Events, catchUp.Snapshot.Sequence), Is.EqualTo((Array.Empty<JournalEventDto>(), current)));
            Assert.That(crowd[0].Snapshot.ServerTime, Is.EqualTo(_host.Clock.GetUtcNow()), "the shared snapshot carries the time of the answer");
            Assert.That(queries.Of("Join").Skip(before), Is.Empty, "no query for any of those joins");
            Assert.That(queries.Of("EventsAfter"), Is.Empty, "nor for a catch-up with nothing new");
        }
        finally
        {
            release.Set();
            await busy;
        }
    }
}
