using System.Net;
using Meetings.Client.Contracts;
using Meetings.Server.Meetings;
using Meetings.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Live;

/// <summary>
/// The night of a hearing, thousands load the resident page while the clerk runs the meeting: a meeting that screens
/// here follow is made from what they were sent, without a turn at the meeting's lock.
/// </summary>
public class ResidentPageCrowdTests
{
    [Test]
    public async Task TheResidentPageOfAWatchedMeeting_IsServedWhileTheMeetingIsBusy_WithWhatItsScreensWereSent()
    {
        using var host = new TestHost();
        var clerk = await host.SignInAsync(Demo.Clerk);
        var meeting = await clerk.DemoMeeting();
        var id = meeting.Meeting.Id;
        await using var viewer = await LiveClient.ConnectAsync(host, null, "viewer", id);
        var added = await clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{id}/agenda",
            new AgendaItemRequest("Added while people watch", "Action"), HttpStatusCode.Created);
        await viewer.WaitForSequence(added.Version);

        // The meeting's lock held, as by a long command, until the page has been answered.
        var store = host.Services.GetRequiredService<MeetingStore>();
        using var holding = new ManualResetEventSlim();
        var held = new TaskCompletionSource();
        var busy = Task.Run(() => store.ReadAsync(id, _ => { held.SetResult(); holding.Wait(TimeSpan.FromSeconds(30)); return 0; }));
        await held.Task;
        string page;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var response = await host.Anonymous().GetAsync($"/meetings/{id}", timeout.Token);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            page = await response.Content.ReadAsStringAsync(timeout.Token);
        }
        finally
        {
            holding.Set();
            await busy;
        }

        Assert.That(page, Does.Contain("Added while people watch"), "the change the screens were sent");
        Assert.That(page, Does.Contain(meeting.AccessCode), "the phone access code");
    }

    [Test]
    public async Task ADraftAClerkIsWatching_IsStillNoPageForAnyoneElse()
    {
        using var host = new TestHost();
        var clerk = await host.SignInAsync(Demo.Clerk);
        var body = await clerk.DemoBody();
        var draft = await clerk.Send<MeetingDetail>(HttpMethod.Post, "/api/meetings", new MeetingRequest(body.Id, "Closed-door draft", "Special",
            host.Clock.GetUtcNow().AddDays(20).DateTime, "America/Los_Angeles", "Room 3"), HttpStatusCode.Created);
        await using var clerksScreen = await LiveClient.ConnectAsync(host, Demo.Clerk, "clerk", draft.Meeting.Id);

        var response = await host.Anonymous().GetAsync($"/meetings/{draft.Meeting.Id}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Not.Contain("Closed-door draft"));
    }
}
