using Meetings.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Meetings.Tests.Live;

/// <summary>
/// A screen's WebSocket request lasts as long as the screen watches, so whatever the server makes for a request is held
/// ten thousand times over in a hearing. The server makes no logging scopes (no log line here prints them) and no
/// request activity (nothing here traces requests). What that is worth per idle viewer is measured by infra/bench.sh
/// and a heap dump (infra/bench/HISTORY.md), not here.
/// </summary>
public class IdleScreenTests
{
    [Test]
    public async Task ARequestHoldsNoLoggingScopeNorActivity()
    {
        using var host = new TestHost();
        using var http = host.Anonymous();
        await http.DemoMeeting();

        var filters = host.Services.GetRequiredService<IOptions<LoggerFilterOptions>>().Value;
        Assert.That(filters.CaptureScopes, Is.False, "logging scopes are not captured");
        // ASP.NET Core starts an Activity for each request while this category logs at any level (HostingApplicationDiagnostics).
        var hosting = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics");
        Assert.That(hosting.IsEnabled(LogLevel.Critical), Is.False, "the hosting's request log, which makes an Activity per request, is off");
    }
}
