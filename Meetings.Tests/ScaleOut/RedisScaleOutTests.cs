using System.Text.Json;
using Meetings.Client.Contracts;
using Meetings.Server.Phone;
using Meetings.Server.ScaleOut;
using Meetings.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.ScaleOut;

/// <summary>
/// Two server instances on one database and one real Redis, as several nodes behind nginx are run. The hosts' clocks
/// never move here, so their watchers never look at the journal by themselves: whatever reaches the other node came
/// through Redis.
/// </summary>
public class RedisScaleOutTests
{
    [Test]
    public async Task AViewerOnNodeB_SeesEveryCommandMadeOnNodeA_InOrder_AndEachOnce()
    {
        var redis = RedisServer.Settings(RedisServer.Shared);
        var folder = TestHost.NewFolder();
        using var a = new TestHost(folder, settings: redis);
        using var b = new TestHost(folder, settings: redis);
        var meeting = await a.Anonymous().DemoMeeting();
        var id = meeting.Meeting.Id;
        var item = meeting.Agenda[2].Id;
        await Ready(a, b);
        await using var clerkOnA = await LiveClient.ConnectAsync(a, Demo.Clerk, "clerk on A", id);
        await using var viewerOnA = await Screen.JoinAsync(a, id, "viewer on A");
        await using var viewerOnB = await Screen.JoinAsync(b, id, "viewer on B");

        await clerkOnA.Do("StartMeeting", id);
        await clerkOnA.Do("OpenItem", id, item);
        await clerkOnA.Do("OpenPublicComment", id, item);
        for (var i = 0; i < 10; i++) await clerkOnA.Invoke<Guid>("AddRoomSpeaker", id, item, $"Card {i}", null, false);
        var last = (await clerkOnA.Do("CallNextSpeaker", id, item)).Sequence;

        foreach (var screen in new[] { viewerOnB, viewerOnA })
        {
            await screen.WaitForSequence(last);
            var expected = Enumerable.Range((int)screen.JoinedAt + 1, (int)(last - screen.JoinedAt)).Select(s => (long)s);
            Assert.That(screen.Sequences, Is.EqualTo(expected), $"{screen.Name} got every event, in order, once");
        }
        // Anything that would come twice comes right behind the first: give it a moment to show itself.
        await clerkOnA.Invoke<Guid>("AddRoomSpeaker", id, item, "Last card", null, false);
        await viewerOnB.WaitForSequence(last + 1);
        Assert.That(viewerOnB.Sequences, Is.Unique, "no update reached the viewer on B twice");
        Assert.That(viewerOnA.Sequences, Is.Unique, "no update reached the viewer on A twice");
    }

    [Test]
    public async Task AClerkOnNodeB_HearsThePhoneStatusThatNodeASends()
    {
        var redis = RedisServer.Settings(RedisServer.Shared);
        var folder = TestHost.NewFolder();
        using var a = new TestHost(folder, settings: redis);
        using var b = new TestHost(folder, settings: redis);
        var id = (await a.Anonymous().DemoMeeting()).Meeting.Id;
        await Ready(a, b);
        await using var clerkOnB = await LiveClient.ConnectAsync(b, Demo.Clerk, "clerk on B", id);
        var heard = new TaskCompletionSource<PhoneStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        clerkOnB.Connection.On<PhoneStatus>(nameof(IMeetingClient.PhoneStatusChanged), s => heard.TrySetResult(s));

        // A Twilio webhook landing on A ends in this: the clerks of the meeting, wherever they are connected, are told.
        await using (var scope = a.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<PhoneService>().PublishStatusAsync(id);

        var status = await heard.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(status, Is.Not.Null);
    }

    private static Task Ready(params TestHost[] hosts) =>
        Task.WhenAll(hosts.Select(h => h.Services.GetRequiredService<CommitRelay>().Ready)).WaitAsync(TimeSpan.FromSeconds(15));

    /// <summary>
    /// A viewer's screen that keeps every update exactly as it arrives (not deduplicated as a client would), to see
    /// what the server sent: the sequence numbers of the events of each update, in arrival order.
    /// </summary>
    private sealed class Screen : IAsyncDisposable
    {
        private readonly Lock _gate = new();
        private readonly List<long> _sequences = [];
        private readonly HubConnection _connection;

        private Screen(HubConnection connection, string name)
        {
            (_connection, Name) = (connection, name);
            connection.On<JsonElement>(nameof(IMeetingClient.MeetingUpdated), update =>
            {
                lock (_gate) _sequences.AddRange(update.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()));
            });
        }

        public string Name { get; }
        public long JoinedAt { get; private set; }
        public IReadOnlyList<long> Sequences { get { lock (_gate) return [.. _sequences]; } }

        public static async Task<Screen> JoinAsync(TestHost host, Guid meetingId, string name)
        {
            var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(host.BaseAddress, "/hubs/meeting"), o => o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets)
                .Build();
            var screen = new Screen(connection, name);
            await connection.StartAsync();
            var joined = await connection.InvokeAsync<JsonElement>("Join", meetingId, null);
            screen.JoinedAt = joined.GetProperty("snapshot").GetProperty("sequence").GetInt64();
            return screen;
        }

        public Task WaitForSequence(long sequence) =>
            Wait.Until(() => Sequences.Count > 0 && Sequences[^1] >= sequence, $"{Name} reached sequence {sequence}");

        public ValueTask DisposeAsync() => _connection.DisposeAsync();
    }
}
