using System.Globalization;
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
    public static IServiceCollection AddPerAddressLimits(this IServiceCollection services) => services.AddRateLimiter(o =>
    {
        o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        o.OnRejected = (context, _) =>
        {
            var http = context.HttpContext;
            if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait))
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            http.RequestServices.GetRequiredService<Errors.RefusalLog>().Refused($"{http.Request.Method} {http.Request.Path}", "429 rate limit");
            return ValueTask.CompletedTask;
        };
    });

    /// <summary>So many requests a minute from one client address (<see cref="ClientAddress"/>), counted in fixed minutes.</summary>
    public static RateLimitPartition<string> PerMinute(HttpContext http, int permits) =>
        RateLimitPartition.GetFixedWindowLimiter(ClientAddress.Of(http),
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1) });
}
