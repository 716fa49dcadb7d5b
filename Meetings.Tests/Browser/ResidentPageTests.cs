using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Meetings.Tests.Support;
using Microsoft.Playwright;

namespace Meetings.Tests.Browser;

/// <summary>
/// The resident page as the server renders it (<c>/meetings/{id}</c>): readable in Chromium with JavaScript switched
/// off, in the reader's language, with names the clerk withheld kept out of it.
/// </summary>
[NonParallelizable]
public class ResidentPageTests
{
    private const string Chromium = DebianChromium.Path;
    private static readonly string Artifacts = Path.Combine(Architecture.DomainPurityTests.SolutionFolder(), "artifacts");
    private const float Timeout = 20_000;

    private TestHost _host = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private Guid _meetingId;
    private string _itemTitle = "";

    [OneTimeSetUp]
    public async Task Start()
    {
        Assert.That(File.Exists(Chromium), Is.True, "Chromium is missing: infra/test.sh installs Debian's chromium");
        Assertions.SetDefaultExpectTimeout(Timeout);
        _host = new TestHost();
        _playwright = await Playwright.CreateAsync();
        _browser = await DebianChromium.LaunchAsync(_playwright);

        // A meeting under way: item 3 taken up, two speakers in line (one whose name the clerk hid), the first speaking.
        var meeting = await _host.Anonymous().DemoMeeting();
        _meetingId = meeting.Meeting.Id;
        var item = meeting.Agenda.Single(a => a.Number == "3");
        _itemTitle = item.Title;
        await using var clerk = await LiveClient.ConnectAsync(_host, Demo.Clerk, "clerk", _meetingId);
        await clerk.OpenPublicComment(_meetingId, item.Id);
        var walter = await clerk.Invoke<Guid>("AddRoomSpeaker", _meetingId, item.Id, "Walter Card", null, false);
        var hidden = await clerk.Invoke<Guid>("AddRoomSpeaker", _meetingId, item.Id, "Withheld Q. Name", null, false);
        await clerk.Do("HideSpeakerName", _meetingId, hidden, "not a name");
        await clerk.Do("StartTurn", _meetingId, walter);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        _host.Dispose();
    }

    private async Task<IPage> OpenWithoutScript(string path, string? acceptLanguage = null)
    {
        var context = await _browser.NewContextAsync(new()
        {
            BaseURL = _host.BaseAddress.ToString(), JavaScriptEnabled = false, ViewportSize = new() { Width = 360, Height = 740 },
            Locale = acceptLanguage,
        });
        context.SetDefaultTimeout(Timeout);
        var page = await context.NewPageAsync();
        await page.GotoAsync(path);
        return page;
    }

    [Test]
    public async Task TheResidentPage_ReadsWithoutJavaScript_TitleCurrentItemAndSpeaker()
    {
        var page = await OpenWithoutScript($"/meetings/{_meetingId}");

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Regular Meeting of the City Council");
        var now = page.GetByRole(AriaRole.Region, new() { Name = "Current item" });
        await Assertions.Expect(now).ToContainTextAsync($"3. {_itemTitle}");
        await Assertions.Expect(now.Locator("strong")).ToHaveTextAsync("Walter Card");
        await Assertions.Expect(now.GetByRole(AriaRole.Timer)).ToHaveTextAsync(new Regex("^[0-9]+:[0-5][0-9]$"));
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("In session");
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Agenda" }).Locator("li[aria-current=true] .number")).ToHaveTextAsync("3");
        var queue = page.GetByRole(AriaRole.Region, new() { Name = "Speakers" });
        await Assertions.Expect(queue.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Walter Card" })).ToHaveCountAsync(1);
        await Assertions.Expect(queue.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Name withheld" })).ToHaveCountAsync(1);
        Assert.That(await page.ContentAsync(), Does.Not.Contain("Withheld Q. Name"), "a name the clerk hid is nowhere in the page");
        // With no script to send them, the forms stay hidden and the page says how else to take part.
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign up to speak" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByText("need JavaScript", new() { Exact = false }).First).ToBeVisibleAsync();
        Assert.That(await page.EvaluateAsync<int>("document.documentElement.scrollWidth"), Is.LessThanOrEqualTo(360), "fits 360 px");
    }

    [Test]
    public async Task TheResidentPage_SpeaksTheLanguageAsked_AndKeepsTheChoice()
    {
        var page = await OpenWithoutScript($"/meetings/{_meetingId}?lang=es");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "es");
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Tema actual" })).ToContainTextAsync("Walter Card");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("En sesión");

        // The choice is kept: the same browser comes back without ?lang= and still reads Spanish; English is one link away.
        await page.GotoAsync($"/meetings/{_meetingId}");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("En sesión");
        await page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("In session");

        // A first visit follows the browser's language.
        var spanishBrowser = await OpenWithoutScript($"/meetings/{_meetingId}", acceptLanguage: "es-MX");
        await Assertions.Expect(spanishBrowser.Locator("#status")).ToHaveTextAsync("En sesión");
    }

    /// <summary>
    /// A phone on a weak connection (Chromium's throttling through the DevTools protocol: 1.6 Mbit/s down, 750 kbit/s up,
    /// 150 ms round trip) opens the page, reads it, signs up and sees the clerk's next change. Bytes are asserted (they
    /// depend on the build, not on the machine's speed); the times are only written down, to artifacts/resident-page.txt,
    /// for infra/resident-page-bench.sh and the README.
    /// </summary>
    [Test]
    public async Task TheResidentPage_OnAThrottledPhone_StaysWithinItsByteBudgets_AndSignsUp()
    {
        var context = await _browser.NewContextAsync(new() { BaseURL = _host.BaseAddress.ToString(), ViewportSize = new() { Width = 360, Height = 740 } });
        context.SetDefaultTimeout(Timeout);
        var page = await context.NewPageAsync();
        var cdp = await context.NewCDPSessionAsync(page);
        long wire = 0;
        var paths = new List<string>();
        cdp.Event("Network.requestWillBeSent").OnEvent += (_, e) => { lock (paths) paths.Add(e!.Value.GetProperty("request").GetProperty("url").GetString()!); };
        cdp.Event("Network.loadingFinished").OnEvent += (_, e) => Interlocked.Add(ref wire, (long)e!.Value.GetProperty("encodedDataLength").GetDouble());
        await cdp.SendAsync("Network.enable");
        await cdp.SendAsync("Network.emulateNetworkConditions", new()
        {
            ["offline"] = false, ["latency"] = 150, ["downloadThroughput"] = 1_600_000 / 8, ["uploadThroughput"] = 750_000 / 8,
        });

        var watch = Stopwatch.StartNew();
        await page.GotoAsync($"/meetings/{_meetingId}", new() { WaitUntil = WaitUntilState.Commit });
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Regular Meeting of the City Council");
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Current item" }).Locator("strong")).ToHaveTextAsync("Walter Card");
        var titleShown = watch.ElapsedMilliseconds;
        var name = page.GetByRole(AriaRole.Region, new() { Name = "Sign up to speak" }).GetByLabel("Name as you wish to be called");
        await Assertions.Expect(name).ToBeVisibleAsync();
        var canSignUp = watch.ElapsedMilliseconds;
        // The first paint and what had arrived by then (the document, and the resources finished before it).
        var paint = await page.EvaluateAsync<double[]>("""
            () => {
              const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Infinity;
              const page = performance.getEntriesByType('navigation')[0];
              const before = performance.getEntriesByType('resource').filter(r => r.responseEnd <= fcp).reduce((sum, r) => sum + r.transferSize, page.transferSize);
              return [fcp, before];
            }
            """);

        await name.FillAsync("Teresa Throttled");
        watch.Restart();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign up to speak" }).ClickAsync();
        await Assertions.Expect(page.GetByText("You are in line. Your place:", new() { Exact = false })).ToBeVisibleAsync();
        var signedUp = watch.ElapsedMilliseconds;
        await using (var clerk = await LiveClient.ConnectAsync(_host, Demo.Clerk, "clerk", _meetingId))
        {
            watch.Restart();
            await clerk.Invoke<Guid>("AddRoomSpeaker", _meetingId, clerk.Snapshot.CurrentItemId, "Late Card", null, false);
            await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Speakers" })).ToContainTextAsync("Late Card");
        }
        var updated = watch.ElapsedMilliseconds;
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        var figures = new[]
        {
            $"resident page, throttled 1.6 Mbit/s down / 150 ms RTT, {DateTimeOffset.UtcNow:yyyy-MM-dd} on {Environment.MachineName} ({Environment.ProcessorCount} cores)",
            $"bytes before first content: {paint[1]:0}",
            $"bytes in the whole first visit (joined, signed up, one update): {Interlocked.Read(ref wire)}",
            $"first contentful paint: {paint[0]:0} ms",
            $"title, current item and speaker visible: {titleShown} ms after navigation",
            $"sign-up form ready (hub joined): {canSignUp} ms after navigation",
            $"sign-up confirmed: {signedUp} ms after the click",
            $"clerk's change shown: {updated} ms after the command",
        };
        Directory.CreateDirectory(Artifacts);
        await File.WriteAllLinesAsync(Path.Combine(Artifacts, "resident-page.txt"), figures);
        TestContext.Progress.WriteLine(string.Join(Environment.NewLine, figures));

        lock (paths) Assert.That(paths.Where(p => p.Contains("/_framework/", StringComparison.Ordinal)), Is.Empty, "no WebAssembly for a resident");
        Assert.That(paint[1], Is.LessThanOrEqualTo(300_000), "bytes before first content");
        Assert.That(Interlocked.Read(ref wire), Is.LessThan(2_000_000), "bytes in the whole first visit");
    }

    [Test]
    public async Task AMeetingThatDoesNotExist_IsA404Page_NotTheApp()
    {
        using var client = _host.Anonymous();
        var response = await client.GetAsync($"/meetings/{Guid.NewGuid()}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("This meeting could not be opened."));
    }
}
