using System.Text.Json;
using System.Text.RegularExpressions;
using Meetings.Tests.Support;
using Microsoft.Playwright;

namespace Meetings.Tests.Browser;

/// <summary>
/// A resident's page coming back after a lost connection asks for what changed since the sequence it holds
/// (<c>Rejoin</c>). The server follows the meeting for the new connection before it has worked out that answer, so the
/// next change's update can reach the page first: the page keeps it and applies it after the answer, instead of asking
/// for the meeting again (<c>EventsAfter</c>). After a restart in the middle of a hearing, every returning page asked.
/// </summary>
[NonParallelizable]
public class ResidentRejoinTests
{
    private const string Chromium = DebianChromium.Path;
    private const float Timeout = 30_000;

    [Test]
    public async Task AnUpdateThatOvertakesTheRejoinsAnswer_IsAppliedAfterIt_WithoutAskingForTheMeetingAgain()
    {
        Assert.That(File.Exists(Chromium), Is.True, "Chromium is missing: infra/test.sh installs Debian's chromium");
        using var host = new TestHost();
        var meeting = await (await host.SignInAsync(Demo.Clerk)).DemoMeeting();
        var (id, item) = (meeting.Meeting.Id, meeting.Agenda[2].Id);
        await using var clerk = await LiveClient.ConnectAsync(host, Demo.Clerk, "clerk", id);
        await clerk.OpenPublicComment(id, item);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await DebianChromium.LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new() { BaseURL = host.BaseAddress.ToString() });
        context.SetDefaultTimeout(Timeout);
        var page = await context.NewPageAsync();
        var hub = new HeldAnswer();
        await page.RouteWebSocketAsync(new Regex("/hubs/meeting"), hub.Socket);
        await page.RouteAsync(new Regex("/hubs/meeting/negotiate"), hub.Negotiate);
        await page.GotoAsync($"/meetings/{id}");
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
        Assert.That(hub.CatchUps, Is.Zero, "the page applied the update after the answer instead of asking for the meeting again");
    }

    /// <summary>
    /// The page's hub connections pass through here: one can be dropped (and new ones held at negotiation until
    /// restored); the answer to a <c>Rejoin</c> is held back until an update from the server has gone to the page.
    /// </summary>
    private sealed class HeldAnswer
    {
        private readonly List<(IWebSocketRoute Page, IWebSocketRoute Server)> _sockets = [];
        private readonly Lock _gate = new();
        private TaskCompletionSource _open = Opened();
        private string? _rejoin;
        private string? _held;
        private int _catchUps;

        public TaskCompletionSource AnswerHeld { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool Overtaken { get; private set; }
        public int CatchUps => Volatile.Read(ref _catchUps);

        private static TaskCompletionSource Opened()
        {
            var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            open.SetResult();
            return open;
        }

        public void Socket(IWebSocketRoute page)
        {
            var server = page.ConnectToServer();
            lock (_gate) _sockets.Add((page, server));
            page.OnMessage(frame =>
            {
                foreach (var message in Messages(frame.Text))
                {
                    if (Target(message) == "Rejoin") lock (_gate) _rejoin = message.GetProperty("invocationId").GetString();
                    if (Target(message) == "EventsAfter") Interlocked.Increment(ref _catchUps);
                }
                server.Send(frame.Text!);
            });
            server.OnMessage(frame => ToPage(page, frame.Text!));
        }

        private void ToPage(IWebSocketRoute page, string text)
        {
            lock (_gate)
            {
                var messages = Messages(text);
                if (_held is null && _rejoin is not null && messages.Any(m => m.GetProperty("type").GetInt32() == 3 && m.GetProperty("invocationId").GetString() == _rejoin))
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

        private static string? Target(JsonElement message) => message.TryGetProperty("target", out var target) ? target.GetString() : null;
    }
}
