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
    public async Task AMailboxWithTwoSubscriberRows_GetsOneCopyOfANotice()
    {
        var email = await SubscribedByEmail();
        // A second confirmed row for the same mailbox, in other capitals: what two requests at once can leave on a
        // database that lets both in, or an address kept before addresses were lowered.
        Host.WithDb(db =>
        {
            var first = db.Subscribers.Single(s => s.Email == email);
            db.Subscribers.Add(new Meetings.Server.Notices.Subscriber
            {
                Id = Guid.NewGuid(), BodyId = first.BodyId, Email = email.ToUpperInvariant(), Token = "second-row-token-0123456789", SmsCode = "123456",
                CreatedAt = first.CreatedAt.AddSeconds(1), EmailConfirmedAt = first.EmailConfirmedAt,
            });
            return db.SaveChanges();
        });

        var meeting = await Meeting(DaysAhead(20));

        await WaitForReport(meeting.Meeting.Id, r => r.Any(n => n.Kind == "Published" && n.State == "Sent"), "the published notice sent");
        Assert.That((await Report(meeting.Meeting.Id)).Single(n => n.Kind == "Published").Sent, Is.EqualTo(1));
        var notice = SmtpSink.MessagesTo(email).Single(m => m.Subject?.StartsWith("Agenda", StringComparison.Ordinal) == true);

        // Its unsubscribe link stops the mailbox, not only the row it was sent from.
        var stop = await Host.Anonymous().PostAsync(new Uri(LinkIn(notice.TextBody ?? "", "/api/subscriptions/unsubscribe?token=")).PathAndQuery, null);
        Assert.That(stop.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Host.WithDb(db => db.Subscribers.AsEnumerable().Count(s => s.BodyId == Body.Id && string.Equals(s.Email, email, StringComparison.OrdinalIgnoreCase) && s.EmailStoppedAt == null)), Is.Zero,
            "no row of the mailbox receives");
    }

    [Test]
    public async Task Publishing_EmailsConfirmedSubscribers_WithTheLinkThePhoneLineAndAOneClickUnsubscribe()
    {
        var email = await SubscribedByEmail();
        var unconfirmed = NewEmail();
        await Host.Anonymous().Send<SubscribeResult>(HttpMethod.Post, $"/api/bodies/{Body.Id}/subscriptions", new SubscribeRequest(unconfirmed), HttpStatusCode.Accepted);

        var meeting = await Meeting(DaysAhead(20));

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
        await Meeting(DaysAhead(20));
        var notice = (await SmtpSink.WaitFor(email, 2)).Single(m => m.Subject?.StartsWith("Agenda", StringComparison.Ordinal) == true);
        Assert.That(notice.Subject, Is.EqualTo("Agenda publicada: Budget Study Session"));
        Assert.That(notice.TextBody, Does.Contain("Para participar por teléfono").And.Contain("Se publicó la agenda"));
    }

    [TestCase("America/Los_Angeles", 18)]
    [TestCase("Europe/Berlin", 19)]
    [TestCase("America/New_York", 19)]
    public async Task Reminders_FallADayBeforeAtTheSameLocalTime_AndAnHourBefore_AcrossDaylightSaving(string zone, int hour)
    {
        // The evening of the next day the clocks change (far enough ahead for 72 hours' notice): the day before
        // had the other offset, so "the same time the day before" is 23 or 25 hours earlier, not 24.
        var local = Dates.NextClockChange(zone, Host.Clock.GetUtcNow().AddDays(5)).AddHours(hour);
        var start = Dates.Instant(local, zone);
        var dayBefore = Dates.Instant(local.AddDays(-1), zone);
        Assert.That((start - dayBefore).TotalHours, Is.EqualTo(23).Or.EqualTo(25), "the day before is on the other side of the change");

        var meeting = await Meeting(local, zone);
        var reminders = (await WaitForReport(meeting.Meeting.Id, r => r.Count(n => n.Kind == "Reminder") == 2, "two reminders"))
            .Where(n => n.Kind == "Reminder").Select(n => n.DueAt.UtcDateTime).ToList();
        Assert.That(reminders, Is.EqualTo(new[] { dayBefore.UtcDateTime, start.AddHours(-1).UtcDateTime }));
        // The notice is stored before its job is handed to Hangfire: wait for the job rather than catch it in between.
        using var scope = Host.Services.CreateScope();
        var monitoring = scope.ServiceProvider.GetRequiredService<JobStorage>().GetMonitoringApi();
        await Wait.Until(() => reminders.All(r => monitoring.ScheduledJobs(0, 100).Any(j => j.Value.EnqueueAt == r)), "Hangfire holding a job at each reminder time");
    }

    [Test]
    public async Task Rescheduling_MovesThePendingReminders_AndCancelling_DropsThemAndSendsACancellation()
    {
        var email = await SubscribedByEmail();
        var meeting = await Meeting(DaysAhead(20));
        await WaitForReport(meeting.Meeting.Id, r => r.Count(n => n.Kind == "Reminder") == 2, "two reminders");

        var later = DaysAhead(22, 17);
        await Clerk.Send<MeetingDetail>(HttpMethod.Put, $"/api/meetings/{meeting.Meeting.Id}",
            new MeetingRequest(null, "Budget Study Session", null, later, "America/Los_Angeles", "Council Chambers"), HttpStatusCode.OK);
        var moved = await WaitForReport(meeting.Meeting.Id, r => r.Count(n => n.Kind == "Reminder" && n.State == "Scheduled") == 2 &&
            r.Count(n => n.Kind == "Reminder" && n.State == "Dropped") == 2, "the reminders moved");
        Assert.That(moved.Where(n => n.Kind == "Reminder" && n.State == "Scheduled").Select(n => n.DueAt),
            Is.EqualTo(new[] { Dates.Instant(later.AddDays(-1), "America/Los_Angeles"), Dates.Instant(later, "America/Los_Angeles").AddHours(-1) }));

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
    public async Task AMeetingMovedAndMovedBack_HasItsRemindersAgain()
    {
        var first = DaysAhead(20);
        var meeting = await Meeting(first);
        await WaitForReport(meeting.Meeting.Id, r => r.Count(n => n.Kind == "Reminder") == 2, "two reminders");
        async Task MoveTo(DateTime start) => await Clerk.Send<MeetingDetail>(HttpMethod.Put, $"/api/meetings/{meeting.Meeting.Id}",
            new MeetingRequest(null, "Budget Study Session", null, start, "America/Los_Angeles", "Council Chambers"), HttpStatusCode.OK);
        await MoveTo(DaysAhead(22, 17));
        await WaitForReport(meeting.Meeting.Id, r => r.Count(n => n.Kind == "Reminder" && n.State == "Dropped") == 2, "the first reminders dropped");
        await MoveTo(first);

        var back = await WaitForReport(meeting.Meeting.Id, r => r.Count(n => n.Kind == "Reminder") == 4 &&
            r.Count(n => n.Kind == "Reminder" && n.State == "Scheduled") == 2 &&
            r.Where(n => n.Kind == "Reminder" && n.State == "Scheduled").All(n => n.DueAt < DaysAhead(21)), "the first reminders scheduled again, the others dropped");
        var due = new[] { Dates.Instant(first.AddDays(-1), "America/Los_Angeles"), Dates.Instant(first, "America/Los_Angeles").AddHours(-1) };
        Assert.That(back.Where(n => n.Kind == "Reminder" && n.State == "Scheduled").Select(n => n.DueAt), Is.EquivalentTo(due));
        using var scope = Host.Services.CreateScope();
        var monitoring = scope.ServiceProvider.GetRequiredService<JobStorage>().GetMonitoringApi();
        await Wait.Until(() => due.All(d => monitoring.ScheduledJobs(0, 100).Any(j => j.Value.EnqueueAt == d.UtcDateTime)), "Hangfire holding a job at each reminder time");
    }

    [Test]
    public async Task AnAgendaAmendedAfterPublication_GetsOneAmendedNotice_ForSeveralEdits()
    {
        var meeting = await Meeting(DaysAhead(30));
        foreach (var title in new[] { "Budget hearing", "Staff report", "Closed session" })
            await Clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{meeting.Meeting.Id}/agenda", new AgendaItemRequest(title, "Discussion"), HttpStatusCode.Created);
        var report = await WaitForReport(meeting.Meeting.Id, r => r.Any(n => n.Kind == "Amended"), "an amended notice");
        var amended = report.Single(n => n.Kind == "Amended");
        Assert.That(amended.State, Is.EqualTo("Scheduled"));
        Assert.That(amended.DueAt, Is.EqualTo(Host.Clock.GetUtcNow() + NoticePlan.AmendmentQuietPeriod).Within(TimeSpan.FromMinutes(1)));
    }

    [Test]
    public async Task ADeliveryJob_RunTwiceOnEachOfTwoServersAtOnce_BeforeAnythingIsClaimed_SendsEachNoticeOnce()
    {
        var emails = new List<string>();
        for (var i = 0; i < 2; i++) emails.AddRange(await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => SubscribedByEmail())));
        var meeting = await Meeting(DaysAhead(20));
        await WaitForReport(meeting.Meeting.Id, r => r.Count(n => n.Kind == "Reminder") == 2, "two reminders");
        // A reminder days ahead: no job has touched it, so no delivery of it is claimed yet.
        var reminder = Host.WithDb(db => db.Notices.Where(n => n.MeetingId == meeting.Meeting.Id && n.Kind == NoticeKind.Reminder).AsEnumerable().MinBy(n => n.DueAt)!.Id);
        Assert.That(Host.WithDb(db => db.Deliveries.Count(d => d.NoticeId == reminder)), Is.Zero);

        // Four runs of its job, two on each server, held at a gate until all are ready and then let go together: they race for every delivery.
        using var second = NewHost();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = new[] { Host, second, Host, second }.Select(host => Task.Run(async () =>
        {
            using var scope = host.Services.CreateScope();
            var job = scope.ServiceProvider.GetRequiredService<NoticeJobs>();
            await gate.Task;
            try
            {
                await job.SendAsync(reminder);
            }
            catch (InvalidOperationException e) when (e.Message.Contains("being sent by another run", StringComparison.Ordinal))
            {
                // Found deliveries the other runs held: Hangfire would run it again later, when they are done.
            }
        })).ToList();
        gate.SetResult();
        await Task.WhenAll(runs);
        await RunNoticeJob(reminder);

        foreach (var email in emails)
            Assert.That(SmtpSink.MessagesTo(email).Count(m => m.Subject?.StartsWith("Reminder", StringComparison.Ordinal) == true), Is.EqualTo(1), email);
        var deliveries = Host.WithDb(db => db.Deliveries.Where(d => d.NoticeId == reminder).ToList());
        Assert.That(deliveries.Select(d => (d.State, d.Attempts)).ToList(), Has.Count.EqualTo(emails.Count).And.All.EqualTo((DeliveryState.Sent, 1)));
    }

    [Test]
    public async Task AnEmailClaimedByARunThatStopped_IsSentOnceTheClaimRunsOut_AndNotBefore()
    {
        var email = await SubscribedByEmail();
        var meeting = await Meeting(DaysAhead(20));
        var reminder = await FirstReminder(meeting.Meeting.Id);
        ClaimedByARunThatStopped(reminder, Host.WithDb(db => db.Subscribers.Single(s => s.Email == email).Id), Channel.Email);
        int Reminders() => SmtpSink.MessagesTo(email).Count(m => m.Subject?.StartsWith("Reminder", StringComparison.Ordinal) == true);

        // While the claim may still be a run at work, the job leaves the delivery alone and fails, so that Hangfire looks again later.
        var held = Assert.ThrowsAsync<InvalidOperationException>(() => RunNoticeJob(reminder));
        Assert.That(held!.Message, Does.Contain("1 were being sent by another run"));
        Assert.That(Reminders(), Is.Zero);

        Host.Clock.Advance(NoticeJobs.ClaimAbandonedAfter + TimeSpan.FromSeconds(1));
        await RunNoticeJob(reminder);
        Assert.That(Reminders(), Is.EqualTo(1), "sent once the claim ran out");
        var delivery = Host.WithDb(db => db.Deliveries.Single(d => d.NoticeId == reminder));
        Assert.That((delivery.State, delivery.Attempts), Is.EqualTo((DeliveryState.Sent, 2)));
        await RunNoticeJob(reminder);
        Assert.That(Reminders(), Is.EqualTo(1), "and never again");
    }

    [TestCase("en", "Reminder: Budget Study Session")]
    [TestCase("es", "Recordatorio: Budget Study Session")]
    public async Task AReminder_IsSentWhenTheAppsClockReachesItsTime_WithTheLinkThePhoneNumberAndTheAccessCode(string language, string subject)
    {
        var email = await SubscribedByEmail(language);
        var meeting = await Meeting(DaysAhead(20));
        var id = meeting.Meeting.Id;
        var planned = await WaitForReport(id, r => r.Count(n => n.Kind == "Reminder") == 2, "two reminders");
        var dayBefore = planned.Where(n => n.Kind == "Reminder").Min(n => n.DueAt);
        Assert.That(SmtpSink.MessagesTo(email).Where(m => m.Subject?.StartsWith(subject[..8], StringComparison.Ordinal) == true), Is.Empty, "not at publication");

        // The day before, at the meeting's time: Hangfire's scheduler, on the app's clock, runs the reminder's job.
        Host.Clock.SetUtcNow(dayBefore);
        Clerk = await Host.SignInAsync(Demo.Clerk); // weeks have passed: the clerk signs in again
        var reminder = await SmtpSink.WaitFor(email, m => m.Subject?.StartsWith(subject, StringComparison.Ordinal) == true, "the reminder");

        Assert.That(reminder.TextBody, Does.Contain($"{FakeTwilio.PublicBaseUrl}/meetings/{id}").And.Contain(PhoneNumbers.Display(FakeTwilio.PhoneNumber)).And.Contain(meeting.AccessCode));
        // The delivery is recorded as it is made, the notice as sent once its job has finished: wait for both.
        var report = await WaitForReport(id, r => r.Any(n => n.Kind == "Reminder" && n.Sent == 1 && n.State == "Sent"), "the reminder recorded as sent");
        Assert.That(report.Where(n => n.Kind == "Reminder").OrderBy(n => n.DueAt).Select(n => (n.State, n.Sent)),
            Is.EqualTo(new[] { ("Sent", 1), ("Scheduled", 0) }), "the hour-before reminder waits for its own time");
        var reminderId = Host.WithDb(db => db.Notices.Where(n => n.MeetingId == id && n.Kind == NoticeKind.Reminder).AsEnumerable().MinBy(n => n.DueAt)!.Id);
        var sentAt = Host.WithDb(db => db.Deliveries.Single(d => d.NoticeId == reminderId).SentAt);
        Assert.That(sentAt, Is.EqualTo(dayBefore), "sent when the clock said it was time, not before");
    }

    [Test]
    public async Task ScheduledReminders_SurviveARestartOfTheHost()
    {
        var meeting = await Meeting(DaysAhead(40));
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
        var meeting = await Meeting(DaysAhead(20));
        var report = await WaitForReport(meeting.Meeting.Id, r => r.Any(n => n.Kind == "Published" && n.Failed == 1), "a failed delivery");
        var problem = report.Single(n => n.Kind == "Published").Problems.Single();
        Assert.That((problem.Channel, problem.State, problem.Attempts), Is.EqualTo(("Email", "Failed", 1)));
        Assert.That(problem.Error, Does.Contain("refused").IgnoreCase.Or.Contain("connect").IgnoreCase);
        Assert.That(SmtpSink.MessagesTo(email), Has.Count.EqualTo(1));
    }
}
