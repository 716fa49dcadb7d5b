using System.Net;
using System.Net.Http.Json;
using Meetings.Client.Contracts;
using Meetings.Tests.Support;

namespace Meetings.Tests.Api;

public class MeetingApiTests
{
    private TestHost _host = null!;

    [OneTimeSetUp]
    public void StartHost() => _host = new TestHost();

    [OneTimeTearDown]
    public void StopHost() => _host.Dispose();

    private async Task<(HttpClient Clerk, BodyDto Body)> Clerk()
    {
        var clerk = await _host.SignInAsync(Demo.Clerk);
        return (clerk, await clerk.DemoBody());
    }

    private MeetingRequest Request(BodyDto body, DateTime? start = null, string title = "Special Meeting", string kind = "Special") =>
        new(body.Id, title, kind, start ?? Dates.DaysAfter(_host.Clock.GetUtcNow(), 10), "America/Los_Angeles", "Council Chambers");

    [Test]
    public async Task Healthz_AnswersOk_WhenTheDatabaseAnswers()
    {
        var response = await _host.Anonymous().GetAsync("/healthz");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task OpenApiDocument_IsServed_AndListsTheMeetingEndpoints()
    {
        var document = await _host.Anonymous().GetStringAsync("/openapi/v1.json");
        Assert.That(document, Does.Contain("/api/meetings/{id}/journal"));
    }

    [Test]
    public async Task TheWebClient_IsServed_AtTheRoot()
    {
        var page = await _host.Anonymous().GetStringAsync("/");
        Assert.That(page, Does.Contain("_framework/blazor.webassembly"));
    }

    [Test]
    public async Task DemoMeeting_IsListedPublicly_WithItsNestedAgenda()
    {
        var meeting = await _host.Anonymous().DemoMeeting();
        Assert.That(meeting.Agenda.Select(i => i.Number), Is.EqualTo(new[] { "1", "2", "3", "4", "4.a", "4.b", "4.c", "5", "6", "7", "8", "9" }));
        Assert.That(meeting.Agenda.Single(i => i.Number == "5").Kind, Is.EqualTo("PublicHearing"));
        Assert.That(meeting.AccessCode, Does.Match("^[0-9]{6}$"));
    }

    [Test]
    public async Task Clerk_SchedulesAMeeting_InLocalTime_AndItStaysADraftHiddenFromThePublic()
    {
        var (clerk, body) = await Clerk();
        var winterEvening = Dates.NextStandardTimeDay("America/Los_Angeles", _host.Clock.GetUtcNow().AddDays(10)).AddHours(18.5);
        var created = await clerk.Send<MeetingDetail>(HttpMethod.Post, "/api/meetings", Request(body, winterEvening), HttpStatusCode.Created);

        Assert.That(created.Meeting.Status, Is.EqualTo("Draft"));
        Assert.That(created.Meeting.Start, Is.EqualTo(new DateTimeOffset(winterEvening.AddHours(8), TimeSpan.Zero)), "18:30 Pacific standard time is 02:30 UTC the next day");
        Assert.That(created.Meeting.LocalStart, Is.EqualTo(winterEvening));
        var anonymous = _host.Anonymous();
        Assert.That((await anonymous.GetAsync($"/api/meetings/{created.Meeting.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await anonymous.GetAsync($"/api/meetings/{created.Meeting.Id}/journal")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var list = await anonymous.Get<List<MeetingSummary>>("/api/meetings");
        Assert.That(list.Select(m => m.Id), Does.Not.Contain(created.Meeting.Id));
    }

    [Test]
    public async Task Publishing_OnTime_PostsTheAgenda_AndLaterChangesAreAmendments()
    {
        var (clerk, body) = await Clerk();
        var id = (await clerk.Send<MeetingDetail>(HttpMethod.Post, "/api/meetings", Request(body), HttpStatusCode.Created)).Meeting.Id;
        await clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{id}/agenda", new AgendaItemRequest("Call to Order", "Procedural"), HttpStatusCode.Created);
        var published = await clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{id}/publish", new PublishRequest(), HttpStatusCode.OK);
        Assert.That(published.Meeting.Status, Is.EqualTo("Published"));
        Assert.That(published.Agenda[0].Amended, Is.False);

        var amended = await clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{id}/agenda", new AgendaItemRequest("Added item", "Action"), HttpStatusCode.Created);
        Assert.That(amended.Agenda.Single(i => i.Title == "Added item").Amended, Is.True);
        var journal = await _host.Anonymous().Get<List<JournalEventDto>>($"/api/meetings/{id}/journal?after=2");
        Assert.That(journal.Select(e => e.Type), Is.EqualTo(new[] { "MeetingPublished", "AgendaItemAdded" }));
        Assert.That(journal[1].Payload.GetProperty("isAmendment").GetBoolean(), Is.True);
    }

    [Test]
    public async Task PublishingLate_IsRefusedForAClerk_AndAcceptedFromAnAdminWithAReason()
    {
        var (clerk, body) = await Clerk();
        var soon = TimeZoneInfo.ConvertTime(_host.Clock.GetUtcNow().AddHours(30), TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles")).DateTime;
        var id = (await clerk.Send<MeetingDetail>(HttpMethod.Post, "/api/meetings", Request(body, soon, kind: "Regular"), HttpStatusCode.Created)).Meeting.Id;
        await clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{id}/agenda", new AgendaItemRequest("Call to Order", "Procedural"), HttpStatusCode.Created);

        var late = await clerk.PostAsJsonAsync($"/api/meetings/{id}/publish", new PublishRequest());
        Assert.That(late.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        var problem = await late.Content.ReadAsStringAsync();
        Assert.That(problem, Does.Contain("72 hours").And.Contain("missed by 4"));
        Assert.That(problem, Does.Contain("notice-deadline"));
        var clerkOverride = await clerk.PostAsJsonAsync($"/api/meetings/{id}/publish", new PublishRequest("Storm damage"));
        Assert.That(clerkOverride.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));

        var admin = await _host.SignInAsync(Demo.Admin);
        var published = await admin.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{id}/publish", new PublishRequest("Storm damage to City Hall"), HttpStatusCode.OK);
        Assert.That(published.LateNoticeReason, Is.EqualTo("Storm damage to City Hall"));
    }

    [Test]
    public async Task Cancelling_RecordsTheReason_AndASecondCancelIsAConflict()
    {
        var (clerk, body) = await Clerk();
        var id = (await clerk.Send<MeetingDetail>(HttpMethod.Post, "/api/meetings", Request(body), HttpStatusCode.Created)).Meeting.Id;
        var cancelled = await clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{id}/cancel", new CancelRequest("No quorum expected"), HttpStatusCode.OK);
        Assert.That(cancelled.Meeting.Status, Is.EqualTo("Cancelled"));
        Assert.That(cancelled.CancelReason, Is.EqualTo("No quorum expected"));
        var again = await clerk.PostAsJsonAsync($"/api/meetings/{id}/cancel", new CancelRequest("again"));
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
    }

    [Test]
    public async Task AgendaItems_MoveUnderAParent_AndAreRenumbered()
    {
        var (clerk, body) = await Clerk();
        var id = (await clerk.Send<MeetingDetail>(HttpMethod.Post, "/api/meetings", Request(body), HttpStatusCode.Created)).Meeting.Id;
        foreach (var title in new[] { "Call to Order", "Consent Calendar", "Minutes", "Adjournment" })
            await clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{id}/agenda", new AgendaItemRequest(title, "Consent"), HttpStatusCode.Created);
        var meeting = await clerk.Get<MeetingDetail>($"/api/meetings/{id}");
        var consent = meeting.Agenda.Single(i => i.Title == "Consent Calendar").Id;
        var minutes = meeting.Agenda.Single(i => i.Title == "Minutes").Id;

        var moved = await clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{id}/agenda/{minutes}/move", new MoveItemRequest(consent, 0), HttpStatusCode.OK);
        Assert.That(moved.Agenda.Select(i => $"{i.Number} {i.Title}"),
            Is.EqualTo(new[] { "1 Call to Order", "2 Consent Calendar", "2.a Minutes", "3 Adjournment" }));
        var removed = await clerk.Send<MeetingDetail>(HttpMethod.Delete, $"/api/meetings/{id}/agenda/{moved.Agenda[0].Id}", null, HttpStatusCode.OK);
        Assert.That(removed.Agenda.Select(i => i.Number), Is.EqualTo(new[] { "1", "1.a", "2" }));
    }

    [Test]
    public async Task Journal_After_ReturnsOnlyLaterEvents_AndRefusesANegativePosition()
    {
        var client = _host.Anonymous();
        var meeting = await client.DemoMeeting();
        var all = await client.Get<List<JournalEventDto>>($"/api/meetings/{meeting.Meeting.Id}/journal");
        var later = await client.Get<List<JournalEventDto>>($"/api/meetings/{meeting.Meeting.Id}/journal?after=5");
        Assert.That(later.Select(e => e.Sequence), Is.EqualTo(all.Skip(5).Select(e => e.Sequence)));
        Assert.That(all[0].Type, Is.EqualTo("MeetingScheduled"));
        Assert.That(all[0].PreviousHash, Is.EqualTo(new string('0', 64)));
        Assert.That(all[1].PreviousHash, Is.EqualTo(all[0].Hash));
        var negative = await client.GetAsync($"/api/meetings/{meeting.Meeting.Id}/journal?after=-1");
        Assert.That(negative.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }
}
