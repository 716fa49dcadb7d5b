using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Meetings.Server.Notices;

/// <summary>
/// The address links in notices point to: <c>PublicBaseUrl</c>, or in Development the address this server listens on.
/// Outside Development there is no guessing: a notice whose links would not work is not sent.
/// </summary>
public sealed class PublicAddress(IConfiguration config, IHostEnvironment environment, IServiceProvider services)
{
    public const string Missing = "Notices are not being sent: PublicBaseUrl is not set, so their links would not work. " +
                                  "Set PublicBaseUrl to this server's public address, such as https://meetings.city.gov.";

    /// <summary>The public base URL without a trailing slash, or null when notices cannot link anywhere that works.</summary>
    public string? BaseUrl =>
        config["PublicBaseUrl"]?.Trim().TrimEnd('/') is { Length: > 0 } configured ? configured
        : environment.IsDevelopment() ? Listening() : null;

    /// <summary>Why notices are not sent, in words for the clerk; null when they can be.</summary>
    public string? Problem => BaseUrl is null ? Missing : null;

    /// <summary>The host name, for the domain of Message-Ids.</summary>
    public string Host => BaseUrl is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Host : "localhost";

    private string? Listening()
    {
        var address = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is null) return null;
        // Kestrel names "all interfaces" as a wildcard; a link needs a host a browser can open.
        foreach (var any in new[] { "://+", "://*", "://0.0.0.0", "://[::]" })
            address = address.Replace(any, "://localhost", StringComparison.Ordinal);
        return address.TrimEnd('/');
    }
}

/// <summary>Says at start-up, once, when notices will not be sent for want of a public address.</summary>
internal sealed class PublicAddressCheck(PublicAddress address, IHostEnvironment environment, ILogger<PublicAddressCheck> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!environment.IsDevelopment() && address.Problem is { } problem) log.LogError("{Problem}", problem);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
