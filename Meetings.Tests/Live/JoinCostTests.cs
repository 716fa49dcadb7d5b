using System.Text.Json;
using Meetings.Client.Contracts;
using Meetings.Server.Data;
using Meetings.Server.Live;
using Meetings.Server.Meetings;
using Meetings.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Live;

/// <summary>
/// Watching a meeting someone here already follows touches no database: SignalR makes a hub for every call and every
/// connection, and ten thousand viewers coming back after a restart must not each cost a database context they never use.
/// </summary>
public class JoinCostTests
{
    [Test]
    public async Task ViewersJoiningCatchingUpAndLeaving_AMeetingAlreadyFollowed_MakeNoDatabaseContext()
    {
        var made = 0;
        using var host = new TestHost(services: s => CountHubContexts(s, () => Interlocked.Increment(ref made)));
        var id = (await host.Anonymous().DemoMeeting()).Meeting.Id;
        await using var first = host.AnonymousHub();
        await first.StartAsync();
        var held = (await first.InvokeAsync<JoinResult>("Join", id, null)).Snapshot.Sequence;
        var before = Volatile.Read(ref made);

        var viewers = Enumerable.Range(0, 20).Select(_ => host.AnonymousHub()).ToList();
        try
        {
            await Task.WhenAll(viewers.Select(async (viewer, i) =>
            {
                await viewer.StartAsync();
                if (i % 2 == 0) await viewer.InvokeAsync<JoinResult>("Join", id, null);
                else await viewer.InvokeAsync<RejoinResult>("Rejoin", id, null, held);
                var caughtUp = await viewer.InvokeAsync<CatchUp>("EventsAfter", id, held);
                Assert.That(caughtUp.Snapshot.Sequence, Is.EqualTo(held));
                await viewer.InvokeAsync("Leave", id);
            }));

            Assert.That(Volatile.Read(ref made) - before, Is.Zero,
                "twenty viewers connected, joined or came back, caught up and left without a database context");
        }
        finally
        {
            await Task.WhenAll(viewers.Select(v => v.DisposeAsync().AsTask()));
        }
    }

    [Test]
    public async Task ViewersJoiningBeforeTheMeetingIsFirstFollowed_WaitForOneReadOfItsJournal()
    {
        var reads = new JournalReads();
        using var host = new TestHost(services: reads.Register);
        var id = (await host.Anonymous().DemoMeeting()).Meeting.Id;
        var store = host.Services.GetRequiredService<MeetingStore>();
        using var scope = host.Services.CreateScope();

        // As after a restart: the viewers arrive while the meeting's lock is held, so each waits for the meeting.
        using var held = await MeetingLockHeld.HoldAsync(store, id);
        var callers = Enumerable.Range(0, 20).Select(i => new HubCaller($"viewer-{i}")).ToList();
        var joins = callers.Select(caller =>
        {
            var hub = ActivatorUtilities.CreateInstance<MeetingHub>(scope.ServiceProvider);
            hub.Context = caller;
            return reads.Mark(() => hub.Join(id, null));
        }).ToList();
        Assert.That(joins.Count(j => j.IsCompleted), Is.Zero, "every join waits for the meeting");

        await held.ReleaseAsync();
        var answers = await Task.WhenAll(joins);

        Assert.That(reads.Marked, Is.EqualTo(1), "the first join read the journal; the others waited for that read and made none");
        Assert.That(answers.Count(a => a.Snapshot is not null), Is.EqualTo(joins.Count), "each was answered with the meeting");
        callers.ForEach(c => c.Dispose());
    }

    [Test]
    public async Task ReadingAMeetingScreensHereFollow_AsksTheJournalNothing()
    {
        var reads = new JournalReads();
        using var host = new TestHost(services: reads.Register);
        var id = (await host.Anonymous().DemoMeeting()).Meeting.Id;
        await using var viewer = await LiveClient.ConnectAsync(host, null, "viewer", id);
        var head = (await host.Anonymous().Get<MeetingDetail>($"/api/meetings/{id}")).Version;
        // The journal's followers read it after each commit: once they are past the head, nothing else reads it here.
        await Wait.Until(() => Crash.Checkpoint(host, "notices", id) >= head && Crash.Checkpoint(host, "phone", id) >= head, "the followers caught up");

        var before = reads.Count;
        for (var i = 0; i < 10; i++) Assert.That((await host.Anonymous().Get<MeetingDetail>($"/api/meetings/{id}")).Version, Is.EqualTo(head));

        Assert.That(reads.Count - before, Is.Zero, "ten reads of a meeting a screen here follows, and the watcher keeps current: no query under its lock");

        var clerk = await host.SignInAsync(Demo.Clerk);
        await clerk.Get<MeetingDetail>($"/api/meetings/{id}");
        Assert.That(reads.Count - before, Is.EqualTo(1), "a clerk's read asks the journal: it has what they just did through another instance");
    }

    [Test]
    public void EveryScopeThatOpensTheDatabase_SharesOneSetOfOptions()
    {
        using var host = new TestHost();
        using var one = host.Services.CreateScope();
        using var other = host.Services.CreateScope();
        var options = (DbContextOptions)one.ServiceProvider.GetRequiredService<MeetingsDbContext>().GetService<IDbContextOptions>();

        Assert.That(other.ServiceProvider.GetRequiredService<MeetingsDbContext>().GetService<IDbContextOptions>(), Is.SameAs(options),
            "the options are built once, not again for each request, hub call or commit");
    }

    /// <summary>
    /// Wraps the app's registration of the database context so that each one made while serving a hub connection (a
    /// WebSocket request) is counted. The server's background work (the journal's followers, Hangfire's jobs, the
    /// watchers) also makes contexts, on its own time; under load it can run while the viewers join.
    /// </summary>
    private static void CountHubContexts(IServiceCollection services, Action counted)
    {
        services.AddHttpContextAccessor();
        var registered = services.Single(d => d.ServiceType == typeof(MeetingsDbContext));
        services.Remove(registered);
        services.AddScoped<MeetingsDbContext>(sp =>
        {
            if (sp.GetRequiredService<IHttpContextAccessor>().HttpContext?.WebSockets.IsWebSocketRequest == true) counted();
            return registered.ImplementationFactory is { } factory
                ? (MeetingsDbContext)factory(sp)
                : (MeetingsDbContext)ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!);
        });
    }

    /// <summary>
    /// The server runs without dynamic profile-guided optimization (Meetings.Server.csproj): with it, each method that got
    /// hot while thousands of screens joined was compiled twice more, on the cores the joins needed.
    /// </summary>
    [Test]
    public void TheServer_CompilesItsHotMethodsWithoutDynamicProfileGuidedOptimization()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Meetings.Server.runtimeconfig.json")));
        var options = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.That(options.TryGetProperty("System.Runtime.TieredPGO", out var pgo) && !pgo.GetBoolean(), "System.Runtime.TieredPGO false in the server's runtimeconfig");
    }
}
