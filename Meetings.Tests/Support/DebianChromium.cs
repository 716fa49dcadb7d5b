using Microsoft.Playwright;

namespace Meetings.Tests.Support;

/// <summary>Debian's Chromium (infra/test.sh installs it), headless and quiet, as every browser test launches it.</summary>
public static class DebianChromium
{
    public const string Path = "/usr/bin/chromium";

    /// <summary>Launches it, with <paramref name="more"/> switches beside the usual ones (no sandbox, GPU, QUIC or background traffic).</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright, params string[] more) => playwright.Chromium.LaunchAsync(new()
    {
        ExecutablePath = Path, Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", .. more],
    });
}
