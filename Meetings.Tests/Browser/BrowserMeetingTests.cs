using System.Diagnostics;
using Deque.AxeCore.Playwright;
using Meetings.Tests.Support;
using Microsoft.Playwright;

namespace Meetings.Tests.Browser;

/// <summary>
/// The web client in Debian's Chromium, driven by Playwright: a clerk, three officials, two residents and the
/// chamber display, each in a browser context of their own, run a meeting from roll call to adjournment.
/// Every view is checked with axe-core and saved as a screenshot.
/// </summary>
[NonParallelizable]
public class BrowserMeetingTests
{
    private const string Chromium = DebianChromium.Path;
    private static readonly string Artifacts = Path.Combine(Architecture.DomainPurityTests.SolutionFolder(), "artifacts");
    private static readonly float Timeout = 20_000;

    private TestHost _host = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private readonly List<string> _timings = [];
    private readonly List<string> _cspViolations = [];

    [OneTimeSetUp]
    public async Task Start()
    {
        Assert.That(File.Exists(Chromium), Is.True, "Chromium is missing: infra/test.sh installs Debian's chromium");
        // A debug build of the client is large and a busy machine loads it slowly: every expectation waits as long as an action.
        Assertions.SetDefaultExpectTimeout(Timeout);
        _host = new TestHost();
        _playwright = await Playwright.CreateAsync();
        _browser = await DebianChromium.LaunchAsync(_playwright);
        Directory.CreateDirectory(Path.Combine(Artifacts, "screenshots"));
        // A shared, busy machine can take more than Playwright's five seconds to bring up a WebAssembly page.
        Assertions.SetDefaultExpectTimeout(Timeout);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await File.WriteAllLinesAsync(Path.Combine(Artifacts, "browser-timings.txt"), _timings);
        await _browser.DisposeAsync();
        _playwright.Dispose();
        _host.Dispose();
    }

    private async Task<IPage> Open(string path, string? email = null, int width = 1280, int height = 900)
    {
        var context = await _browser.NewContextAsync(new() { BaseURL = _host.BaseAddress.ToString(), ViewportSize = new() { Width = width, Height = height } });
        context.SetDefaultTimeout(Timeout);
        await WatchForCspViolations(context);
        var page = await context.NewPageAsync();
        page.PageError += (_, e) => TestContext.Progress.WriteLine($"[{path}] page error: {e}");
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

    /// <summary>Every Content-Security-Policy violation a page reports (its securitypolicyviolation event, or the console's words), kept for the test's end.</summary>
    private async Task WatchForCspViolations(IBrowserContext context)
    {
        await context.ExposeBindingAsync("meetingsCspViolation", (BindingSource source, string what) =>
        {
            lock (_cspViolations) _cspViolations.Add($"{source.Page?.Url}: {what}");
        });
        await context.AddInitScriptAsync(
            "document.addEventListener('securitypolicyviolation', e => window.meetingsCspViolation(`${e.violatedDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`));");
        context.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
                lock (_cspViolations) _cspViolations.Add($"console: {message.Text}");
        };
    }

    private static async Task Accessible(IPage page, string view)
    {
        var results = await page.RunAxe();
        var serious = results.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{view}: {v.Id} ({v.Impact}) {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Html))}").ToList();
        Assert.That(serious, Is.Empty);
    }

    private static Task<byte[]> Shot(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts, "screenshots", $"{name}.png"), FullPage = true });

    /// <summary>Clicks on one screen and measures until another screen shows the result.</summary>
    private async Task Timed(string what, Func<Task> act, ILocator appears)
    {
        var watch = Stopwatch.StartNew();
        await act();
        await Assertions.Expect(appears).ToBeVisibleAsync(new() { Timeout = Timeout });
        _timings.Add($"{what}: {watch.ElapsedMilliseconds} ms");
    }

    [Test]
    public async Task AMeetingRunsInTheBrowser_FromRollCallToAdjournment_OnEveryScreen()
    {
        var meeting = await _host.Anonymous().DemoMeeting();
        var id = meeting.Meeting.Id;

        var clerk = await Open($"/clerk/{id}", Demo.Clerk, 1280, 800);
        var mayor = await Open($"/official/{id}", Demo.Mayor, 1024, 768);
        var okafor = await Open($"/official/{id}", "okafor@demo.city", 1024, 768);
        var tran = await Open($"/official/{id}", "tran@demo.city", 1024, 768);
        var bytes = 0L;
        var residentA = await OpenMeasured($"/meetings/{id}", b => bytes += b);
        var residentB = await Open($"/meetings/{id}", width: 360, height: 740);
        var display = await Open($"/display/{id}");
        _timings.Add($"resident first visit: {bytes} bytes transferred (this build)");

        await Assertions.Expect(clerk.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Clerk console");
        await Assertions.Expect(residentA.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Regular Meeting of the City Council");
        await Assertions.Expect(display.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Regular Meeting");
        await Assertions.Expect(residentA.GetByRole(AriaRole.Heading, new() { Name = "Motions and votes" })).ToHaveCountAsync(0);
        Assert.That(await residentB.EvaluateAsync<string[]>(TitlesBesideNumbers), Is.Empty, "at 360 px, long titles wrap beside their numbers");
        var narrowDisplay = await Open($"/display/{id}", width: 360, height: 740);
        await Assertions.Expect(narrowDisplay.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
        Assert.That(await narrowDisplay.EvaluateAsync<int>("document.documentElement.scrollWidth"), Is.LessThanOrEqualTo(360), "the chamber display fits 360 px");

        // Call to order and roll call.
        await Timed("call to order → display", () => clerk.GetByRole(AriaRole.Button, new() { Name = "Call to order" }).ClickAsync(),
            display.GetByText("In session"));
        await clerk.Locator("body").PressAsync("r");
        var roll = clerk.GetByRole(AriaRole.Dialog, new() { Name = "Roll call" });
        await roll.GetByLabel("Presence of Priya Natarajan").SelectOptionAsync("Absent");
        await roll.GetByRole(AriaRole.Button, new() { Name = "Record roll call" }).ClickAsync();
        await Assertions.Expect(roll).ToHaveCountAsync(0);
        await Assertions.Expect(display.GetByText("Quorum: 4 present, 3 needed")).ToBeVisibleAsync();
        await Assertions.Expect(clerk.GetByText("Quorum: 4 present, 3 needed")).ToBeVisibleAsync();

        // Public comment: residents sign up from the web; the clerk adds a card and runs the queue by keyboard.
        await clerk.GetByRole(AriaRole.Button, new() { Name = "Take up 3" }).ClickAsync();
        await clerk.GetByRole(AriaRole.Button, new() { Name = "Open public comment" }).ClickAsync();
        await Assertions.Expect(residentA.GetByRole(AriaRole.Heading, new() { Name = "Sign up to speak" })).ToBeVisibleAsync();
        var signUpA = residentA.GetByRole(AriaRole.Region, new() { Name = "Sign up to speak" });
        await signUpA.GetByLabel("Name as you wish to be called").FillAsync("Rosa Delgado");
        await signUpA.GetByLabel("Your position (optional)").SelectOptionAsync("Support");
        await signUpA.GetByRole(AriaRole.Button, new() { Name = "Sign up to speak" }).ClickAsync();
        await Assertions.Expect(residentA.GetByText("You are in line. Your place: 1.")).ToBeVisibleAsync();

        await residentB.GetByRole(AriaRole.Link, new() { Name = "Español" }).ClickAsync();
        var signUpB = residentB.GetByRole(AriaRole.Region, new() { Name = "Inscribirse para hablar" });
        await signUpB.GetByLabel("Nombre con el que desea que le llamen").FillAsync("Ana Ruiz");
        await signUpB.GetByLabel("Usaré intérprete (el doble de tiempo)").CheckAsync();
        await signUpB.GetByRole(AriaRole.Button, new() { Name = "Inscribirse para hablar" }).ClickAsync();
        await Assertions.Expect(residentB.GetByText("Está en la fila. Su lugar: 2.")).ToBeVisibleAsync();

        await clerk.GetByLabel("Name on the speaker card").FillAsync("Walter Card");
        await clerk.GetByLabel("Name on the speaker card").PressAsync("Enter");
        await Assertions.Expect(clerk.GetByText("3. Walter Card")).ToBeVisibleAsync();
        await clerk.GetByRole(AriaRole.Button, new() { Name = "Move Walter Card up" }).ClickAsync();
        await Assertions.Expect(clerk.GetByText("2. Walter Card")).ToBeVisibleAsync();
        // Dragging a speaker onto another puts them in that place.
        var queue = clerk.GetByRole(AriaRole.List, new() { Name = "Speaker queue" });
        await queue.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Ana Ruiz" })
            .DragToAsync(queue.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Walter Card" }));
        await Assertions.Expect(clerk.GetByText("2. Ana Ruiz")).ToBeVisibleAsync();
        await Assertions.Expect(clerk.GetByText("3. Walter Card")).ToBeVisibleAsync();
        await Assertions.Expect(residentB.GetByText("Está en la fila. Su lugar: 2.")).ToBeVisibleAsync();
        // A written comment waits for the clerk; released, every resident sees it.
        var written = residentA.GetByRole(AriaRole.Region, new() { Name = "Leave a written comment" });
        await written.GetByLabel("Name as you wish to be called").FillAsync("Rosa Delgado");
        await written.GetByLabel("Comment").FillAsync("Please keep the branch library open on Sundays.");
        await written.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        var moderation = clerk.Locator("summary", new() { HasText = "Moderation" });
        await Assertions.Expect(moderation).ToContainTextAsync("1 waiting");
        await moderation.ClickAsync();
        await Assertions.Expect(clerk.GetByText("Please keep the branch library open on Sundays.")).ToBeVisibleAsync();
        await Assertions.Expect(residentB.GetByText("Please keep the branch library open on Sundays.")).ToHaveCountAsync(0);
        await Shot(clerk, "clerk-console");

        // A busy meeting: twenty more cards. The console still fits a 1280 × 800 laptop without the page scrolling.
        await using (var desk = await LiveClient.ConnectAsync(_host, Demo.Clerk, "clerk's desk", id))
            for (var i = 1; i <= 20; i++)
                await desk.Invoke<Guid>("AddRoomSpeaker", id, meeting.Agenda.Single(a => a.Number == "3").Id, $"Card speaker {i}", null, false);
        await Assertions.Expect(clerk.GetByText("23. Card speaker 20")).ToBeAttachedAsync();
        var page = await clerk.EvaluateAsync<int[]>("[document.documentElement.scrollWidth, document.documentElement.scrollHeight, innerWidth, innerHeight]");
        Assert.That((page[0], page[1]), Is.EqualTo((page[2], page[3])), "no page scroll at 1280 × 800 with 23 speakers in line");
        await clerk.Locator("body").PressAsync("?");
        var help = clerk.GetByRole(AriaRole.Dialog, new() { Name = "Keyboard shortcuts" });
        await Assertions.Expect(help).ToContainTextAsync("Take up the next agenda item");
        await Accessible(clerk, "clerk console, keys");
        await clerk.Locator("body").PressAsync("Escape");
        await Assertions.Expect(help).ToHaveCountAsync(0);
        await clerk.ScreenshotAsync(new() { Path = Path.Combine(Artifacts, "screenshots", "clerk-console.png") });
        await Accessible(clerk, "clerk console");
        await clerk.GetByRole(AriaRole.Button, new() { Name = "Release the comment of Rosa Delgado" }).ClickAsync();
        await Assertions.Expect(residentB.GetByText("Please keep the branch library open on Sundays.")).ToBeVisibleAsync();

        // The chamber display names a speaker only once the clerk calls them.
        await Assertions.Expect(display.GetByText("Rosa Delgado")).ToHaveCountAsync(0);
        await clerk.Locator("body").PressAsync("n");
        await Assertions.Expect(display.GetByText("Next: Rosa Delgado")).ToBeVisibleAsync();
        await Assertions.Expect(display.GetByText("Ana Ruiz")).ToHaveCountAsync(0);
        await Timed("start turn (keyboard) → display", () => clerk.Locator("body").PressAsync("s"), display.GetByText("Speaking: Rosa Delgado"));
        await Assertions.Expect(display.GetByRole(AriaRole.Timer)).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[23]:[0-5][0-9]$"));
        await Assertions.Expect(residentA.GetByRole(AriaRole.Status).Filter(new() { HasText = "It is your turn to speak." })).ToHaveCountAsync(1);
        await Shot(display, "chamber-display-speaker");
        await Shot(residentA, "resident-live");
        await Shot(residentB, "resident-phone-360px-spanish");
        await Accessible(residentA, "resident view");
        await Accessible(residentB, "resident view, 360 px, Spanish");
        await NoEnglishLeft(residentB, "resident view, Spanish");

        // P pauses and resumes the turn; + gives thirty seconds more.
        await clerk.Locator("body").PressAsync("p");
        await Assertions.Expect(clerk.GetByRole(AriaRole.Button, new() { Name = "Resume (P)" })).ToBeVisibleAsync();
        await clerk.Locator("body").PressAsync("p");
        await Assertions.Expect(clerk.GetByRole(AriaRole.Button, new() { Name = "Pause (P)" })).ToBeVisibleAsync();
        await clerk.Locator("body").PressAsync("+");
        await Wait.Until(async () => (await Journal(id)).Any(e => e.Type == "TurnExtended" && e.Payload.GetProperty("seconds").GetInt32() == 30), "thirty seconds more");
        Assert.That((await Journal(id)).TakeLast(3).Select(e => e.Type), Is.EqualTo(new[] { "TurnPaused", "TurnResumed", "TurnExtended" }));

        await clerk.GetByRole(AriaRole.Button, new() { Name = "End turn (E)" }).ClickAsync();
        await Assertions.Expect(display.GetByText("Rosa Delgado")).ToHaveCountAsync(0);

        // A resident whose connection drops sees a banner, and once it is back, what changed meanwhile.
        await using (var cutOff = await CutOffable($"/meetings/{id}"))
        {
            // The server's HTML shows the line at once; the page is live once its script has joined and opened the form.
            await Assertions.Expect(cutOff.Page.GetByText("Walter Card")).ToBeVisibleAsync();
            await Assertions.Expect(cutOff.Page.GetByRole(AriaRole.Region, new() { Name = "Sign up to speak" }).GetByLabel("Name as you wish to be called")).ToBeVisibleAsync();
            await cutOff.DropAsync();
            await Assertions.Expect(cutOff.Page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Connection lost. Reconnecting" })).ToBeVisibleAsync();
            await clerk.GetByLabel("Name on the speaker card").FillAsync("Dora Dropped");
            await clerk.GetByLabel("Name on the speaker card").PressAsync("Enter");
            await Assertions.Expect(residentA.GetByText("Dora Dropped")).ToBeVisibleAsync();
            await Assertions.Expect(cutOff.Page.GetByText("Dora Dropped")).ToHaveCountAsync(0);
            cutOff.Restore();
            await Assertions.Expect(cutOff.Page.GetByText("Dora Dropped")).ToBeVisibleAsync();
            await Assertions.Expect(cutOff.Page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Connection lost" })).ToHaveCountAsync(0);
        }

        // An action item: a motion from a tablet, a second, a vote with a changed mind.
        await clerk.GetByRole(AriaRole.Button, new() { Name = "Take up 6" }).ClickAsync();
        await mayor.GetByRole(AriaRole.Textbox, new() { Name = "Motion" }).FillAsync("Adopt the mid-year budget adjustment");
        await mayor.GetByRole(AriaRole.Button, new() { Name = "Move", Exact = true }).ClickAsync();
        await okafor.GetByRole(AriaRole.Button, new() { Name = "Second the motion: Adopt the mid-year budget adjustment" }).ClickAsync();
        await clerk.GetByRole(AriaRole.Button, new() { Name = "Open the vote" }).ClickAsync();

        await Vote(mayor, "Aye");
        await Vote(okafor, "Nay");
        await Vote(tran, "Aye");
        await Assertions.Expect(display.GetByText("2 aye, 1 nay, 0 abstain", new() { Exact = false }).Last).ToBeVisibleAsync();
        await Vote(okafor, "Aye");
        await Assertions.Expect(okafor.GetByText("Your vote: Aye")).ToBeVisibleAsync();
        await Shot(mayor, "official-tablet");
        await Accessible(mayor, "official tablet");
        // A chamber display (the web client) whose connection drops comes back, with Rejoin from the sequence it
        // holds, to what changed meanwhile.
        await using (var cutOffDisplay = await CutOffable($"/display/{id}"))
        {
            await Assertions.Expect(cutOffDisplay.Page.GetByText("3 aye, 0 nay, 0 abstain", new() { Exact = false }).Last).ToBeVisibleAsync();
            await cutOffDisplay.DropAsync();
            await Timed("close vote → display result", () => clerk.GetByRole(AriaRole.Button, new() { Name = "Close the vote" }).ClickAsync(),
                display.GetByText("Adopt the mid-year budget adjustment — Passed"));
            await Assertions.Expect(cutOffDisplay.Page.GetByText("Adopt the mid-year budget adjustment — Passed")).ToHaveCountAsync(0);
            cutOffDisplay.Restore();
            await Assertions.Expect(cutOffDisplay.Page.GetByText("Adopt the mid-year budget adjustment — Passed")).ToBeVisibleAsync();
        }
        await Assertions.Expect(display.GetByText("3 aye, 0 nay, 0 abstain, 0 recused, 1 present not voting, 1 absent", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(display.GetByText("A member present who does not vote is recorded as present, not voting.")).ToBeVisibleAsync();
        await Assertions.Expect(residentA.GetByRole(AriaRole.Status).Filter(new() { HasText = "Vote result: Passed." })).ToHaveCountAsync(1);
        await Assertions.Expect(residentA.GetByText("Passed").First).ToBeVisibleAsync();
        await Assertions.Expect(residentA.GetByRole(AriaRole.Heading, new() { Name = "Motions and votes" })).ToBeVisibleAsync();
        await Shot(display, "chamber-display-vote");
        var spanishDisplay = await Open($"/display/{id}?lang=es");
        await Assertions.Expect(spanishDisplay.GetByText("En sesión", new() { Exact = false })).ToBeVisibleAsync();
        await NoEnglishLeft(spanishDisplay, "chamber display, Spanish");
        await Accessible(display, "chamber display");

        await clerk.Locator("body").PressAsync("t");
        await Assertions.Expect(display.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("7. Authorize a one-year protected bike lane");
        await Assertions.Expect(residentB.GetByText("Está en la fila", new() { Exact = false })).ToBeVisibleAsync();
        await Timed("adjourn → resident", () => clerk.GetByRole(AriaRole.Button, new() { Name = "Adjourn" }).ClickAsync(), residentA.GetByText("Adjourned"));
        await Assertions.Expect(display.GetByText("Adjourned")).ToBeVisibleAsync();
        // Still waiting when the meeting ended: no place in line, no button to leave it, is shown any more.
        await Assertions.Expect(residentB.GetByText("Está en la fila", new() { Exact = false })).ToHaveCountAsync(0);

        var home = await Open("/");
        await Assertions.Expect(home.GetByRole(AriaRole.Heading, new() { Name = "Past meetings" })).ToBeVisibleAsync();
        await Shot(home, "public-meetings");
        await Accessible(home, "public meeting list");
        var signin = await Open("/signin");
        await Accessible(signin, "sign-in");

        lock (_cspViolations) Assert.That(_cspViolations, Is.Empty, "every view works under the Content-Security-Policy");
        // And the watch does see a violation when there is one: an inline script is not allowed.
        await signin.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.inlineRan = true'; document.body.appendChild(s); }");
        await Wait.Until(() => { lock (_cspViolations) return _cspViolations.Any(v => v.Contains("script-src", StringComparison.Ordinal)); }, "the inline script reported as a violation");
        Assert.That(await signin.EvaluateAsync<bool>("() => window.inlineRan === true"), Is.False, "and it did not run");
    }

    /// <summary>
    /// A Spanish view shows no English word: none of the English words whose Spanish differs appears on it (the meeting's
    /// own data, its title and agenda, is what the clerk wrote and stays as written).
    /// </summary>
    private async Task NoEnglishLeft(IPage page, string view)
    {
        var folder = Path.Combine(Architecture.DomainPurityTests.SolutionFolder(), "Meetings.Server", "Languages");
        var english = Languages.LanguageFilesTests.Read(Path.Combine(folder, "Words.resx"));
        var spanish = Languages.LanguageFilesTests.Read(Path.Combine(folder, "Words.es.resx"));
        var meeting = await _host.Anonymous().DemoMeetingAnyState();
        // What the clerk wrote (titles, place) and the other languages' own names are not words to translate.
        var text = meeting.Agenda.Select(i => i.Title).Append(meeting.Meeting.Title).Append(meeting.Meeting.Location).Append(meeting.Meeting.BodyName)
            .Append(english["language.name"])
            .Aggregate(await page.InnerTextAsync("body"), (t, data) => t.Replace(data, "", StringComparison.Ordinal));
        var left = english.Where(w => w.Value.Length >= 4 && !w.Value.Contains('{', StringComparison.Ordinal) && w.Value != spanish[w.Key] &&
                                      System.Text.RegularExpressions.Regex.IsMatch(text, $@"\b{System.Text.RegularExpressions.Regex.Escape(w.Value)}\b"))
            .Select(w => $"{w.Key}: {w.Value}").ToList();
        Assert.That(left, Is.Empty, $"{view} shows English words");
    }

    private async Task<List<Meetings.Client.Contracts.JournalEventDto>> Journal(Guid id) =>
        await _host.Anonymous().Get<List<Meetings.Client.Contracts.JournalEventDto>>($"/api/meetings/{id}/journal");

    /// <summary>
    /// A resident's page whose live connection the test can cut: its WebSockets to the hub pass through Playwright,
    /// which can close them and refuse new ones, and its negotiation with the hub waits while it is cut off.
    /// </summary>
    private async Task<CutOffPage> CutOffable(string path)
    {
        var context = await _browser.NewContextAsync(new() { BaseURL = _host.BaseAddress.ToString(), ViewportSize = new() { Width = 1280, Height = 900 } });
        context.SetDefaultTimeout(Timeout);
        var page = await context.NewPageAsync();
        var cutOff = new CutOffPage(context, page);
        await page.RouteWebSocketAsync(new System.Text.RegularExpressions.Regex("/hubs/meeting"), cutOff.Socket);
        await page.RouteAsync(new System.Text.RegularExpressions.Regex("/hubs/meeting/negotiate"), cutOff.Negotiate);
        await page.GotoAsync(path);
        return cutOff;
    }

    private sealed class CutOffPage(IBrowserContext context, IPage page) : IAsyncDisposable
    {
        private readonly List<(IWebSocketRoute Page, IWebSocketRoute Server)> _sockets = [];
        private volatile TaskCompletionSource _open = Opened();
        private volatile bool _cut;

        public IPage Page => page;

        private static TaskCompletionSource Opened()
        {
            var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            open.SetResult();
            return open;
        }

        public void Socket(IWebSocketRoute socket)
        {
            if (_cut)
            {
                _ = socket.CloseAsync(new() { Code = 1011, Reason = "cut off" });
                return;
            }
            lock (_sockets) _sockets.Add((socket, socket.ConnectToServer()));
        }

        public async Task Negotiate(IRoute route)
        {
            await _open.Task;
            await route.ContinueAsync();
        }

        /// <summary>Closes the page's live connection, as a dropped network would, and keeps it from coming back.</summary>
        public async Task DropAsync()
        {
            _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _cut = true;
            List<(IWebSocketRoute Page, IWebSocketRoute Server)> sockets;
            lock (_sockets) sockets = [.. _sockets];
            foreach (var (toPage, toServer) in sockets)
            {
                await toServer.CloseAsync(new() { Code = 1011, Reason = "cut off" });
                await toPage.CloseAsync(new() { Code = 1011, Reason = "cut off" });
            }
        }

        public void Restore()
        {
            _cut = false;
            _open.TrySetResult();
        }

        public async ValueTask DisposeAsync() => await context.CloseAsync();
    }

    /// <summary>Agenda items whose title starts on a lower line than their number.</summary>
    private const string TitlesBesideNumbers = """
        [...document.querySelectorAll('ol.agenda li')].filter(li =>
          li.querySelector('.title').getBoundingClientRect().top - li.querySelector('.number').getBoundingClientRect().top > 4)
          .map(li => li.textContent)
        """;

    private static async Task Vote(IPage official, string choice)
    {
        await official.GetByRole(AriaRole.Button, new() { Name = $"Vote {choice} on the motion: Adopt the mid-year budget adjustment" }).ClickAsync();
        await official.GetByRole(AriaRole.Button, new() { Name = $"Confirm: vote {choice} on Adopt the mid-year budget adjustment" }).ClickAsync();
        await Assertions.Expect(official.GetByText($"Your vote: {choice}")).ToBeVisibleAsync();
    }

    private async Task<IPage> OpenMeasured(string path, Action<long> bytes)
    {
        var context = await _browser.NewContextAsync(new() { BaseURL = _host.BaseAddress.ToString(), ViewportSize = new() { Width = 1280, Height = 900 } });
        context.SetDefaultTimeout(Timeout);
        await WatchForCspViolations(context);
        var page = await context.NewPageAsync();
        page.RequestFinished += async (_, request) =>
        {
            var sizes = await request.SizesAsync();
            bytes(sizes.ResponseBodySize + sizes.ResponseHeadersSize);
        };
        await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.NetworkIdle });
        return page;
    }
}
