using System.Net;
using System.Net.Http.Json;
using Meetings.Client.Contracts;
using Meetings.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Security;

/// <summary>
/// A page on another site cannot run clerk commands with the clerk's cookie: the hub judges the Origin a browser
/// sends with every WebSocket. The connections here are real cookie-signed-in WebSockets that say where they come from.
/// </summary>
public class HubOriginTests
{
    private const string Listed = "https://tv.city.example";
    private TestHost _host = null!;

    [OneTimeSetUp]
    public void StartHost() => _host = new TestHost(settings: new Dictionary<string, string?> { ["Hub:AllowedOrigins"] = Listed });

    [OneTimeTearDown]
    public void StopHost() => _host.Dispose();

    [TestCase("https://evil.example")]
    [TestCase("http://127.0.0.1:1")]   // this machine, another port: another origin
    [TestCase("null")]                 // a sandboxed frame or a file
    public async Task AClerksCookie_SentFromAnotherSite_IsServedAsAViewer_AndRunsNoClerkCommand(string origin)
    {
        var meeting = await _host.Anonymous().DemoMeetingAnyState();
        var before = await Journal(meeting.Meeting.Id);
        await using var hub = await ConnectAsync(Demo.Clerk, origin);

        var joined = await hub.InvokeAsync<JoinResult>("Join", meeting.Meeting.Id, null);
        var start = Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<CommandAck>("StartMeeting", meeting.Meeting.Id));
        var moderation = Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<object>("Moderation", meeting.Meeting.Id));

        Assert.That(joined.Role, Is.EqualTo("Viewer"), "watching, as anyone may");
        Assert.That(start!.Message, Does.Contain("unauthorized").IgnoreCase);
        Assert.That(moderation!.Message, Does.Contain("unauthorized").IgnoreCase);
        Assert.That(await Journal(meeting.Meeting.Id), Is.EqualTo(before), "nothing changed");
    }

    [Test]
    public async Task AClerksCookie_FromTheServersOwnPages_RunsClerkCommands()
    {
        var id = await NewMeetingAsync();
        await using var hub = await ConnectAsync(Demo.Clerk, _host.BaseAddress.GetLeftPart(UriPartial.Authority));

        var joined = await hub.InvokeAsync<JoinResult>("Join", id, null);
        var started = await hub.InvokeAsync<CommandAck>("StartMeeting", id);

        Assert.That(joined.Role, Is.EqualTo("Clerk"));
        Assert.That(started.Sequence, Is.GreaterThan(joined.Snapshot.Sequence));
    }

    [Test]
    public async Task AClerksCookie_FromAnOriginListedInHubAllowedOrigins_OrFromNoPageAtAll_IsTheClerk()
    {
        var id = await NewMeetingAsync();
        await using var listed = await ConnectAsync(Demo.Clerk, Listed);
        await using var native = await ConnectAsync(Demo.Clerk, origin: null);

        Assert.That((await listed.InvokeAsync<JoinResult>("Join", id, null)).Role, Is.EqualTo("Clerk"));
        Assert.That(await listed.InvokeAsync<ModerationView>("Moderation", id), Is.Not.Null);
        Assert.That((await native.InvokeAsync<JoinResult>("Join", id, null)).Role, Is.EqualTo("Clerk"));
    }

    [Test]
    public async Task AnAnonymousViewer_OnAnotherSitesPage_MayWatch()
    {
        var meeting = await _host.Anonymous().DemoMeetingAnyState();
        await using var hub = await ConnectAsync(email: null, "https://neighborhood-news.example");

        var joined = await hub.InvokeAsync<JoinResult>("Join", meeting.Meeting.Id, "a-resident-token-of-sixteen+");
        var caughtUp = await hub.InvokeAsync<CatchUp>("EventsAfter", meeting.Meeting.Id, 0L);

        Assert.That(joined.Role, Is.EqualTo("Resident"));
        Assert.That(caughtUp.Snapshot.Meeting.Id, Is.EqualTo(meeting.Meeting.Id));
    }

    [TestCase("https://www.city.example")]   // a sibling site: SameSite cookies go with its posts
    [TestCase("http://127.0.0.1:1")]
    public async Task AClerksCookie_PostedFromAnotherSitesPage_ChangesNothing(string origin)
    {
        var clerk = await _host.SignInAsync(Demo.Clerk);
        var body = await clerk.DemoBody();
        var draft = await clerk.Send<MeetingDetail>(HttpMethod.Post, "/api/meetings",
            new MeetingRequest(body.Id, "Special Meeting", "Special", Dates.DaysAfter(_host.Clock.GetUtcNow(), 30), "America/Los_Angeles", "Council Chambers"),
            HttpStatusCode.Created);
        var id = draft.Meeting.Id;
        var item = (await clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{id}/agenda", new AgendaItemRequest("Sidewalk repairs", "Action"), HttpStatusCode.Created)).Agenda[0].Id;

        // What a page there can make a browser send with no preflight: a bodiless post, and a form with a file.
        var publish = new HttpRequestMessage(HttpMethod.Post, $"/api/meetings/{id}/publish");
        publish.Headers.Add("Origin", origin);
        var upload = new HttpRequestMessage(HttpMethod.Post, $"/api/meetings/{id}/agenda/{item}/documents")
        {
            Content = new MultipartFormDataContent { { new StringContent("Staff report"), "title" }, { new ByteArrayContent("%PDF-1.4 not ours"u8.ToArray()), "file", "report.pdf" } },
        };
        upload.Headers.Add("Origin", origin);
        Assert.That((await clerk.SendAsync(publish)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await clerk.SendAsync(upload)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));

        var after = await clerk.Get<MeetingDetail>($"/api/meetings/{id}");
        Assert.That(after.Meeting.Status, Is.EqualTo("Draft"), "not published");
        Assert.That(after.Agenda[0].Documents ?? [], Is.Empty, "no document kept");
        var own = new HttpRequestMessage(HttpMethod.Post, $"/api/meetings/{id}/publish") { Content = JsonContent.Create(new PublishRequest()) };
        own.Headers.Add("Origin", _host.BaseAddress.GetLeftPart(UriPartial.Authority));
        Assert.That((await clerk.SendAsync(own)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "from this server's own pages it works");
    }

    /// <summary>A real WebSocket with the account's sign-in cookie, sending <c>Origin</c> as a browser page would.</summary>
    private Task<HubConnection> ConnectAsync(string? email, string? origin) =>
        _host.HubAsync(email, o => { if (origin is not null) o.Headers["Origin"] = origin; });

    private async Task<long> Journal(Guid id) => (await _host.Anonymous().Get<List<JournalEventDto>>($"/api/meetings/{id}/journal")).Count;

    private async Task<Guid> NewMeetingAsync()
    {
        var clerk = await _host.SignInAsync(Demo.Clerk);
        var body = await clerk.DemoBody();
        var meeting = await clerk.Send<MeetingDetail>(HttpMethod.Post, "/api/meetings",
            new MeetingRequest(body.Id, "Special Meeting", "Special", Dates.DaysAfter(_host.Clock.GetUtcNow(), 30), "America/Los_Angeles", "Council Chambers"),
            HttpStatusCode.Created);
        await clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{meeting.Meeting.Id}/agenda", new AgendaItemRequest("Sidewalk repairs", "Action"), HttpStatusCode.Created);
        await clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{meeting.Meeting.Id}/publish", new PublishRequest(), HttpStatusCode.OK);
        return meeting.Meeting.Id;
    }
}
