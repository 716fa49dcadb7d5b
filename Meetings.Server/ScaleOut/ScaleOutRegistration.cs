using Meetings.Server.Live;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using StackExchange.Redis;

namespace Meetings.Server.ScaleOut;

public static class ScaleOutRegistration
{
    /// <summary>
    /// Several instances on one database. With <c>Redis:Configuration</c> set (a StackExchange.Redis configuration
    /// string such as <c>redis.city.internal:6379,password=...</c>): SignalR's Redis backplane, so a message to a
    /// group or a connection reaches it on whichever instance it is connected to (the clerks' phone status, say),
    /// except a meeting's live updates, which each instance writes to its own screens (<see cref="MeetingBroadcaster"/>);
    /// and the <see cref="CommitRelay"/>, so each instance passes on another's changes to its own screens at once.
    /// Without it, nothing is added: one instance needs no Redis, and instances on one database still converge
    /// through the journal, within the watcher's half second. (The key ring that makes a cookie one instance gave good
    /// at the others is in the database they share: an instance started while Redis is away still signs people in.)
    /// </summary>
    public static IHostApplicationBuilder AddScaleOut(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration["Redis:Configuration"];
        if (string.IsNullOrWhiteSpace(configuration)) return builder;
        ConfigurationOptions Options()
        {
            var options = ConfigurationOptions.Parse(configuration);
            // Start, and keep running, while Redis is away: the journal still carries every change, only later.
            options.AbortOnConnectFail = false;
            // Other applications may share the Redis server: keep to channels of our own, unless told which (channelPrefix=).
            if (options.ChannelPrefix.IsNullOrEmpty) options.ChannelPrefix = RedisChannel.Literal("meetings");
            return options;
        }
        builder.Services.AddSignalR().AddStackExchangeRedis(o => o.Configuration = Options());
        builder.Services.AddKeyedSingleton<HubLifetimeManager<MeetingHub>>(LocalScreens<MeetingHub>.Shared,
            (sp, _) => ActivatorUtilities.CreateInstance<RedisHubLifetimeManager<MeetingHub>>(sp));
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<CommitRelay>(sp, Options()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CommitRelay>());
        return builder;
    }
}
