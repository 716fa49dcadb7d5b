using System.Security.Claims;
using Meetings.Server.Errors;
using Microsoft.AspNetCore.SignalR;

namespace Meetings.Server.Security;

/// <summary>
/// A page on another site must not act with the clerk's cookie. A browser sends the sign-in cookie with a WebSocket
/// any page opens (WebSockets have no CORS), and with a form or a fetch that a page on a sibling site (another
/// <c>*.city.gov</c>, which SameSite does not stop) posts here, but it always says which page sent it, in
/// <c>Origin</c>. From an origin that is not this server's own (the address it was reached at, or <c>PublicBaseUrl</c>)
/// nor listed in <c>Hub:AllowedOrigins</c>, a hub connection is served as if nobody were signed in (it may watch, as
/// anyone may, but nothing runs as the clerk or an official), and a signed-in request that would change something
/// is refused (403). A request without <c>Origin</c> was not sent by a web page (the .NET client, a native app,
/// Twilio) and is judged by its credentials alone.
/// </summary>
public sealed class CookieOrigins
{
    private readonly HashSet<string> _allowed = new(StringComparer.OrdinalIgnoreCase);

    public CookieOrigins(IConfiguration config)
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

    /// <summary>
    /// After authentication: a hub request from a foreign origin loses its sign-in, and any other signed-in request from
    /// one that is not a read is refused (each counted as a refusal).
    /// </summary>
    internal Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        if (http.User.Identity?.IsAuthenticated == true && http.Request.Headers.Origin.ToString() is { Length: > 0 } origin
            && !Allows(http.Request, origin))
        {
            var refusals = http.RequestServices.GetRequiredService<RefusalLog>();
            var (what, from) = ($"{http.Request.Method} {http.Request.Path}", origin.Length <= 100 ? origin : origin[..100]);
            if (http.GetEndpoint()?.Metadata.GetMetadata<HubMetadata>() is not null)
            {
                refusals.Refused(what, $"a signed-in hub connection from {from}, served as anonymous");
                http.User = new ClaimsPrincipal(new ClaimsIdentity());
            }
            else if (!(HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) || HttpMethods.IsOptions(http.Request.Method)))
            {
                refusals.Refused(what, $"a signed-in change sent from a page on {from}");
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden,
                    title: "This change was sent from a page on another site; make it on this site.").ExecuteAsync(http);
            }
        }
        // Handed on, not awaited: a hub's WebSocket request lasts as long as the screen, and an await here would hold
        // this method's state for all that time, for every screen.
        return next(http);
    }
}
