using System.Threading.RateLimiting;

namespace Meetings.Server.Security;

/// <summary>
/// Limits on how often one address may ask for something (ASP.NET Core's rate limiter). A refusal is 429 and is kept
/// in the refusal log. Each area names its own policy, made with <see cref="PerMinute"/>.
/// </summary>
public static class PerAddressLimits
{
    public static IServiceCollection AddPerAddressLimits(this IServiceCollection services) => services.AddRateLimiter(o =>
    {
        o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        o.OnRejected = (context, _) =>
        {
            var http = context.HttpContext;
            http.RequestServices.GetRequiredService<Errors.RefusalLog>().Refused($"{http.Request.Method} {http.Request.Path}", "429 rate limit");
            return ValueTask.CompletedTask;
        };
    });

    /// <summary>So many requests a minute from one client address (<see cref="ClientAddress"/>), counted in fixed minutes.</summary>
    public static RateLimitPartition<string> PerMinute(HttpContext http, int permits) =>
        RateLimitPartition.GetFixedWindowLimiter(ClientAddress.Of(http),
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1) });
}
