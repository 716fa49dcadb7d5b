using System.Security.Claims;
using Meetings.Server.Errors;
using Microsoft.AspNetCore.SignalR;

namespace Meetings.Server.Security;

/// <summary>
/// A page on another site must not run clerk commands with the clerk's cookie. A browser sends the sign-in cookie
/// with a WebSocket any page opens (WebSockets have no CORS), but it always says which page opened it, in
/// <c>Origin</c>. A hub connection from an origin that is not this server's own (the address it was reached at, or
/// <c>PublicBaseUrl</c>) nor listed in <c>Hub:AllowedOrigins</c> is served as if nobody were signed in: it may
/// watch, as anyone may, but nothing runs as the clerk or an official. A request without <c>Origin</c> was not
/// sent by a web page (the .NET client, a native app) and is judged by its credentials alone.
/// </summary>
public sealed class HubOrigins
{
    private readonly HashSet<string> _allowed = new(StringComparer.OrdinalIgnoreCase);

    public HubOrigins(IConfiguration config)
    {
        foreach (var origin in SecurityRegistration.List(config.GetSection("Hub:AllowedOrigins")))
            _allowed.Add(ContentSecurityPolicy.Origin(origin, "Hub:AllowedOrigins"));
        if (config["PublicBaseUrl"]?.Trim() is { Length: > 0 } site && Uri.TryCreate(site, UriKind.Absolute, out var uri))
            _allowed.Add(uri.GetLeftPart(UriPartial.Authority));
    }

    /// <summary>Whether a signed-in user's cookie may act for them on a request carrying <paramref name="origin"/>.</summary>
    public bool Allows(HttpRequest request, string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.GetLeftPart(UriPartial.Authority) is var normalized
        && (_allowed.Contains(normalized) || Uri.TryCreate($"{request.Scheme}://{request.Host}", UriKind.Absolute, out var own)
            && string.Equals(own.GetLeftPart(UriPartial.Authority), normalized, StringComparison.OrdinalIgnoreCase));

    /// <summary>After authentication: a hub request from a foreign origin loses its sign-in (and is counted as a refusal).</summary>
    internal async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        if (http.User.Identity?.IsAuthenticated == true && http.GetEndpoint()?.Metadata.GetMetadata<HubMetadata>() is not null
            && http.Request.Headers.Origin.ToString() is { Length: > 0 } origin && !Allows(http.Request, origin))
        {
            http.RequestServices.GetRequiredService<RefusalLog>().Refused($"{http.Request.Method} {http.Request.Path}",
                $"a signed-in hub connection from {(origin.Length <= 100 ? origin : origin[..100])}, served as anonymous");
            http.User = new ClaimsPrincipal(new ClaimsIdentity());
        }
        await next(http);
    }
}
