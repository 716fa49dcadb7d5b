using Meetings.Server.Live;
using Meetings.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;

namespace Meetings.Tests.Browser;

/// <summary>
/// After a server restart, a resident's open page is back in its meeting without a reload: the web client keeps
/// trying for as long as the page is open, joins again and catches up. The server stays down longer than a
/// client that gives up would try (the page's clock is moved on, so the test does not wait that long).
/// </summary>
[NonParallelizable]
public class ServerRestartTests
{
    private const string Chromium = DebianChromium.Path;
    private const float Timeout = 30_000;

    [Test]
    public async Task AResidentsPage_ComesBackByItself_AfterTheServerWasDownForMinutes_AndShowsWhatChangedMeanwhile()
    {
        Assert.That(File.Exists(Chromium), Is.True, "Chromium is missing: infra/test.sh installs Debian's chromium");
        var folder = TestHost.NewFolder();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var first = new TestHost(folder, clock);
        var address = first.BaseAddress;
        var meeting = await first.Anonymous().DemoMeeting();
        var id = meeting.Meeting.Id;

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await DebianChromium.LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new() { BaseURL = address.ToString() });
        context.SetDefaultTimeout(Timeout);
        var page = await context.NewPageAsync();
        var failedAttempts = 0;
        page.RequestFailed += (_, request) => { if (request.Url.Contains("/hubs/meeting", StringComparison.Ordinal)) Interlocked.Increment(ref failedAttempts); };
        await page.Clock.InstallAsync(); // the page's timers run as usual, and the test can move them on
        await page.GotoAsync($"/meetings/{id}");
        var heading = page.GetByRole(AriaRole.Heading, new() { Level = 1 });
        var banner = page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Connection lost" });
        var expect = new LocatorAssertionsToBeVisibleOptions { Timeout = Timeout };
        await Assertions.Expect(heading).ToContainTextAsync(meeting.Meeting.Title, new() { Timeout = Timeout });

        await page.EvaluateAsync("window.notReloaded = true");
        var broadcaster = first.Services.GetRequiredService<MeetingBroadcaster>();
        await Wait.Until(() => broadcaster.Watched.Contains(id), "the page joined the meeting live");
        Stop(first);
        await Assertions.Expect(banner).ToBeVisibleAsync(expect);
        // The first seconds: it tries again at most 1.5 s after each failure, so four more tries come within about six
        // seconds (SignalR's default waits 2, 10, then 30 s: two in the 15 s this waits), and a server restarted in a
        // few seconds has its screens back about a second after it is up.
        var tried = Volatile.Read(ref failedAttempts);
        await Wait.Until(() => Volatile.Read(ref failedAttempts) >= tried + 4, $"four more reconnections tried in the first seconds (from {tried})");
        // Minutes pass on the page while the server is down: each time, a reconnection is tried and fails.
        for (var minute = 0; minute < 5; minute++)
        {
            var before = Volatile.Read(ref failedAttempts);
            await page.Clock.FastForwardAsync("01:00");
            await Wait.Until(() => Volatile.Read(ref failedAttempts) > before, $"a reconnection tried in minute {minute + 1}");
        }

        // The server is back on the same address and data, and the meeting has moved on without this page.
        var second = new TestHost(folder, clock, port: address.Port);
        try
        {
            Assert.That(second.BaseAddress, Is.EqualTo(address));
            await using (var clerk = await LiveClient.ConnectAsync(second, Demo.Clerk, "clerk", id))
                await clerk.Do("StartMeeting", id);

            await Assertions.Expect(page.Locator(".badge.live")).ToHaveTextAsync("In session", new() { Timeout = Timeout });
            await Assertions.Expect(banner).ToBeHiddenAsync(new() { Timeout = Timeout });
            Assert.That(await page.EvaluateAsync<bool>("window.notReloaded === true"), Is.True, "the same page, never reloaded");
        }
        finally
        {
            Stop(second);
        }
    }

    private static void Stop(TestHost host)
    {
        try
        {
            host.Dispose();
        }
        catch (Exception e) when (e is OperationCanceledException || e is AggregateException a && a.InnerExceptions.All(i => i is OperationCanceledException))
        {
            // Hangfire's workers did not stop within the host's shutdown time on a busy machine; the web server is down
            // all the same (after the first host, the banner shows it).
        }
    }
}
