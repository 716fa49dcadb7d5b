using System.Globalization;
using System.Net;
using Hangfire;
using Meetings.Client.Contracts;
using Meetings.Server.Data;
using Meetings.Server.Notices;
using Meetings.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Meetings.Tests.Notices;

/// <summary>Notices that say what changed: a move, the agenda's amendments, nothing for nothing; links that work.</summary>
public class ChangeNoticeTests : NoticeFixture
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-US");
    private static readonly CultureInfo Spanish = CultureInfo.GetCultureInfo("es-US");

    private DateTime LocalDay(int days) => Host.Clock.GetUtcNow().AddDays(days).Date;

    /// <summary>The one change notice waiting out its quiet period: several changes make one.</summary>
    private async Task<Guid> PendingChangeNotice(Guid meetingId)
    {
        var report = await WaitForReport(meetingId, r => r.Any(n => n.Kind is "Amended" or "Moved" && n.State == "Scheduled"), "a change notice planned");
        Assert.That(report.Count(n => n.Kind is "Amended" or "Moved" && n.State == "Scheduled"), Is.EqualTo(1), "one notice for several changes");
        return Host.WithDb(db => db.Notices.Single(n => n.MeetingId == meetingId && n.State == NoticeState.Scheduled &&
            (n.Kind == NoticeKind.Amended || n.Kind == NoticeKind.Moved)).Id);
    }

    /// <summary>Runs a notice's job now, rather than after the quiet period.</summary>
    private async Task Send(Guid noticeId)
    {
        using var scope = Host.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<NoticeJobs>().SendAsync(noticeId);
    }

    private static string Plain(MimeMessage m) => (m.TextBody ?? "").Replace('\u202f', ' ').Replace('\u00a0', ' ');

    [Test]
    public async Task SavingAMeetingUnchanged_NotifiesNobody_AndKeepsTheCalendarSequence()
    {
        var meeting = await Meeting(LocalDay(20).AddHours(18));
        var same = new MeetingRequest(null, "Budget Study Session", null, LocalDay(20).AddHours(18), "America/Los_Angeles", "Council Chambers");

        var after = await Clerk.Send<MeetingDetail>(HttpMethod.Put, $"/api/meetings/{meeting.Meeting.Id}", same, HttpStatusCode.OK);

        Assert.That(after.Version, Is.EqualTo(meeting.Version), "no event in the journal");
        var calendar = await Host.Anonymous().GetStringAsync($"/api/bodies/{Body.Id}/calendar.ics");
        Assert.That(calendar, Does.Contain("SEQUENCE:0"));
        Assert.That(Host.WithDb(db => db.Notices.Count(n => n.MeetingId == meeting.Meeting.Id && n.Kind != NoticeKind.Published && n.Kind != NoticeKind.Reminder)),
            Is.Zero, "no amended notice");
    }

    [Test]
    public async Task MovingAMeeting_SaysItMoved_FromWhenToWhen_InLocalTime_InEachReadersLanguage()
    {
        var english = await SubscribedByEmail();
        var spanish = await SubscribedByEmail("es");
        var (from, to) = (LocalDay(20).AddHours(18), LocalDay(21).AddHours(17));
        var meeting = await Meeting(from);
        await Clerk.Send<MeetingDetail>(HttpMethod.Put, $"/api/meetings/{meeting.Meeting.Id}",
            new MeetingRequest(null, "Budget Study Session", null, to, "America/Los_Angeles", "Council Chambers"), HttpStatusCode.OK);

        await Send(await PendingChangeNotice(meeting.Meeting.Id));

        var en = (await SmtpSink.WaitFor(english, 3)).Single(m => m.Subject!.StartsWith("Meeting moved", StringComparison.Ordinal));
        Assert.That(Plain(en), Does.StartWith(
            $"The meeting has moved from {from.ToString("dddd, MMMM d, yyyy", English)}, 6:00 PM (Pacific Time) " +
            $"to {to.ToString("dddd, MMMM d, yyyy", English)}, 5:00 PM (Pacific Time)."));
        Assert.That(Plain(en), Does.Contain($"/meetings/{meeting.Meeting.Id}?lang=en"));
        var es = (await SmtpSink.WaitFor(spanish, 3)).Single(m => m.Subject!.StartsWith("Reunión cambiada de fecha", StringComparison.Ordinal));
        Assert.That(Plain(es), Does.StartWith(
            $"La reunión cambió del {from.ToString("dddd, d 'de' MMMM 'de' yyyy", Spanish)}, 6:00 p. m. (hora del Pacífico) " +
            $"al {to.ToString("dddd, d 'de' MMMM 'de' yyyy", Spanish)}, 5:00 p. m. (hora del Pacífico)."));
        Assert.That(Plain(es), Does.Contain($"/meetings/{meeting.Meeting.Id}?lang=es"), "the link opens the page in Spanish");
        Assert.That(Plain(es).TrimEnd(), Does.Match(@"Para dejar de recibir estos correos: \S+$"), "a Spanish mail ends in Spanish");
        Assert.That(Plain(es), Does.Not.Contain("To stop").And.Not.Contain("America/Los_Angeles"));
        Assert.That((await Report(meeting.Meeting.Id)).Where(n => n.Kind is "Amended" or "Moved").Select(n => n.Kind), Is.EqualTo(new[] { "Moved" }));
    }

    [Test]
    public async Task SeveralAmendments_MakeOneNotice_ListingEachChangeWithItsNumber_AndTheNextNoticeTellsOnlyWhatCameAfter()
    {
        var email = await SubscribedByEmail();
        var draft = await Meeting(LocalDay(30).AddHours(18), publish: false);
        var id = draft.Meeting.Id;
        foreach (var title in new[] { "Budget hearing", "Adopt the budget", "Staff report" })
            await Clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{id}/agenda", new AgendaItemRequest(title, "Discussion"), HttpStatusCode.Created);
        var posted = await Clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{id}/publish", new PublishRequest(), HttpStatusCode.OK);
        Guid Item(string title) => posted.Agenda.Single(i => i.Title == title).Id;

        await Clerk.Send<MeetingDetail>(HttpMethod.Put, $"/api/meetings/{id}/agenda/{Item("Budget hearing")}", new AgendaItemRequest("Budget public hearing", "Discussion"), HttpStatusCode.OK);
        await Clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{id}/agenda/{Item("Adopt the budget")}/move", new MoveItemRequest(null, 1), HttpStatusCode.OK);
        await Clerk.Send<MeetingDetail>(HttpMethod.Delete, $"/api/meetings/{id}/agenda/{Item("Staff report")}", null, HttpStatusCode.OK);
        await Clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{id}/agenda", new AgendaItemRequest("Closed session", "ClosedSession"), HttpStatusCode.Created);
        var first = await PendingChangeNotice(id);
        await Send(first);

        var amended = (await SmtpSink.WaitFor(email, 3)).Single(m => m.Subject == "Amended agenda: Budget Study Session");
        Assert.That(Plain(amended), Does.StartWith(string.Join("\n",
            "The agenda has changed:",
            "- Item 3 moved to item 2: Adopt the budget",
            "- Item 3 re-worded: now \"Budget public hearing\" (was \"Budget hearing\")",
            "- Added item 4: Closed session",
            "- Removed item 4: Staff report")));

        await Clerk.Send<MeetingDetail>(HttpMethod.Put, $"/api/meetings/{id}", new MeetingRequest(null, "Budget Study Session", null,
            LocalDay(30).AddHours(18), "America/Los_Angeles", "Library"), HttpStatusCode.OK);
        var second = await PendingChangeNotice(id);
        Assert.That(second, Is.Not.EqualTo(first));
        await Send(second);
        var again = (await SmtpSink.WaitFor(email, 4)).Single(m => m.Subject == amended.Subject && m.MessageId != amended.MessageId);
        Assert.That(Plain(again), Does.StartWith("The agenda has changed:\n- New place: Library (was Council Chambers)\n\n"), "told once: only the new change");
    }

    [Test]
    public async Task ACancellation_OffersNoWayToTakePart_AndMessageIdsUseThePublicHost()
    {
        var email = await SubscribedByEmail();
        var meeting = await Meeting(LocalDay(20).AddHours(18));
        await SmtpSink.WaitFor(email, 2);
        await Clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{meeting.Meeting.Id}/cancel", new CancelRequest("No quorum expected"), HttpStatusCode.OK);

        var messages = await SmtpSink.WaitFor(email, 3);
        var cancelled = messages.Single(m => m.Subject == "Cancelled: Budget Study Session");
        Assert.That(Plain(cancelled), Does.Contain("No quorum expected").And.Not.Contain("/meetings/").And.Not.Contain("access code"));
        Assert.That(messages.Select(m => m.MessageId), Is.All.EndsWith("@" + new Uri(FakeTwilio.PublicBaseUrl).Host));
    }

    [Test]
    public async Task TheCalendarsEnd_IsTheAgendasEstimatedLength_OrTheBodysUsualLength()
    {
        var start = LocalDay(25).AddHours(18);
        var meeting = await Meeting(start);
        var utcStart = TimeZoneInfo.ConvertTimeToUtc(start, TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles"));
        string End(DateTime t) => $"DTEND:{t:yyyyMMdd'T'HHmmss'Z'}";
        async Task<string> Feed() => (await Host.Anonymous().GetStringAsync($"/api/bodies/{Body.Id}/calendar.ics")).Replace("\r\n ", "", StringComparison.Ordinal);

        Assert.That(await Feed(), Does.Contain(End(utcStart.AddMinutes(120))), "no estimates: the body's usual two hours");
        await Clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{meeting.Meeting.Id}/agenda",
            new AgendaItemRequest("Budget hearing", "PublicHearing", EstimatedMinutes: 50), HttpStatusCode.Created);
        await Clerk.Send<MeetingDetail>(HttpMethod.Put, $"/api/meetings/{meeting.Meeting.Id}/agenda/{meeting.Agenda[0].Id}",
            new AgendaItemRequest("Call to Order", "Procedural", EstimatedMinutes: 5), HttpStatusCode.OK);
        Assert.That(await Feed(), Does.Contain(End(utcStart.AddMinutes(55))));
    }

    [Test]
    public async Task WithoutAPublicAddress_OutsideDevelopment_NoticesAreNotSent_AndTheClerkIsTold()
    {
        Host.Dispose();
        Host = new TestHost(Folder, settings: new Dictionary<string, string?>(SmtpSink.Settings) { ["Jobs:PollMilliseconds"] = "200" });
        Clerk = await Host.SignInAsync(Demo.Clerk);

        var status = await Clerk.Get<NoticeStatus>("/api/notices/status");
        Assert.That(status.Problem, Does.Contain("PublicBaseUrl"));
        Assert.That(status.Email, Is.True);
        var meeting = await Meeting(LocalDay(20).AddHours(18));
        // The notice is planned by the follower after the commit: wait for it, then run its job by hand.
        Guid? Planned() => Host.WithDb(db => db.Notices.Where(n => n.MeetingId == meeting.Meeting.Id && n.Kind == NoticeKind.Published).Select(n => (Guid?)n.Id).SingleOrDefault());
        await Wait.Until(() => Planned() is not null, "the publication notice planned");
        var published = Planned()!.Value;
        await Send(published);
        Assert.That(Host.WithDb(db => db.Deliveries.Count(d => d.NoticeId == published)), Is.Zero, "nothing sent, nothing claimed");
        // It waits for the address however long that takes, looking again every ten minutes, rather than failing for good.
        var waiting = Host.WithDb(db => db.Notices.Single(n => n.Id == published));
        Assert.That(waiting.State, Is.EqualTo(NoticeState.Scheduled));
        using var scope = Host.Services.CreateScope();
        var next = scope.ServiceProvider.GetRequiredService<JobStorage>().GetMonitoringApi().ScheduledJobs(0, 100).SingleOrDefault(j => j.Key == waiting.JobId);
        Assert.That(next.Value?.EnqueueAt, Is.EqualTo((Host.Clock.GetUtcNow() + NoticeJobs.AddressWait).UtcDateTime).Within(TimeSpan.FromSeconds(1)));
    }

    [Test]
    public async Task InDevelopment_WithoutAPublicAddress_LinksUseTheAddressTheServerListensOn()
    {
        Host.Dispose();
        Host = new TestHost(Folder, settings: new Dictionary<string, string?>(SmtpSink.Settings) { ["Jobs:PollMilliseconds"] = "200" }, environment: "Development");
        var email = NewEmail();
        await Host.Anonymous().Send<SubscribeResult>(HttpMethod.Post, $"/api/bodies/{Body.Id}/subscriptions", new SubscribeRequest(email), HttpStatusCode.Accepted);

        var confirmation = (await SmtpSink.WaitFor(email)).Single();
        var listening = Host.BaseAddress.ToString().TrimEnd('/');
        Assert.That(confirmation.TextBody, Does.Contain($"{listening}/api/subscriptions/confirm?token="));
        Assert.That(listening, Does.Not.Contain("localhost:5000"));
    }
}
