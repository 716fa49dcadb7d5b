using Meetings.Server.Errors;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.SignalR;

namespace Meetings.Server.Security;

/// <summary>
/// How much of a request body the server will read: 16 KB from anyone not signed in (a subscription, a sign-in
/// or a Twilio webhook is a few hundred bytes), 64 KB to the hub's endpoints (messages are at most 32 KB), 1 MB
/// from signed-in staff. An endpoint that takes more says so with <see cref="IRequestSizeLimitMetadata"/>. A body
/// declared too big is refused with 413 before any of it is read; one that grows too big while read, with 413
/// when it passes the limit. Nothing is buffered beyond the limit.
/// </summary>
public static class BodyLimits
{
    public const long Anonymous = 16 * 1024;
    public const long Hub = 64 * 1024;
    public const long SignedIn = 1024 * 1024;

    public static IHostApplicationBuilder AddBodyLimits(this IHostApplicationBuilder builder)
    {
        // The server-wide ceiling, in place of Kestrel's 30 MB; each request gets its own limit below it or, by metadata, above.
        builder.Services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = SignedIn);
        return builder;
    }

    /// <summary>
    /// Sets each request's body limit from who is asking and where; after authentication, so it knows who. The next
    /// step is handed on, not awaited: a hub's WebSocket request lasts as long as the screen, and an await here would
    /// hold this step's state for all that time, for every screen.
    /// </summary>
    public static void UseBodyLimits(this WebApplication app) => app.Use((http, next) =>
    {
        var size = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (size is null || size.IsReadOnly) return next(http);
        var metadata = http.GetEndpoint()?.Metadata;
        var limit = metadata?.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize
            ?? (metadata?.GetMetadata<HubMetadata>() is not null ? Hub
                : http.User.Identity?.IsAuthenticated == true ? SignedIn : Anonymous);
        size.MaxRequestBodySize = limit;
        if (http.Request.ContentLength is not { } declared || declared <= limit) return next(http);
        http.RequestServices.GetRequiredService<RefusalLog>().Refused($"{http.Request.Method} {http.Request.Path}", $"413 body of {declared} bytes");
        // The unread body stays on the wire: this connection cannot carry another request.
        http.Response.Headers.Connection = "close";
        return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge,
            title: $"The request is too large: at most {limit / 1024} KB here.").ExecuteAsync(http);
    });
}
