using Deque.AxeCore.Playwright;
using Meetings.Tests.Support;
using Microsoft.Playwright;

namespace Meetings.Tests.Records;

/// <summary>The clerk's minutes page in Debian's Chromium: write a narrative, approve, read the version, in both languages.</summary>
[NonParallelizable]
public class MinutesPageTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Test]
    public async Task TheClerk_WritesANarrative_AndApprovesTheMinutes_FromTheMinutesPage()
    {
        Assert.That(File.Exists(Chromium), Is.True, "Chromium is missing: infra/test.sh installs Debian's chromium");
        var m = ScriptedMeetingSetUp.Meeting;
        using var fork = m.Fork();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox", "--disable-gpu"] });
        var context = await browser.NewContextAsync(new() { BaseURL = fork.BaseAddress.ToString(), ViewportSize = new() { Width = 1280, Height = 900 } });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signin");
        await page.GetByLabel("E-mail").FillAsync(Demo.Clerk);
        await page.GetByLabel("Password").FillAsync(TestHost.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).WaitForAsync();

        // From the console of the adjourned meeting to its minutes.
        await page.GotoAsync($"/clerk/{m.Id}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Minutes" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Minutes");
        var narrative = page.GetByLabel("Narrative for item 6");
        await narrative.FillAsync("Staff presented the adjustment.");
        await page.GetByRole(AriaRole.Region, new() { Name = "6. Adopt the mid-year budget adjustment for fiscal year 2026-27" })
            .GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Saved." })).ToBeVisibleAsync();
        Assert.That((await page.RunAxe()).Violations.Where(v => v.Impact is "serious" or "critical").Select(v => v.Id), Is.Empty);

        await page.GetByRole(AriaRole.Button, new() { Name = "Approve the minutes" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Version 1, approved") })).ToBeVisibleAsync();
        Assert.That(await fork.Anonymous().GetStringAsync($"/api/meetings/{m.Id}/minutes?format=md"), Does.Contain("Staff presented the adjustment."));
        await page.EvaluateAsync("window.scrollTo(0, 0)");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Architecture.DomainPurityTests.SolutionFolder(), "artifacts", "screenshots", "clerk-minutes.png"), FullPage = false });

        // The same page in Spanish.
        await page.GetByRole(AriaRole.Button, new() { Name = "Español" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Acta");
        await Assertions.Expect(page.GetByLabel("Narración del tema 6")).ToHaveValueAsync("Staff presented the adjustment.");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Aprobar el acta corregida" })).ToBeVisibleAsync();
    }
}
