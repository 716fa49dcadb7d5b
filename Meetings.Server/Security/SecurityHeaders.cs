using Microsoft.Extensions.Options;

namespace Meetings.Server.Security;

/// <summary>
/// The Content-Security-Policy, by directive. What the web client needs and nothing more: its own scripts and
/// WebAssembly ('wasm-unsafe-eval', no eval of JavaScript), its own styles (plus style attributes, which Blazor
/// sets), its own connections (the hub's WebSocket included). A feature that loads from elsewhere (a voice SDK, a
/// livestream) adds its origins with <c>builder.Services.Configure&lt;ContentSecurityPolicy&gt;(p =&gt; p.Add(...))</c>.
/// </summary>
public sealed class ContentSecurityPolicy
{
    private readonly Dictionary<string, List<string>> _sources = new()
    {
        ["default-src"] = ["'self'"],
        ["script-src"] = ["'self'", "'wasm-unsafe-eval'"],
        ["style-src"] = ["'self'"],
        ["style-src-attr"] = ["'unsafe-inline'"],
        ["img-src"] = ["'self'", "data:"],
        ["font-src"] = ["'self'"],
        ["connect-src"] = ["'self'"],
        ["object-src"] = ["'none'"],
        ["base-uri"] = ["'self'"],
        ["form-action"] = ["'self'"],
    };

    /// <summary>Origins allowed to frame the chamber display, <c>/display/{id}</c> (<c>Display:FrameAncestors</c>); every other page may be framed by none.</summary>
    public List<string> DisplayFrameAncestors { get; } = [];

    public ContentSecurityPolicy Add(string directive, params string[] sources)
    {
        if (!_sources.TryGetValue(directive, out var list)) _sources[directive] = list = [];
        list.AddRange(sources.Where(s => !list.Contains(s)));
        return this;
    }

    internal string Header(bool display)
    {
        var ancestors = display && DisplayFrameAncestors.Count > 0 ? string.Join(' ', DisplayFrameAncestors) : "'none'";
        return string.Join("; ", _sources.Select(d => $"{d.Key} {string.Join(' ', d.Value)}").Append($"frame-ancestors {ancestors}"));
    }

    /// <summary>An origin such as https://tv.city.gov, with nothing that could break out of the header.</summary>
    internal static string Origin(string value, string setting) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && uri.PathAndQuery == "/" && uri.UserInfo.Length == 0
            ? uri.GetLeftPart(UriPartial.Authority)
            : throw new InvalidOperationException($"{setting}: '{value}' is not an origin such as https://tv.city.gov.");
}

/// <summary>Sets the security headers on every response but a live socket's, errors included (they are added as the response starts).</summary>
internal sealed class SecurityHeaders(RequestDelegate next, IOptions<ContentSecurityPolicy> policy)
{
    private readonly string _page = policy.Value.Header(display: false);
    private readonly string _display = policy.Value.Header(display: true);

    public Task InvokeAsync(HttpContext http)
    {
        // A live socket's answer (101) is no page to protect, and its headers stay in memory as long as the screen.
        if (Live.LiveSockets.Is(http)) return next(http);
        var display = http.Request.Path.StartsWithSegments("/display");
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = display ? _display : _page;
            headers.XContentTypeOptions = "nosniff";
            // Confirmation and unsubscribe links carry a token in their address: never pass it on.
            headers["Referrer-Policy"] = "no-referrer";
            if (!display) headers.XFrameOptions = "DENY"; // for browsers that predate frame-ancestors
            return Task.CompletedTask;
        });
        return next(http);
    }
}

public static class SecurityHeadersRegistration
{
    public static IHostApplicationBuilder AddSecurityHeaders(this IHostApplicationBuilder builder)
    {
        var ancestors = SecurityRegistration.List(builder.Configuration.GetSection("Display:FrameAncestors"))
            .Select(a => ContentSecurityPolicy.Origin(a, "Display:FrameAncestors")).ToList();
        builder.Services.Configure<ContentSecurityPolicy>(p => p.DisplayFrameAncestors.AddRange(ancestors));
        return builder;
    }
}
