using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace Meetings.Server.Security;

/// <summary>
/// Limits on how often one address may ask for something (ASP.NET Core's rate limiter). A refusal is 429 with
/// <c>Retry-After</c> (whole seconds until the address may ask again) and is kept in the refusal log. Each area names
/// its own policy, made with <see cref="PerMinute"/>. Counted per instance: behind several, an address gets the limit
/// on each.
/// </summary>
public static class PerAddressLimits
{
    public static IServiceCollection AddPerAddressLimits(this IServiceCollection services)
    {
        services.AddSingleton<NetworkBudgets>();
        return services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, _) =>
            {
                var http = context.HttpContext;
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait))
                    http.Response.Headers.RetryAfter = Errors.TryAgainLaterException.Seconds(wait);
                http.RequestServices.GetRequiredService<Errors.RefusalLog>().Refused($"{http.Request.Method} {http.Request.Path}", "429 rate limit");
                return ValueTask.CompletedTask;
            };
        });
    }

    /// <summary>
    /// So many requests a minute from one client address (<see cref="ClientAddress"/>), counted in fixed minutes, under
    /// the policy named <paramref name="policy"/>. An IPv6 address's /48 has <see cref="ClientAddress.NetworkShare"/>
    /// times as many for all its addresses together.
    /// </summary>
    public static RateLimitPartition<string> PerMinute(HttpContext http, string policy, int permits)
    {
        var window = new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1) };
        if (ClientAddress.NetworkOf(http) is not { } network)
            return RateLimitPartition.GetFixedWindowLimiter(ClientAddress.Of(http), _ => window);
        var budgets = http.RequestServices.GetRequiredService<NetworkBudgets>().For(policy, permits);
        // Refilled by the rate limiter, as the windows it makes itself are: a window refilling itself keeps a timer
        // of its own for as long as it lives.
        window.AutoReplenishment = false;
        return RateLimitPartition.Get(ClientAddress.Of(http), _ =>
            new AddressInNetwork(new FixedWindowRateLimiter(window), budgets, network));
    }
}

/// <summary>Each policy's budgets for IPv6 /48 networks: <see cref="ClientAddress.NetworkShare"/> times an address's a minute, as token buckets.</summary>
internal sealed class NetworkBudgets(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, TokenBuckets> _byPolicy = new();

    public TokenBuckets For(string policy, int permitsPerMinute) => _byPolicy.GetOrAdd(policy, _ =>
        new TokenBuckets(permitsPerMinute * ClientAddress.NetworkShare, permitsPerMinute * ClientAddress.NetworkShare / 60.0, clock));
}

/// <summary>
/// An IPv6 address's network's budget, and then its own fixed window. The rate limiter keeps one for each address as
/// its partition, refills its window, and disposes it (and with it the window) once the address has been idle a while;
/// the network's budgets outlive it, in <see cref="NetworkBudgets"/>. The network is asked first and given its token
/// back when the window refuses, so a refusal spends nothing, and the rate limiter may ask again (it does, for a queue
/// these policies do not keep) at no cost. The window runs on the wall clock, the budgets on the app's.
/// </summary>
internal sealed class AddressInNetwork(FixedWindowRateLimiter window, TokenBuckets networks, string network) : ReplenishingRateLimiter
{
    public override TimeSpan? IdleDuration => window.IdleDuration;

    public override bool IsAutoReplenishing => false;

    public override TimeSpan ReplenishmentPeriod => window.ReplenishmentPeriod;

    public override bool TryReplenish() => window.TryReplenish();

    public override RateLimiterStatistics? GetStatistics() => window.GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        if (!networks.TryTake(network)) return new NetworkSpent(networks.OneToken);
        var lease = window.AttemptAcquire(permitCount);
        if (!lease.IsAcquired) networks.GiveBack(network);
        return lease;
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    // Whatever `disposing` says: the rate limiter lets a partition go with DisposeAsync, which calls Dispose(false).
    protected override void Dispose(bool disposing)
    {
        window.Dispose();
        base.Dispose(disposing);
    }

    private sealed class NetworkSpent(TimeSpan retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == MetadataName.RetryAfter.Name ? retryAfter : null;
            return metadata is not null;
        }
    }
}
