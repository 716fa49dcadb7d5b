using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Meetings.Server.Live;

/// <summary>
/// A screen's WebSocket to the live hub is one request that lasts as long as the screen is open, and it holds for all
/// that time whatever each middleware it passed through left in it: an awaiting middleware's state, and for sign-in a
/// handler, its scope's services and its features. At 10,000 screens each byte a screen holds is 10 MB. So such a
/// socket passes by what it has no use for: the security headers, which protect pages; authorization, which the
/// hub's endpoint does not ask for; and, when it carries no sign-in cookie, authentication, which would only find that
/// nobody is signed in, and the error pages: without a session to check, nothing before the socket is accepted reads
/// anything that could fail, and once it is accepted nothing more can be written in answer.
/// </summary>
public static class LiveSockets
{
    /// <summary>
    /// Whether this request asks the live hub for a socket. Asked of the connection, not of <c>http.WebSockets</c>:
    /// that is only told by the WebSocket middleware in the hub's own pipeline, after this.
    /// </summary>
    public static bool Is(HttpContext http) =>
        (http.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest == true
            && string.Equals(http.Request.Headers.Upgrade, "websocket", StringComparison.OrdinalIgnoreCase)
         || http.Features.Get<IHttpExtendedConnectFeature>()?.IsExtendedConnect == true)
        && http.GetEndpoint()?.Metadata.GetMetadata<HubMetadata>() is not null;

    /// <summary>
    /// The exception handler, the status code pages and authentication, for every request but a live socket without
    /// the sign-in cookie. One with it is checked against its session as it opens, and a database that cannot answer
    /// then is answered as for any request (503, try again).
    /// </summary>
    public static void UseErrorPagesAndSignIn(this WebApplication app)
    {
        var cookie = app.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>()
            .Get(IdentityConstants.ApplicationScheme).Cookie.Name!;
        app.UseWhen(http => !Is(http) || CarriesCookie(http, cookie),
            pages => pages.UseExceptionHandler().UseStatusCodePages().UseAuthentication());
        // A branch's builder keeps what it is told to itself, so the application is told here that authentication is
        // in its pipeline; otherwise it puts a second one, for every request, at the pipeline's start. The key is
        // ASP.NET Core's own (WebApplicationBuilder; UseAuthentication sets it), not a public constant: LiveSocketsTests
        // goes red if it ever changes.
        ((IApplicationBuilder)app).Properties[AuthenticationInPipeline] = true;
    }

    /// <summary>
    /// Authorization, for every request but a live socket to an endpoint that asks for none (the hub's: its methods
    /// are authorized by SignalR, call by call, for the user the socket was opened by). An endpoint asks as the
    /// middleware reads it: by <c>[Authorize]</c>, a policy or a requirement, or the fallback policy for all.
    /// </summary>
    public static void UseAuthorizationWhereAsked(this WebApplication app)
    {
        var fallback = app.Services.GetRequiredService<IOptions<AuthorizationOptions>>().Value.FallbackPolicy;
        app.UseWhen(http => !Is(http) || fallback is not null || AsksForAuthorization(http.GetEndpoint()!),
            authorization => authorization.UseAuthorization());
        ((IApplicationBuilder)app).Properties[AuthorizationInPipeline] = true;
    }

    internal static bool AsksForAuthorization(Endpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IAuthorizeData>() is not null
        || endpoint.Metadata.GetMetadata<AuthorizationPolicy>() is not null
        || endpoint.Metadata.GetMetadata<IAuthorizationRequirementData>() is not null;

    // ASP.NET Core's keys, as UseAuthentication and UseAuthorization set them (see UseErrorPagesAndSignIn).
    private const string AuthenticationInPipeline = "__AuthenticationMiddlewareSet";
    private const string AuthorizationInPipeline = "__AuthorizationMiddlewareSet";

    // The header first: a request without cookies needs no cookie collection made to say so.
    private static bool CarriesCookie(HttpContext http, string name) =>
        http.Request.Headers.Cookie.Count > 0 && http.Request.Cookies.ContainsKey(name);
}
