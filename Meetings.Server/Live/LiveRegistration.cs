using Microsoft.AspNetCore.SignalR;

namespace Meetings.Server.Live;

public static class LiveRegistration
{
    /// <summary>SignalR with bounded messages and the hub guards, the broadcaster, and the watcher that ends expired turns.</summary>
    public static IHostApplicationBuilder AddLive(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSignalR(o =>
            {
                o.MaximumReceiveMessageSize = 32 * 1024;
                // Each update carries the whole meeting; leave room for a burst of them while a client catches its breath.
                o.StatefulReconnectBufferSize = 2_000_000;
                o.EnableDetailedErrors = false;
                o.AddFilter<HubGuards>();
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        builder.Services.AddSingleton<HubGuards>();
        builder.Services.AddSingleton<MeetingBroadcaster>();
        builder.Services.AddSingleton<Audience>();
        builder.Services.AddSingleton<MeetingWatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MeetingWatcher>());
        return builder;
    }

    /// <summary>The live meeting hub at <c>/hubs/meeting</c>, with stateful reconnect.</summary>
    public static void MapLive(this WebApplication app) =>
        app.MapHub<MeetingHub>("/hubs/meeting", o => o.AllowStatefulReconnects = true);
}
