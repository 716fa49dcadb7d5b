using Meetings.Server.Live;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using StackExchange.Redis;

namespace Meetings.Server.ScaleOut;

public static class ScaleOutRegistration
{
    /// <summary>
    /// Where the instances keep their shared key ring in Redis: under their channel prefix, so that deployments sharing
    /// one Redis with prefixes of their own (staging and production, say) never read each other's cookies.
    /// </summary>
    public static string KeyRing(RedisChannel prefix) => $"{prefix}:data-protection-keys";

    /// <summary>
    /// Several instances on one database. With <c>Redis:Configuration</c> set (a StackExchange.Redis configuration
    /// string such as <c>redis.city.internal:6379,password=...</c>): SignalR's Redis backplane, so a message to a
    /// group or a connection reaches it on whichever instance it is connected to (the clerks' phone status, say),
    /// except a meeting's live updates, which each instance writes to its own screens (<see cref="MeetingBroadcaster"/>);
    /// the <see cref="CommitRelay"/>, so each instance passes on another's changes to its own screens at once; and one
    /// key ring for sign-in cookies (and everything else ASP.NET Core protects) kept in Redis, so a cookie one
    /// instance gave is good at the others.
    /// Without it, nothing is added: one instance needs no Redis, and instances on one database still converge
    /// through the journal, within the watcher's half second.
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
        var keyRing = new Lazy<ConnectionMultiplexer>(() => ConnectionMultiplexer.Connect(Options()));
        // One application name whatever folder each instance runs from, so they read each other's cookies.
        builder.Services.AddDataProtection().SetApplicationName("Meetings")
            .PersistKeysToStackExchangeRedis(() => keyRing.Value.GetDatabase(), KeyRing(Options().ChannelPrefix));
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<CommitRelay>(sp, Options()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CommitRelay>());
        return builder;
    }
}
