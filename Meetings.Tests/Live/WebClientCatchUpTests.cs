using System.Text.Json;
using System.Text.Json.Serialization;
using Meetings.Client.Contracts;
using Meetings.Client.Services;
using Meetings.Server.Live;
using Meetings.Server.Meetings;
using Meetings.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.JSInterop;

namespace Meetings.Tests.Live;

/// <summary>
/// The web client's live meeting (<see cref="LiveMeeting"/>) against a hub that plays a script, so that an update can
/// be made to overtake the answer of a catch-up: it starts from the snapshot that answer brings, and must be applied
/// after it, not dropped.
/// </summary>
public class WebClientCatchUpTests
{
    [Test]
    public async Task AnUpdateThatOvertakesACatchUpsAnswer_IsAppliedAfterIt()
    {
        var script = new Script(await RealSnapshotAsync());
        await using var hub = await ScriptedServer.StartAsync(script);
        await using var live = new LiveMeeting(new NoStorage(), hub.Address);
        await live.StartAsync(script.MeetingId);
        Assert.That(live.Sequence, Is.EqualTo(1));

        // The screen could not keep up: told to catch up, it asks for the events after 1; the answer (at 2) is held back.
        await hub.SendAsync(nameof(IMeetingClient.MeetingUpdated), new MeetingUpdate(script.MeetingId, 1, 2, [], null, Resync: true));
        Assert.That(await script.Asked.Task.WaitAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(1));
        // The next update, from 2, reaches the client first: the clerks' phone status sent after it shows that the
        // client's handlers (which run in order) have had it, and only then is the answer let go.
        using var patch = JsonDocument.Parse("""[{"op":"replace","path":"/sequence","value":3},{"op":"replace","path":"/meeting/title","value":"Overtaken"}]""");
        await hub.SendAsync(nameof(IMeetingClient.MeetingUpdated), new MeetingUpdate(script.MeetingId, 2, 3, [], patch.RootElement.Clone()));
        await hub.SendAsync(nameof(IMeetingClient.PhoneStatusChanged), new PhoneStatus(false, null, "1234", null, 0, []));
        await Wait.Until(() => live.Phone is not null, "the client has handled the update");
        script.Answer.SetResult();

        await Wait.Until(() => live.Sequence == 3, "the client holds 3: the answer taken, then the update that overtook it applied");
        Assert.That(live.Snapshot!.Meeting.Title, Is.EqualTo("Overtaken"));
        Assert.That(script.CatchUps, Is.EqualTo(1), "and it did not need to catch up again");
    }

    [Test]
    public async Task ACatchUpRefused_IsAskedAgain_WithoutWaitingForTheMeetingsNextChange()
    {
        var script = new Script(await RealSnapshotAsync()) { Refusals = 1 };
        script.Answer.SetResult();
        await using var hub = await ScriptedServer.StartAsync(script);
        await using var live = new LiveMeeting(new NoStorage(), hub.Address);
        await live.StartAsync(script.MeetingId);

        // Told to catch up, the screen asks and is refused (as the server refuses a screen asking too often); nothing
        // more happens in the meeting.
        await hub.SendAsync(nameof(IMeetingClient.MeetingUpdated), new MeetingUpdate(script.MeetingId, 1, 2, [], null, Resync: true));

        await Wait.Until(() => live.Sequence == 2, "asked again on its own, the client holds the answer's 2");
        Assert.That(script.CatchUps, Is.EqualTo(2), "once refused, once answered");
    }

    [Test]
    public async Task AFirstJoinRefused_IsTriedAgain_UntilTheScreenIsLive_ButNoSuchMeetingIsAnAnswer()
    {
        var script = new Script(await RealSnapshotAsync()) { JoinRefusals = 2 };
        await using var hub = await ScriptedServer.StartAsync(script);
        await using var live = new LiveMeeting(new NoStorage(), hub.Address);

        await live.StartAsync(script.MeetingId);

        await Wait.Until(() => live.Connection == "Live" && live.Sequence == 1, "the screen, refused twice, is in the meeting");
        Assert.That(script.Joins, Is.EqualTo(3));

        using var server = new TestHost();
        await using var lost = new LiveMeeting(new NoStorage(), server.BaseAddress);
        var refused = Assert.ThrowsAsync<HubException>(() => lost.StartAsync(Guid.NewGuid()));
        Assert.That(refused!.Message, Does.Contain("No such meeting"), "the real server's answer: the page says it could not be opened");
    }

    /// <summary>A real meeting's public snapshot, to be played at sequences 1 and 2.</summary>
    private static async Task<MeetingSnapshot> RealSnapshotAsync()
    {
        using var host = new TestHost();
        var id = (await host.Anonymous().DemoMeeting()).Meeting.Id;
        return await host.Services.GetRequiredService<MeetingStore>().ReadAsync(id, m => LiveViews.Snapshot(m, host.Clock.GetUtcNow()));
    }

    internal sealed class Script(MeetingSnapshot real)
    {
        public Guid MeetingId => real.Meeting.Id;
        public MeetingSnapshot At(long sequence) => real with { Sequence = sequence };
        public TaskCompletionSource<long> Asked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int CatchUps;
        /// <summary>How many catch-ups are refused before one is answered.</summary>
        public int Refusals { get; init; }
        /// <summary>How many joins are refused ("The meeting could not be loaded just now") before one is answered.</summary>
        public int JoinRefusals { get; init; }
        public int Joins;
    }

    /// <summary>Joins at 1; refuses the first catch-ups the script says, and answers the next with the snapshot at 2 once the test lets it.</summary>
    internal sealed class ScriptedHub(Script script) : Hub
    {
        public JoinResult Join(Guid meetingId, string? residentToken)
        {
            if (Interlocked.Increment(ref script.Joins) <= script.JoinRefusals) throw new HubException("The meeting could not be loaded just now; please try again.");
            return new(script.At(1), "Resident", null, "person");
        }

        public async Task<CatchUp> EventsAfter(Guid meetingId, long after)
        {
            var asked = Interlocked.Increment(ref script.CatchUps);
            script.Asked.TrySetResult(after);
            if (asked <= script.Refusals) throw new HubException("Too many requests; please wait a moment and try again.");
            await script.Answer.Task;
            return new CatchUp([], script.At(2));
        }
    }

    private sealed class ScriptedServer(WebApplication app) : IAsyncDisposable
    {
        public Uri Address { get; } = new(app.Urls.First() + "/");

        public static async Task<ScriptedServer> StartAsync(Script script)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Services.AddSingleton(script);
            builder.Services.AddSignalR().AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()));
            var app = builder.Build();
            app.UseWebSockets();
            app.MapHub<ScriptedHub>("/hubs/meeting");
            await app.StartAsync();
            return new ScriptedServer(app);
        }

        public Task SendAsync(string method, object message) =>
            app.Services.GetRequiredService<IHubContext<ScriptedHub>>().Clients.All.SendAsync(method, message);

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>A browser's local storage that keeps nothing: the client makes a new resident token.</summary>
    private sealed class NoStorage : IJSRuntime
    {
        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) => ValueTask.FromResult(default(TValue)!);
        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args) => ValueTask.FromResult(default(TValue)!);
    }
}
