using System.Net;
using Hangfire;
using Meetings.Client.Contracts;
using Meetings.Server.Data;
using Meetings.Server.Notices;
using Meetings.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Notices;

public class NoticeTests : NoticeFixture
{
    [Test]
    public async Task Publishing_EmailsConfirmedSubscribers_WithTheLinkThePhoneLineAndAOneClickUnsubscribe()
    {
        var email = await SubscribedByEmail();
        var unconfirmed = NewEmail();
        await Host.Anonymous().Send<SubscribeResult>(HttpMethod.Post, $"/api/bodies/{Body.Id}/subscriptions", new SubscribeRequest(unconfirmed), HttpStatusCode.Accepted);

        var meeting = await Meeting(DateTime.UtcNow.AddDays(20).Date.AddHours(18));

        var notice = (await SmtpSink.WaitFor(email, 2)).Single(m => m.Subject?.StartsWith("Agenda", StringComparison.Ordinal) == true);
        Assert.That(notice.Subject, Is.EqualTo("Agenda posted: Budget Study Session"));
        Assert.That(notice.TextBody, Does.Contain($"{FakeTwilio.PublicBaseUrl}/meetings/{meeting.Meeting.Id}")
            .And.Contain(PhoneNumbers.Display(FakeTwilio.PhoneNumber)).And.Contain($"access code {meeting.AccessCode} followed by #").And.Contain("Council Chambers"));
        Assert.That(notice.Headers["List-Unsubscribe-Post"], Is.EqualTo("List-Unsubscribe=One-Click"));
        var unsubscribe = LinkIn(notice.TextBody ?? "", "/api/subscriptions/unsubscribe?token=");
        Assert.That(notice.Headers["List-Unsubscribe"], Is.EqualTo($"<{unsubscribe}>"));
        var report = await WaitForReport(meeting.Meeting.Id, r => r.Any(n => n.Kind == "Published" && n.Sent == 1), "the published notice sent");
        Assert.That(SmtpSink.MessagesTo(unconfirmed), Has.Count.EqualTo(1), "only the confirmation: never a notice before opting in");

        // One click (a POST, as mail programs send it) and the next notice does not come.
        var stop = await Host.Anonymous().PostAsync(new Uri(unsubscribe).PathAndQuery, new FormUrlEncodedContent(new Dictionary<string, string> { ["List-Unsubscribe"] = "One-Click" }));
        Assert.That(stop.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await Clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{meeting.Meeting.Id}/cancel", new CancelRequest("Budget not ready"), HttpStatusCode.OK);
        await WaitForReport(meeting.Meeting.Id, r => r.Any(n => n.Kind == "Cancelled" && n.State == "Sent"), "the cancellation processed");
        Assert.That(SmtpSink.MessagesTo(email), Has.Count.EqualTo(2));
    }

    [Test]
    public async Task ASpanishSubscriber_GetsNoticesInSpanish()
    {
        var email = await SubscribedByEmail("es");
        await Meeting(DateTime.UtcNow.AddDays(20).Date.AddHours(18));
        var notice = (await SmtpSink.WaitFor(email, 2)).Single(m => m.Subject?.StartsWith("Agenda", StringComparison.Ordinal) == true);
        Assert.That(notice.Subject, Is.EqualTo("Agenda publicada: Budget Study Session"));
        Assert.That(notice.TextBody, Does.Contain("Para participar por teléfono").And.Contain("Se publicó la agenda"));
    }

    [TestCase("America/Los_Angeles", "2027-03-15T18:00:00", "2027-03-15T01:00:00Z", "2027-03-16T00:00:00Z")] // DST began March 14
    [TestCase("Europe/Berlin", "2027-03-29T19:00:00", "2027-03-28T17:00:00Z", "2027-03-29T16:00:00Z")]     // DST began March 28
    [TestCase("America/New_York", "2027-11-08T19:00:00", "2027-11-08T00:00:00Z", "2027-11-08T23:00:00Z")]  // DST ended November 7
    public async Task Reminders_FallADayBeforeAtTheSameLocalTime_AndAnHourBefore_AcrossDaylightSaving(string zone, string local, string dayBefore, string hourBefore)
    {
        var meeting = await Meeting(DateTime.Parse(local, System.Globalization.CultureInfo.InvariantCulture), zone);
        var reminders = (await WaitForReport(meeting.Meeting.Id, r => r.Count(n => n.Kind == "Reminder") == 2, "two reminders"))
            .Where(n => n.Kind == "Reminder").Select(n => n.DueAt.UtcDateTime).ToList();
        Assert.That(reminders, Is.EqualTo(new[] { DateTime.Parse(dayBefore, null, System.Globalization.DateTimeStyles.AdjustToUniversal),
            DateTime.Parse(hourBefore, null, System.Globalization.DateTimeStyles.AdjustToUniversal) }));
        using var scope = Host.Services.CreateScope();
        var scheduled = scope.ServiceProvider.GetRequiredService<JobStorage>().GetMonitoringApi().ScheduledJobs(0, 100);
        Assert.That(scheduled.Select(j => j.Value.EnqueueAt), Is.SupersetOf(reminders), "Hangfire holds a job at each reminder time");
    }

    [Test]
    public async Task Rescheduling_MovesThePendingReminders_AndCancelling_DropsThemAndSendsACancellation()
    {
        var email = await SubscribedByEmail();
        var meeting = await Meeting(new DateTime(2027, 5, 10, 18, 0, 0));
        await WaitForReport(meeting.Meeting.Id, r => r.Count(n => n.Kind == "Reminder") == 2, "two reminders");

        await Clerk.Send<MeetingDetail>(HttpMethod.Put, $"/api/meetings/{meeting.Meeting.Id}",
            new MeetingRequest(null, "Budget Study Session", null, new DateTime(2027, 5, 12, 17, 0, 0), "America/Los_Angeles", "Council Chambers"), HttpStatusCode.OK);
        var moved = await WaitForReport(meeting.Meeting.Id, r => r.Count(n => n.Kind == "Reminder" && n.State == "Scheduled") == 2 &&
            r.Count(n => n.Kind == "Reminder" && n.State == "Dropped") == 2, "the reminders moved");
        Assert.That(moved.Where(n => n.Kind == "Reminder" && n.State == "Scheduled").Select(n => n.DueAt),
            Is.EqualTo(new[] { new DateTimeOffset(2027, 5, 12, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2027, 5, 12, 23, 0, 0, TimeSpan.Zero) }));

        await Clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{meeting.Meeting.Id}/cancel", new CancelRequest("The budget is not ready"), HttpStatusCode.OK);
        var cancelled = await WaitForReport(meeting.Meeting.Id, r => r.Any(n => n.Kind == "Cancelled" && n.Sent == 1), "the cancellation sent");
        Assert.That(cancelled.Where(n => n.Kind == "Reminder").Select(n => n.State), Is.All.EqualTo("Dropped"));
        var cancellation = SmtpSink.MessagesTo(email).Single(m => m.Subject?.StartsWith("Cancelled", StringComparison.Ordinal) == true);
        Assert.That(cancellation.Subject, Is.EqualTo("Cancelled: Budget Study Session"));
        Assert.That(cancellation.TextBody, Does.Contain("The budget is not ready"));
        using var scope = Host.Services.CreateScope();
        var noticeIds = scope.ServiceProvider.GetRequiredService<MeetingsDbContext>().Notices
            .Where(n => n.MeetingId == meeting.Meeting.Id).Select(n => n.Id).ToList();
        var stillScheduled = scope.ServiceProvider.GetRequiredService<JobStorage>().GetMonitoringApi().ScheduledJobs(0, 100)
            .Where(j => j.Value.Job?.Args is [Guid id, ..] && noticeIds.Contains(id));
        Assert.That(stillScheduled, Is.Empty, "no Hangfire job is left for the cancelled meeting");
    }

    [Test]
    public async Task AnAgendaAmendedAfterPublication_GetsOneAmendedNotice_ForSeveralEdits()
    {
        var meeting = await Meeting(DateTime.UtcNow.AddDays(30).Date.AddHours(18));
        foreach (var title in new[] { "Budget hearing", "Staff report", "Closed session" })
            await Clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{meeting.Meeting.Id}/agenda", new AgendaItemRequest(title, "Discussion"), HttpStatusCode.Created);
        var report = await WaitForReport(meeting.Meeting.Id, r => r.Any(n => n.Kind == "Amended"), "an amended notice");
        var amended = report.Single(n => n.Kind == "Amended");
        Assert.That(amended.State, Is.EqualTo("Scheduled"));
        Assert.That(amended.DueAt, Is.EqualTo(Host.Clock.GetUtcNow() + NoticePlan.AmendmentQuietPeriod).Within(TimeSpan.FromMinutes(1)));
    }

    [Test]
    public async Task ADeliveryJobRunTwice_AndOnTwoServersAtOnce_SendsEachNoticeOnce()
    {
        var email = await SubscribedByEmail();
        var meeting = await Meeting(DateTime.UtcNow.AddDays(20).Date.AddHours(18));
        await SmtpSink.WaitFor(email, 2);
        Guid published;
        using (var scope = Host.Services.CreateScope())
            published = scope.ServiceProvider.GetRequiredService<MeetingsDbContext>().Notices.Single(n => n.MeetingId == meeting.Meeting.Id && n.Kind == NoticeKind.Published).Id;

        using var second = NewHost();
        await Task.WhenAll(RunJob(Host, published), RunJob(second, published), RunJob(Host, published));
        await Task.Delay(500);

        Assert.That(SmtpSink.MessagesTo(email), Has.Count.EqualTo(2), "the confirmation and one notice");
        var report = await Report(meeting.Meeting.Id);
        Assert.That(report.Single(n => n.Kind == "Published").Sent, Is.EqualTo(1));
    }

    private static async Task RunJob(TestHost host, Guid noticeId)
    {
        using var scope = host.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<NoticeJobs>().SendAsync(noticeId);
    }

    [Test]
    public async Task ScheduledReminders_SurviveARestartOfTheHost()
    {
        var meeting = await Meeting(DateTime.UtcNow.AddDays(40).Date.AddHours(18));
        var before = await WaitForReport(meeting.Meeting.Id, r => r.Count(n => n.Kind == "Reminder") == 2, "two reminders");
        Host.Dispose();
        Host = NewHost();
        Clerk = await Host.SignInAsync(Demo.Clerk);

        var after = await Report(meeting.Meeting.Id);
        Assert.That(after.Where(n => n.Kind == "Reminder").Select(n => (n.DueAt, n.State)), Is.EqualTo(before.Where(n => n.Kind == "Reminder").Select(n => (n.DueAt, n.State))));
        using var scope = Host.Services.CreateScope();
        var jobs = scope.ServiceProvider.GetRequiredService<JobStorage>().GetMonitoringApi().ScheduledJobs(0, 100);
        Assert.That(jobs.Select(j => j.Value.EnqueueAt), Is.SupersetOf(before.Where(n => n.Kind == "Reminder").Select(n => n.DueAt.UtcDateTime)));
    }

    [Test]
    public async Task AFailingMailServer_ShowsInTheDeliveryReport_WithTheReason()
    {
        var email = await SubscribedByEmail();
        Host.Dispose();
        Host = new TestHost(Folder, settings: new Dictionary<string, string?>(Twilio.Settings)
        {
            ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = "1", ["Smtp:Security"] = "None", ["Jobs:PollMilliseconds"] = "200",
        });
        Clerk = await Host.SignInAsync(Demo.Clerk);
        var meeting = await Meeting(DateTime.UtcNow.AddDays(20).Date.AddHours(18));
        var report = await WaitForReport(meeting.Meeting.Id, r => r.Any(n => n.Kind == "Published" && n.Failed == 1), "a failed delivery");
        var problem = report.Single(n => n.Kind == "Published").Problems.Single();
        Assert.That((problem.Channel, problem.State, problem.Attempts), Is.EqualTo(("Email", "Failed", 1)));
        Assert.That(problem.Error, Does.Contain("refused").IgnoreCase.Or.Contain("connect").IgnoreCase);
        Assert.That(SmtpSink.MessagesTo(email), Has.Count.EqualTo(1));
    }
}
