using System.Text.Json;
using Meetings.Client.Contracts;
using Meetings.Tests.Support;
using Microsoft.Playwright;

namespace Meetings.Tests.Browser;

/// <summary>
/// Web speakers heard from the browser, end to end in Chromium: the resident's page with Twilio's Voice SDK replaced by
/// a stand-in (Twilio cannot be reached from here), the server with the fake Twilio API, and the clerk's console. What
/// Twilio would send (the browser's call, conference events) is sent as Twilio would, signed.
/// </summary>
[NonParallelizable]
public class WebSpeakerTests
{
    private const string Chromium = DebianChromium.Path;
    private static readonly string Artifacts = Path.Combine(Architecture.DomainPurityTests.SolutionFolder(), "artifacts");
    private const float Timeout = 30_000;

    private FakeTwilio _twilio = null!;
    private TestHost _host = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        Assert.That(File.Exists(Chromium), Is.True, "Chromium is missing: infra/test.sh installs Debian's chromium");
        _twilio = await FakeTwilio.StartAsync();
        _host = new TestHost(settings: _twilio.Settings);
        _playwright = await Playwright.CreateAsync();
        // A fake microphone (a tone), so the level meter has something to hear; permission is still the page's to ask.
        _browser = await DebianChromium.LaunchAsync(_playwright, "--use-fake-device-for-media-stream");
        Assertions.SetDefaultExpectTimeout(Timeout);
        Directory.CreateDirectory(Path.Combine(Artifacts, "screenshots"));
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        _host.Dispose();
        await _twilio.DisposeAsync();
    }

    private async Task<IPage> Open(string path, string? email = null, bool microphone = true)
    {
        var context = await _browser.NewContextAsync(new() { BaseURL = _host.BaseAddress.ToString(), ViewportSize = new() { Width = 1280, Height = 900 } });
        context.SetDefaultTimeout(Timeout);
        if (microphone) await context.GrantPermissionsAsync(["microphone"]);
        // The real SDK is what ships; here the page gets the stand-in at the same address.
        await context.RouteAsync("**/lib/twilio-voice-sdk/twilio.min.js", route => route.FulfillAsync(new()
        {
            ContentType = "text/javascript", Body = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Browser", "VoiceSdkStandIn.js")),
        }));
        var page = await context.NewPageAsync();
        // The page's own complaints, in the test's output when something goes wrong.
        page.Console += (_, message) => { if (message.Type is "error" or "warning" or "debug") TestContext.Progress.WriteLine($"[{path}] {message.Type}: {message.Text}"); };
        page.PageError += (_, error) => TestContext.Progress.WriteLine($"[{path}] page error: {error}");
        if (email is not null)
        {
            await page.GotoAsync("/signin");
            await page.GetByLabel("E-mail").FillAsync(email);
            await page.GetByLabel("Password").FillAsync(TestHost.Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).WaitForAsync();
        }
        await page.GotoAsync(path);
        return page;
    }

    private static async Task SignUp(IPage resident, string name)
    {
        var form = resident.GetByRole(AriaRole.Region, new() { Name = "Sign up to speak" });
        await form.GetByLabel("Name as you wish to be called").FillAsync(name);
        await form.GetByRole(AriaRole.Button, new() { Name = "Sign up to speak" }).ClickAsync();
        await Assertions.Expect(resident.GetByRole(AriaRole.Heading, new() { Name = "Speak from this browser" })).ToBeVisibleAsync();
    }

    /// <summary>The identity in the access token the page handed to the SDK.</summary>
    private static async Task<string> IdentityIn(IPage resident)
    {
        var token = await resident.EvaluateAsync<string>("window.__voice.tokens[window.__voice.tokens.length - 1]");
        var payload = token.Split('.')[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=');
        return JsonDocument.Parse(Convert.FromBase64String(payload)).RootElement.GetProperty("grants").GetProperty("identity").GetString()!;
    }

    /// <summary>The browser's call reaching the server through the TwiML App, and Twilio putting it in the conference.</summary>
    private async Task<FakeCaller> BrowserCalls(IPage resident, Guid meetingId)
    {
        var call = new FakeCaller(_host, $"CA{Guid.NewGuid():N}", "client:" + await IdentityIn(resident));
        var twiml = await call.Parsed("/phone/voice/browser", new Dictionary<string, string> { ["lang"] = "en" });
        Assert.That(twiml.Conference?.Value, Is.EqualTo($"meeting-{meetingId:N}"));
        await call.ConferenceEvent(meetingId, "participant-join", muted: true);
        return call;
    }

    [Test]
    public async Task AWebSpeaker_TestsTheMicrophone_JoinsFromTheBrowser_GetsTheFloor_AndTheClerkSeesEveryState()
    {
        var meeting = await _host.Anonymous().DemoMeeting();
        var id = meeting.Meeting.Id;
        var item = meeting.Agenda[2];
        await using (var setup = await LiveClient.ConnectAsync(_host, Demo.Clerk, "clerk", id))
        {
            await setup.OpenPublicComment(id, item.Id);
        }
        var clerk = await Open($"/clerk/{id}", Demo.Clerk);
        var rosa = await Open($"/meetings/{id}");
        var ana = await Open($"/meetings/{id}", microphone: false);
        var walt = await Open($"/meetings/{id}");

        // The microphone check, and a refused permission explained in plain words.
        await SignUp(rosa, "Rosa Delgado");
        await SignUp(ana, "Ana Ruiz");
        await SignUp(walt, "Walter Web");
        await Assertions.Expect(rosa.GetByText("Your microphone stays muted until the clerk gives you the floor", new() { Exact = false })).ToBeVisibleAsync();
        await rosa.GetByRole(AriaRole.Button, new() { Name = "Test your microphone" }).ClickAsync();
        await Assertions.Expect(rosa.GetByText("Your microphone works.")).ToBeVisibleAsync();
        Assert.That(await rosa.Locator("meter#micLevel").GetAttributeAsync("value"), Is.Not.EqualTo("0"), "the meter heard the fake microphone");
        await ana.GetByRole(AriaRole.Button, new() { Name = "Test your microphone" }).ClickAsync();
        await Assertions.Expect(ana.GetByText("Your browser did not let this page use your microphone", new() { Exact = false }).First).ToBeVisibleAsync();
        await Assertions.Expect(ana.GetByText("set Microphone to Allow", new() { Exact = false }).First).ToBeVisibleAsync();
        await ana.GetByRole(AriaRole.Button, new() { Name = "Join by browser audio" }).ClickAsync();
        await Assertions.Expect(ana.GetByRole(AriaRole.Alert).Filter(new() { HasText = "did not let this page use your microphone" })).ToBeVisibleAsync();

        // Joining: the page gets a token from the server and connects; Twilio calls the server; the clerk sees the line.
        await rosa.GetByRole(AriaRole.Button, new() { Name = "Join by browser audio" }).ClickAsync();
        await Assertions.Expect(rosa.GetByText("Listening in the browser. You are muted until the clerk gives you the floor.")).ToBeVisibleAsync();
        Assert.That(await IdentityIn(rosa), Does.Match($"^meeting_{id:N}_entry_[0-9a-f]{{32}}$"));
        Assert.That(await rosa.EvaluateAsync<string>("window.__voice.connects[0].params.lang"), Is.EqualTo("en"));
        var rosaCall = await BrowserCalls(rosa, id);
        var queue = clerk.GetByRole(AriaRole.List, new() { Name = "Speaker queue" });
        var rosaRow = queue.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Rosa Delgado" });
        await Assertions.Expect(rosaRow.GetByText("listening in the browser")).ToBeVisibleAsync();

        // Twilio is failing when the clerk gives the floor: "unmute pending", said beside the countdown, until it works.
        _twilio.FailWith = System.Net.HttpStatusCode.ServiceUnavailable;
        await rosaRow.GetByRole(AriaRole.Button, new() { Name = "Start turn" }).ClickAsync();
        await Assertions.Expect(clerk.GetByText("Unmute pending:", new() { Exact = false })).ToBeVisibleAsync();
        await Assertions.Expect(rosa.GetByRole(AriaRole.Heading, new() { Name = "You have the floor" })).ToBeVisibleAsync();
        await Assertions.Expect(rosa.GetByRole(AriaRole.Region, new() { Name = "Sign up to speak" }).GetByRole(AriaRole.Timer)).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[23]:[0-5][0-9]$"));
        _twilio.FailWith = null;
        _host.Clock.Advance(Meetings.Server.Phone.PhoneSync.RetryInterval);
        await Assertions.Expect(clerk.GetByRole(AriaRole.Region, new() { Name = "Speaker", Exact = true }).GetByText("connected", new() { Exact = true })).ToBeVisibleAsync();
        Assert.That(_twilio.ParticipantUpdates(rosaCall.CallSid)[^1].Form["Muted"], Is.EqualTo("false"), "the browser's call unmuted");
        await Assertions.Expect(rosa.GetByText("Your microphone is on. Speak now.")).ToBeVisibleAsync();
        await rosa.ScreenshotAsync(new() { Path = Path.Combine(Artifacts, "screenshots", "resident-web-speaker.png"), FullPage = true });

        await clerk.GetByRole(AriaRole.Button, new() { Name = "End turn (E)" }).ClickAsync();
        await Wait.Until(() => _twilio.ParticipantUpdates(rosaCall.CallSid)[^1].Form["Muted"] == "true", "the browser muted again");
        await Assertions.Expect(rosa.GetByRole(AriaRole.Heading, new() { Name = "Speak from this browser" })).ToHaveCountAsync(0);
        Assert.That(await rosa.EvaluateAsync<int>("window.__voice.destroyed"), Is.GreaterThan(0), "the page left the call when the turn was over");

        // A browser that drops: the clerk sees it and calls the next speaker instead.
        await walt.GetByRole(AriaRole.Button, new() { Name = "Join by browser audio" }).ClickAsync();
        await Assertions.Expect(walt.GetByText("Listening in the browser", new() { Exact = false })).ToBeVisibleAsync();
        var waltCall = await BrowserCalls(walt, id);
        await walt.EvaluateAsync("window.__voice.drop()");
        await waltCall.ConferenceEvent(id, "participant-leave", muted: true, participantCallStatus: "completed");
        await Assertions.Expect(walt.GetByText("The audio connection ended.")).ToBeVisibleAsync();
        var waltRow = queue.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Walter Web" });
        await Assertions.Expect(waltRow.GetByText("dropped")).ToBeVisibleAsync();
        await clerk.ScreenshotAsync(new() { Path = Path.Combine(Artifacts, "screenshots", "clerk-web-speakers.png"), FullPage = true });
        await waltRow.GetByRole(AriaRole.Button, new() { Name = "Call next instead" }).ClickAsync();
        await Assertions.Expect(queue.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Walter Web" })).ToHaveCountAsync(0);
        await Assertions.Expect(queue.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Ana Ruiz" }).GetByText("Next")).ToBeVisibleAsync();
    }
}
