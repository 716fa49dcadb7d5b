using System.Text.Json;
using System.Text.RegularExpressions;
using Meetings.Tests.Support;
using Microsoft.Playwright;

namespace Meetings.Tests.Browser;

/// <summary>
/// What a resident's page asks the server for when what it holds goes wrong, its hub connection passing through the
/// test. Coming back after a lost connection it asks for what changed since the sequence it holds (<c>Rejoin</c>); the
/// server follows the meeting for the new connection before it has worked out that answer, so the next change's update
/// can reach the page first: the page keeps it and applies it after the answer, instead of asking for the meeting again
/// (<c>EventsAfter</c>; after a restart in the middle of a hearing, every returning page asked). And a patch that fails
/// part-way has the page ask for what came after the sequence it held, not for the whole journal.
/// </summary>
[NonParallelizable]
public class ResidentRejoinTests
{
    private const string Chromium = DebianChromium.Path;
    private const float Timeout = 30_000;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        Assert.That(File.Exists(Chromium), Is.True, "Chromium is missing: infra/test.sh installs Debian's chromium");
        _playwright = await Playwright.CreateAsync();
        _browser = await DebianChromium.LaunchAsync(_playwright);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    /// <summary>A resident's page of the meeting, its hub connection passing through <see cref="RoutedHub"/>.</summary>
    private async Task<(IPage Page, RoutedHub Hub)> ResidentPageAsync(TestHost host, Guid id)
    {
        var context = await _browser.NewContextAsync(new() { BaseURL = host.BaseAddress.ToString() });
        context.SetDefaultTimeout(Timeout);
        var page = await context.NewPageAsync();
        var hub = new RoutedHub();
        await page.RouteWebSocketAsync(new Regex("/hubs/meeting"), hub.Socket);
        await page.RouteAsync(new Regex("/hubs/meeting/negotiate"), hub.Negotiate);
        await page.GotoAsync($"/meetings/{id}");
        return (page, hub);
    }

    [Test]
    public async Task AnUpdateThatOvertakesTheRejoinsAnswer_IsAppliedAfterIt_WithoutAskingForTheMeetingAgain()
    {
        using var host = new TestHost();
        var meeting = await (await host.SignInAsync(Demo.Clerk)).DemoMeeting();
        var (id, item) = (meeting.Meeting.Id, meeting.Agenda[2].Id);
        await using var clerk = await LiveClient.ConnectAsync(host, Demo.Clerk, "clerk", id);
        await clerk.OpenPublicComment(id, item);
        var (page, hub) = await ResidentPageAsync(host, id);
        // Live once its script has joined and opened the form.
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Sign up to speak" }).GetByLabel("Name as you wish to be called"))
            .ToBeVisibleAsync(new() { Timeout = Timeout });

        await hub.DropAsync();
        await clerk.Invoke<Guid>("AddRoomSpeaker", id, item, "Dora Dropped", null, false);
        hub.Restore();
        await hub.AnswerHeld.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // The Rejoin's answer (to the card above) is held back; the next change's update goes to the page first.
        await clerk.Invoke<Guid>("AddRoomSpeaker", id, item, "Eve Overtaking", null, false);

        await Assertions.Expect(page.GetByText("Eve Overtaking")).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByText("Dora Dropped")).ToBeVisibleAsync(new() { Timeout = Timeout });
        Assert.That(hub.Overtaken, Is.True, "the update did reach the page before the answer");
        Assert.That(hub.CatchUps, Is.Empty, "the page applied the update after the answer instead of asking for the meeting again");
    }

    [Test]
    public async Task APatchThatFailsPartWay_IsNotShown_AndThePageAsksOnlyForWhatCameAfterTheSequenceItHeld()
    {
        using var host = new TestHost();
        var meeting = await host.Anonymous().DemoMeeting();
        var id = meeting.Meeting.Id;
        await using var clerk = await LiveClient.ConnectAsync(host, Demo.Clerk, "clerk", id);
        var (page, hub) = await ResidentPageAsync(host, id);
        // Live once its script has joined: the written comment form, which the page shows only when live.
        await Assertions.Expect(page.Locator("#written-form")).ToBeVisibleAsync(new() { Timeout = Timeout });
        var held = clerk.Snapshot.Sequence;

        // An update whose patch changes the title, then fails (nothing is at its second path).
        hub.SendToPage($$$"""{"type":1,"target":"MeetingUpdated","arguments":[{"meetingId":"{{{id}}}","from":{{{held}}},"sequence":{{{held + 1}}},"events":[],"patch":[{"op":"replace","path":"/meeting/title","value":"Half Applied"},{"op":"remove","path":"/nothing/here"}]}]}""" + "\u001e");

        await Wait.Until(() => hub.CatchUps.Count > 0, "the page asked to catch up");
        Assert.That(hub.CatchUps, Is.EqualTo(new[] { held }), "asked for what came after the sequence it held, not from the start");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(meeting.Meeting.Title, new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByText("Half Applied")).ToHaveCountAsync(0);
    }

    /// <summary>
    /// The page's hub connections pass through here: one can be dropped (and new ones held at negotiation until
    /// restored); the answer to a <c>Rejoin</c> is held back until an update from the server has gone to the page.
    /// </summary>
    private sealed class RoutedHub
    {
        private readonly List<(IWebSocketRoute Page, IWebSocketRoute Server)> _sockets = [];
        private readonly Lock _gate = new();
        private TaskCompletionSource _open = Opened();
        private string? _rejoin;
        private string? _held;
        private readonly List<long> _catchUps = [];
        private IWebSocketRoute? _page;

        public TaskCompletionSource AnswerHeld { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool Overtaken { get; private set; }
        /// <summary>The sequence each of the page's catch-ups asked from.</summary>
        public IReadOnlyList<long> CatchUps { get { lock (_gate) return [.. _catchUps]; } }

        private static TaskCompletionSource Opened()
        {
            var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            open.SetResult();
            return open;
        }

        public void Socket(IWebSocketRoute page)
        {
            var server = page.ConnectToServer();
            lock (_gate)
            {
                _sockets.Add((page, server));
                _page = page;
            }
            page.OnMessage(frame =>
            {
                foreach (var message in Messages(frame.Text))
                {
                    if (Target(message) == "Rejoin") lock (_gate) _rejoin = message.GetProperty("invocationId").GetString();
                    if (Target(message) == "EventsAfter") lock (_gate) _catchUps.Add(message.GetProperty("arguments")[1].GetInt64());
                }
                server.Send(frame.Text!);
            });
            server.OnMessage(frame => ToPage(page, frame.Text!));
        }

        /// <summary>Sends the page a frame as if the server had.</summary>
        public void SendToPage(string text)
        {
            lock (_gate) _page!.Send(text);
        }

        private void ToPage(IWebSocketRoute page, string text)
        {
            lock (_gate)
            {
                var messages = Messages(text);
                if (_held is null && _rejoin is not null && messages.Any(m => Type(m) == 3 && m.GetProperty("invocationId").GetString() == _rejoin))
                {
                    _held = text;
                    AnswerHeld.TrySetResult();
                    return;
                }
                page.Send(text);
                if (_held is not null && messages.Any(m => Target(m) == "MeetingUpdated"))
                {
                    Overtaken = true;
                    page.Send(_held);
                    (_held, _rejoin) = (null, null);
                }
            }
        }

        public async Task Negotiate(IRoute route)
        {
            Task open;
            lock (_gate) open = _open.Task;
            await open;
            await route.ContinueAsync();
        }

        /// <summary>Closes the page's connection, as a dropped network would; its next one waits for <see cref="Restore"/>.</summary>
        public async Task DropAsync()
        {
            List<(IWebSocketRoute Page, IWebSocketRoute Server)> sockets;
            lock (_gate)
            {
                _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                sockets = [.. _sockets];
                _sockets.Clear();
            }
            foreach (var (toPage, toServer) in sockets)
            {
                await toServer.CloseAsync(new() { Code = 1011, Reason = "cut off" });
                await toPage.CloseAsync(new() { Code = 1011, Reason = "cut off" });
            }
        }

        public void Restore()
        {
            lock (_gate) _open.TrySetResult();
        }

        /// <summary>The SignalR messages in a frame (JSON, each ended by a record separator).</summary>
        private static List<JsonElement> Messages(string? text) =>
            [.. (text ?? "").Split('\u001e', StringSplitOptions.RemoveEmptyEntries).Select(m => JsonDocument.Parse(m).RootElement.Clone())];

        /// <summary>The message's type (1 an invocation, 3 a completion); the handshake's answer has none.</summary>
        private static int? Type(JsonElement message) => message.TryGetProperty("type", out var type) ? type.GetInt32() : null;

        private static string? Target(JsonElement message) => message.TryGetProperty("target", out var target) ? target.GetString() : null;
    }
}
