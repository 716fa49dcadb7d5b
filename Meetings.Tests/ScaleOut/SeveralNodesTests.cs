using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Meetings.Client.Contracts;
using Meetings.Server.Live;
using Meetings.Server.Phone;
using Meetings.Server.ScaleOut;
using Meetings.Tests.Support;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Meetings.Tests.ScaleOut;

/// <summary>
/// Two server instances on one database and one real Redis, with the project's nginx config in front: the deployment
/// the README recommends for more than one machine. The hosts' clocks never move, so their watchers never look at
/// the journal by themselves: whatever reaches the other instance came through Redis.
/// </summary>
public class SeveralNodesTests
{
    private string _redis = null!;
    private TestHost _a = null!, _b = null!;
    private Nginx _nginx = null!;
    private LiveClient _clerkOnA = null!;
    private Guid _id, _item;

    [OneTimeSetUp]
    public async Task StartTwoNodesBehindNginx()
    {
        _redis = RedisServer.Shared;
        var settings = RedisServer.Settings(_redis);
        var folder = TestHost.NewFolder();
        _a = new TestHost(folder, settings: settings);
        _b = new TestHost(folder, settings: settings);
        var meeting = await _a.Anonymous().DemoMeeting();
        (_id, _item) = (meeting.Meeting.Id, meeting.Agenda[2].Id);
        await Task.WhenAll(new[] { _a, _b }.Select(h => h.Services.GetRequiredService<CommitRelay>().Ready)).WaitAsync(TimeSpan.FromSeconds(15));
        _nginx = await Nginx.StartAsync(_a.BaseAddress, _b.BaseAddress);
        _clerkOnA = await LiveClient.ConnectAsync(_a, Demo.Clerk, "clerk on A", _id);
        await _clerkOnA.OpenPublicComment(_id, _item);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_clerkOnA is not null) await _clerkOnA.DisposeAsync();
        _nginx?.Dispose();
        _b?.Dispose();
        _a?.Dispose();
    }

    private Task<Guid> AddRoomCard(string name) => _clerkOnA.Invoke<Guid>("AddRoomSpeaker", _id, _item, name, null, false);

    [Test]
    public async Task AViewerOnNodeB_SeesEveryCommandMadeOnNodeA_InOrder_AndEachOnce()
    {
        await using var viewerOnA = await RecordingScreen.JoinAsync(_a.BaseAddress, _id, "viewer on A");
        await using var viewerOnB = await RecordingScreen.JoinAsync(_b.BaseAddress, _id, "viewer on B");

        for (var i = 0; i < 12; i++) await AddRoomCard($"Card {i}");
        var last = (await _clerkOnA.Do("CallNextSpeaker", _id, _item)).Sequence;

        foreach (var screen in new[] { viewerOnB, viewerOnA })
        {
            await screen.WaitForSequence(last);
            var expected = Enumerable.Range((int)screen.JoinedAt + 1, (int)(last - screen.JoinedAt)).Select(s => (long)s);
            Assert.That(screen.Sequences, Is.EqualTo(expected), $"{screen.Name} got every event, in order, once");
        }
        // A repeat would come right behind the first: one more change gives it time to show itself.
        await AddRoomCard("Last card");
        await Task.WhenAll(viewerOnB.WaitForSequence(last + 1), viewerOnA.WaitForSequence(last + 1));
        Assert.That(viewerOnB.Sequences, Is.Unique, "no update reached the viewer on B twice");
        Assert.That(viewerOnA.Sequences, Is.Unique, "no update reached the viewer on A twice");
    }

    [Test]
    public async Task AClerkOnNodeB_IsToldThePhoneStatusThatNodeASends()
    {
        await using var clerkOnB = await LiveClient.ConnectAsync(_b, Demo.Clerk, "clerk on B", _id);
        var told = new TaskCompletionSource<PhoneStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        clerkOnB.Connection.On<PhoneStatus>(nameof(IMeetingClient.PhoneStatusChanged), s => told.TrySetResult(s));

        // What a Twilio webhook landing on A ends with: the meeting's clerks, wherever they are connected, are told.
        await using (var scope = _a.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<PhoneService>().PublishStatusAsync(_id);

        Assert.That(await told.Task.WaitAsync(TimeSpan.FromSeconds(10)), Is.Not.Null);
    }

    [Test]
    public async Task ACookieGivenByNodeA_IsGoodAtNodeB_ForTheKeyRingIsInTheDatabase()
    {
        var jar = new CookieContainer();
        await _a.SignInAsync(Demo.Clerk, jar);

        var me = await _b.Anonymous(jar).GetAsync("/api/auth/me");

        Assert.That(me.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(_b.WithDb(db => db.DataProtectionKeys.Count()), Is.GreaterThan(0), "the key ring is kept in the database they share");
    }

    [Test]
    public async Task ThroughNginx_AWebSocketHubConnection_FollowsTheMeeting()
    {
        await using var screen = await RecordingScreen.JoinAsync(_nginx.Https, _id, "viewer through nginx", HttpTransportType.WebSockets, _nginx);

        await AddRoomCard("Seen through nginx");
        var last = (await _clerkOnA.Do("MarkArrival", _id, (await _a.Anonymous().DemoBody()).Seats[0].Id, "InRoom", null)).Sequence;

        await screen.WaitForSequence(last);
        Assert.That(screen.Sequences, Is.Unique);
    }

    [Test]
    public async Task ThroughNginx_LongPolling_StaysWithOneInstance_AndFollowsTheMeeting()
    {
        // Without WebSockets every poll is a request of its own: it works only if each reaches the instance that negotiated.
        await using var screen = await RecordingScreen.JoinAsync(_nginx.Https, _id, "long-polling viewer through nginx", HttpTransportType.LongPolling, _nginx);

        await AddRoomCard("Seen by long polling");
        var last = (await _clerkOnA.Do("MarkArrival", _id, (await _a.Anonymous().DemoBody()).Seats[1].Id, "InRoom", null)).Sequence;

        await screen.WaitForSequence(last);
        Assert.That(screen.Sequences, Is.Unique);
    }

    [Test]
    public async Task ThroughNginx_TheServerSeesHttps_AndMarksItsCookiesSecure()
    {
        using var client = _nginx.Client();
        client.DefaultRequestHeaders.Host = Nginx.ServerName;

        var health = await client.GetAsync("/healthz");
        var signIn = await client.PostAsJsonAsync("/api/auth/login?useCookies=true", new { email = Demo.Clerk, password = TestHost.Password });

        Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        // Sent only to a request the server takes for HTTPS: X-Forwarded-Proto from nginx was believed.
        Assert.That(health.Headers.Contains("Strict-Transport-Security"), Is.True, "HSTS on a request that came in as https");
        Assert.That(signIn.IsSuccessStatusCode, Is.True, $"sign-in through nginx: {signIn.StatusCode}");
        Assert.That(signIn.Headers.GetValues("Set-Cookie").Single(), Does.Contain("secure").IgnoreCase);
    }

}

/// <summary>Redis is a way to be prompt, not a part anything depends on: while it is away and after it comes back.</summary>
public class RedisRestartTests
{
    [Test]
    public async Task WhileRedisIsDown_ScreensAndClerksConnect_ChangesReachTheOtherInstanceByItsWatcher_AndOnceRedisIsBack_ByRedisAgain()
    {
        using var redis = await RedisServer.StartAsync();
        var settings = RedisServer.Settings($"127.0.0.1:{redis.Port}");
        var folder = TestHost.NewFolder();
        using var a = new TestHost(folder, settings: settings);
        using var b = new TestHost(folder, settings: settings);
        var meeting = await a.Anonymous().DemoMeeting();
        var (id, item) = (meeting.Meeting.Id, meeting.Agenda[2].Id);
        await Task.WhenAll(new[] { a, b }.Select(h => h.Services.GetRequiredService<CommitRelay>().Ready)).WaitAsync(TimeSpan.FromSeconds(15));
        await using var clerkOnA = await LiveClient.ConnectAsync(a, Demo.Clerk, "clerk on A", id);
        await using var viewerOnB = await RecordingScreen.JoinAsync(b.BaseAddress, id, "viewer on B");
        await viewerOnB.WaitForSequence((await clerkOnA.Do("StartMeeting", id)).Sequence);

        redis.Stop();
        var whileDown = (await clerkOnA.Do("OpenItem", id, item)).Sequence;
        // Nothing tells B now: its watcher finds the change in the journal when its half second comes.
        var seen = viewerOnB.WaitForSequence(whileDown);
        while (!seen.IsCompleted)
        {
            b.Clock.Advance(MeetingWatcher.Interval);
            await Task.WhenAny(seen, Task.Delay(100));
        }
        await seen;
        // Screens that come while Redis is away are served all the same: a viewer on B, and a clerk on A, who also joins
        // the meeting's clerks' group (both subscribe in Redis, and were refused while it was away).
        await using var lateViewerOnB = await RecordingScreen.JoinAsync(b.BaseAddress, id, "late viewer on B");
        await using var lateClerkOnA = await LiveClient.ConnectAsync(a, Demo.Clerk, "late clerk on A", id);
        var told = new TaskCompletionSource<PhoneStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        lateClerkOnA.Connection.On<PhoneStatus>(nameof(IMeetingClient.PhoneStatusChanged), s => told.TrySetResult(s));

        await redis.RestartAsync();
        // The relay reconnects and subscribes again by itself; B's clock stands still from here on. A member comes
        // and goes, once a second, until a change reaches B within that second.
        var seat = (await a.Anonymous().DemoBody()).Seats[0].Id;
        var reached = false;
        for (var turn = 0; turn < 45 && !reached; turn++)
        {
            var change = turn % 2 == 0 ? clerkOnA.Do("MarkArrival", id, seat, "InRoom", null) : clerkOnA.Do("MarkDeparture", id, seat);
            var sequence = (await change).Sequence;
            for (var tick = 0; tick < 20 && !reached; tick++)
            {
                reached = viewerOnB.Sequences[^1] >= sequence;
                if (!reached) await Task.Delay(50);
            }
        }
        Assert.That(reached, Is.True, "after Redis came back, a change on A reached B without B's watcher");
        Assert.That(viewerOnB.Sequences, Is.Unique);
        Assert.That(viewerOnB.Sequences, Is.Ordered);
        await lateViewerOnB.WaitForSequence(viewerOnB.Sequences[^1]);
        // The clerks' group that the late clerk joined while Redis was away is subscribed once it is back: what B sends
        // the group reaches A's clerk through Redis (tried once a second until the backplane has reconnected).
        for (var turn = 0; turn < 30 && !told.Task.IsCompleted; turn++)
        {
            await using (var scope = b.Services.CreateAsyncScope())
                await scope.ServiceProvider.GetRequiredService<PhoneService>().PublishStatusAsync(id);
            await Task.WhenAny(told.Task, Task.Delay(1000));
        }
        Assert.That(told.Task.IsCompleted, Is.True, "the late clerk on A was told what B sent the clerks' group");
    }

    [Test]
    public async Task ScreensThatComeAndGo_OnAnInstanceStartedWhileRedisIsDown_AreNotKeptByTheBackplane()
    {
        using var redis = await RedisServer.StartAsync();
        var endpoint = $"127.0.0.1:{redis.Port}";
        redis.Stop();
        using var host = new TestHost(settings: RedisServer.Settings(endpoint));
        var id = (await host.Anonymous().DemoMeeting()).Meeting.Id;
        var gone = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            await using var screen = await RecordingScreen.JoinAsync(host.BaseAddress, id, $"screen {i}");
            gone.Add(screen.ConnectionId!);
        }

        await redis.RestartAsync();
        await using var staying = await RecordingScreen.JoinAsync(host.BaseAddress, id, "staying");
        await using var client = await ConnectionMultiplexer.ConnectAsync(endpoint);
        var server = client.GetServer(endpoint);
        // A connection's own channel, as SignalR's Redis backplane names it: subscribed while the backplane holds it.
        async Task<bool> Subscribed(string connectionId) =>
            (await server.SubscriptionChannelsAsync(RedisChannel.Pattern($"*:{connectionId}"))).Length > 0;
        // The backplane is back once the screen that stays is subscribed; the arrivals it held before were let through first.
        await Wait.Until(() => Subscribed(staying.ConnectionId!), "the staying screen subscribed in Redis");

        await Wait.Until(async () => !(await Task.WhenAll(gone.Select(Subscribed))).Any(s => s), "the screens that left are not subscribed");
        Assert.That(await Subscribed(staying.ConnectionId!), Is.True);
    }

    [Test]
    public async Task AnInstanceStartedWhileRedisIsDown_SignsPeopleIn_AndReadsTheOthersCookies()
    {
        using var redis = await RedisServer.StartAsync();
        var settings = RedisServer.Settings($"127.0.0.1:{redis.Port}");
        var folder = TestHost.NewFolder();
        using var a = new TestHost(folder, settings: settings);
        var jar = new CookieContainer();
        await a.SignInAsync(Demo.Clerk, jar);

        redis.Stop();
        using var b = new TestHost(folder, settings: settings);

        Assert.That((await b.Anonymous(jar).GetAsync("/api/auth/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "A's cookie is good at B");
        var atB = await b.SignInAsync(Demo.Clerk);
        Assert.That((await atB.GetAsync("/api/auth/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "B signs a clerk in");
    }
}
