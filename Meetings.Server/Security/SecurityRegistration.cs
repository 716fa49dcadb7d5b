using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Meetings.Server.Security;

public static class SecurityRegistration
{
    /// <summary>
    /// What a server on the internet behind a reverse proxy needs: forwarded headers believed from the configured
    /// proxies only (<c>ForwardedHeaders:KnownProxies</c>, <c>ForwardedHeaders:KnownNetworks</c>; loopback when
    /// neither is set), HSTS, the security headers on every response, limits on request bodies, and per-address limits
    /// (429) for the policies each area names.
    /// </summary>
    public static IHostApplicationBuilder AddSecurity(this IHostApplicationBuilder builder)
    {
        var config = builder.Configuration.GetSection("ForwardedHeaders");
        var proxies = List(config.GetSection("KnownProxies"));
        var networks = List(config.GetSection("KnownNetworks"));
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = config.GetValue("ForwardLimit", 1);
            if (proxies.Count + networks.Count == 0) return; // the framework's default: loopback only
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in proxies)
                o.KnownProxies.Add(IPAddress.TryParse(proxy, out var a) ? a
                    : throw new InvalidOperationException($"ForwardedHeaders:KnownProxies: '{proxy}' is not an IP address."));
            foreach (var network in networks)
                o.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var n) ? n
                    : throw new InvalidOperationException($"ForwardedHeaders:KnownNetworks: '{network}' is not a network such as 10.0.0.0/8."));
        });
        builder.Services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(365);
            o.IncludeSubDomains = false; // the city's other sites are not ours to pin to HTTPS
        });
        builder.AddSecurityHeaders();
        builder.AddBodyLimits();
        builder.Services.AddPerAddressLimits();
        builder.Services.AddSingleton<CookieOrigins>();
        // Hangfire's dashboard checks an antiforgery token on every POST once the service exists, so no other site's page can post to it.
        builder.Services.AddAntiforgery();
        return builder;
    }

    /// <summary>Forwarded headers first (so everything after sees the real client and scheme), HSTS outside Development, the security headers.</summary>
    public static void UseSecurity(this WebApplication app)
    {
        app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment()) app.UseHsts();
        app.UseMiddleware<SecurityHeaders>();
    }

    /// <summary>
    /// What needs to know who is signed in, so after authentication: the origin check (<see cref="CookieOrigins"/>)
    /// and each request's body limit (<see cref="BodyLimits"/>).
    /// </summary>
    public static void UseSecurityAfterSignIn(this WebApplication app)
    {
        var origins = app.Services.GetRequiredService<CookieOrigins>();
        app.Use((http, next) => origins.InvokeAsync(http, next));
        app.UseBodyLimits();
    }

    /// <summary>A list setting given either as an array (<c>Key:0</c>, <c>Key:1</c>) or as one comma-separated value.</summary>
    internal static List<string> List(IConfigurationSection section) =>
        (section.Value is { } one ? one.Split(',') : section.GetChildren().Select(c => c.Value ?? ""))
        .Select(v => v.Trim()).Where(v => v.Length > 0).ToList();
}
