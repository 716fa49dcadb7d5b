using System.Globalization;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.AspNetCore.SignalR;

namespace Meetings.Server.Live;

public static class LiveRegistration
{
    /// <summary>
    /// SignalR with bounded messages and the hub guards, the broadcaster (which writes each update, serialized once,
    /// straight to the connections here that follow it), and the watcher that ends expired turns.
    /// </summary>
    public static IHostApplicationBuilder AddLive(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSignalR(o =>
            {
                o.MaximumReceiveMessageSize = 32 * 1024;
                o.EnableDetailedErrors = false;
                o.AddFilter<HubGuards>();
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        builder.Services.AddSingleton<LocalConnections>();
        builder.Services.AddSingleton<HubLifetimeManager<MeetingHub>>(sp => new LocalScreens<MeetingHub>(
            sp.GetKeyedService<HubLifetimeManager<MeetingHub>>(LocalScreens<MeetingHub>.Shared)
            ?? ActivatorUtilities.CreateInstance<DefaultHubLifetimeManager<MeetingHub>>(sp),
            sp.GetRequiredService<LocalConnections>(), sp.GetRequiredService<ILogger<LocalScreens<MeetingHub>>>()));
        builder.Services.AddSingleton<HubGuards>();
        builder.Services.AddSingleton<MeetingBroadcaster>();
        builder.Services.AddSingleton<ReturningScreens>();
        builder.Services.AddSingleton<JournalReadLimits>();
        builder.Services.AddSingleton<MeetingWatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MeetingWatcher>());
        builder.Services.AddSingleton<SignedOutScreens>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SignedOutScreens>());
        builder.Services.AddSingleton<ManagedHeap>();
        // In place of Kestrel's own pool (registered before this, so this one is the one resolved).
        builder.Services.AddSingleton<SocketBlocks>();
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>>(sp => sp.GetRequiredService<SocketBlocks>());
        builder.Services.Configure<SocketTransportOptions>(SendWhereWritten);
        builder.Services.AddSingleton<ScreenUpdates>();
        builder.Services.AddHostedService<MemoryAfterBursts>();
        return builder;
    }

    /// <summary>
    /// Each connection's bytes go to its socket from the code that wrote them, and what a socket reads goes on to the
    /// code reading it, instead of through one of Kestrel's own queues, which every connection shares in turn. In a
    /// flood those queues held an update's sends to thousands of screens, and a resident's sign-up and its answer each
    /// waited in line behind them: 0.6-1 s at p99 with 10,000 watching, where the hub's method took tens of
    /// milliseconds (infra/bench/HISTORY.md, 2026-11-29). Kestrel calls this unsafe because our code then runs on the
    /// thread that finished the socket's work. Without DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS (not set) that is a
    /// thread pool thread, and the runtime hands the other sockets' events to another one before it runs ours, so a
    /// commit's few milliseconds in SQLite hold up no other socket.
    /// </summary>
    internal static void SendWhereWritten(SocketTransportOptions sockets) => sockets.UnsafePreferInlineScheduling = true;

    /// <summary>
    /// The live meeting hub at <c>/hubs/meeting</c>. Stateful reconnect is not offered: SignalR's MessageBuffer (8.0 to
    /// 10.0) awaits a message's flush outside its write lock while its ack timer flushes the same pipe, which aborts
    /// the connection ("Concurrent reads or writes are not supported") whenever a large write (a big meeting's join)
    /// or a slow reader meets an ack; no writer of ours can prevent that. Sequence numbers with <c>EventsAfter</c>
    /// already make a reconnecting client whole, across restarts and instances too (README, Live protocol).
    /// </summary>
    public static void MapLive(this WebApplication app)
    {
        // MapHub, with each screen's pipe sending where it is written (HubPipes) and the hub's connections writing large
        // messages in large blocks (LargeWrites). Unlike MapHub, this does not make the hub class's attributes endpoint
        // metadata: [Authorize] or CORS on the class would need adding here.
        var options = new HttpConnectionDispatcherOptions { AllowStatefulReconnects = false };
        if (!HubPipes.SendWhereWritten(options))
            app.Logger.LogWarning("This SignalR keeps its pipes' settings elsewhere: each send to a screen goes through the thread pool.");
        app.MapConnections("/hubs/meeting", options, connection =>
            {
                connection.Use(LargeWrites.Around);
                connection.UseHub<MeetingHub>();
            })
            .WithMetadata(new HubMetadata(typeof(MeetingHub)));
        app.Logger.LogInformation("The shared array pool keeps up to {Arrays} arrays of a size per core.",
            SharedArrays.Kept?.ToString(CultureInfo.InvariantCulture) ?? "an unknown number of");
        // A host that registers Kestrel after the server's services brings Kestrel's own pool back in front.
        if (app.Services.GetService<IMemoryPoolFactory<byte>>() is not SocketBlocks)
            app.Logger.LogWarning("Kestrel keeps its own socket blocks: what a burst leaves in them comes back to the system slowly.");
    }
}
