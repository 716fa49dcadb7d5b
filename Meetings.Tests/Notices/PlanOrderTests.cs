using System.Net;
using Hangfire;
using Meetings.Client.Contracts;
using Meetings.Server.Meetings;
using Meetings.Server.Notices;
using Meetings.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Notices;

/// <summary>
/// Every instance plans every change, each from its own read of the meeting, so a plan read before a change can be
/// applied after that change's plan: it must not undo it. Jobs are handed to Hangfire after the plan's commit, so a
/// server can stop in between: the next plan hands them over.
/// </summary>
public class PlanOrderTests : NoticeFixture
{
    [Test]
    public async Task APlanReadBeforeTheMeetingMoved_AppliedAfterTheMovesPlan_BringsBackNoReminderOfTheOldTime()
    {
        var meeting = await Meeting(DaysAhead(20));
        var id = meeting.Meeting.Id;
        await WaitForReport(id, r => r.Count(n => n.Kind == "Reminder") == 2, "two reminders");
        var readBeforeTheMove = await PlanNow(id, amendedAt: null);

        var later = DaysAhead(22, 17);
        await Clerk.Send<MeetingDetail>(HttpMethod.Put, $"/api/meetings/{id}",
            new MeetingRequest(null, "Budget Study Session", null, later, "America/Los_Angeles", "Council Chambers"), HttpStatusCode.OK);
        await WaitForReport(id, r => r.Count(n => n.Kind == "Reminder" && n.State == "Scheduled") == 2 &&
            r.Count(n => n.Kind == "Reminder" && n.State == "Dropped") == 2, "the reminders moved");

        await Apply(readBeforeTheMove);

        var reminders = (await Report(id)).Where(n => n.Kind == "Reminder" && n.State == "Scheduled").Select(n => n.DueAt);
        Assert.That(reminders, Is.EqualTo(new[] { Dates.Instant(later.AddDays(-1), "America/Los_Angeles"), Dates.Instant(later, "America/Los_Angeles").AddHours(-1) }),
            "only the new time's reminders are scheduled");
    }

    [Test]
    public async Task APlanReadBeforeAnother_AppliedAfterIt_StillAddsTheNoticeOfItsOwnChange()
    {
        var meeting = await Meeting(DaysAhead(20));
        var id = meeting.Meeting.Id;
        await WaitForReport(id, r => r.Count(n => n.Kind == "Reminder") == 2, "two reminders");
        // The plan of a change that amended the agenda, and the plan of a later change (read from a later version) that did not.
        var amending = await PlanNow(id, amendedAt: meeting.Version);
        var later = amending with { Version = amending.Version + 1, Wanted = [.. amending.Wanted.Where(w => w.Kind != NoticeKind.Amended)] };

        await Apply(later);
        await Apply(amending);

        var report = await Report(id);
        Assert.That(report.Count(n => n.Kind == "Amended"), Is.EqualTo(1), "the amended-agenda notice, planned once");
        Assert.That(report.Count(n => n.Kind == "Reminder" && n.State == "Scheduled"), Is.EqualTo(2));
    }

    [Test]
    public async Task AServerThatStoppedBeforeHandingJobsOver_LeavesThemToTheNextPlan()
    {
        var meeting = await Meeting(DaysAhead(20));
        var id = meeting.Meeting.Id;
        await Wait.Until(() => Host.WithDb(db => db.Notices.Count(n => n.MeetingId == id && n.Kind == NoticeKind.Reminder && n.JobId != null)) == 2,
            "two reminders handed to Hangfire");
        var plan = await PlanNow(id, amendedAt: null);
        // As a server that stopped after the commit leaves them: one reminder stored with no job yet, the other dropped
        // with its job not yet deleted.
        var (waiting, dropped) = Host.WithDb(db =>
        {
            var reminders = db.Notices.Where(n => n.MeetingId == id && n.Kind == NoticeKind.Reminder).OrderBy(n => n.DueAt).ToList();
            (reminders[0].JobId, reminders[1].State) = (null, NoticeState.Dropped);
            db.SaveChanges();
            return (reminders[0].Id, reminders[1]);
        });

        await Apply(plan with { Wanted = [.. plan.Wanted.Where(w => w.Key != dropped.Key)] });

        var jobs = Host.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        var (waitingJob, droppedJob) = Host.WithDb(db => (db.Notices.Single(n => n.Id == waiting).JobId, db.Notices.Single(n => n.Id == dropped.Id).JobId));
        Assert.That(waitingJob, Is.Not.Null, "the stored reminder got its job");
        Assert.That(jobs.JobDetails(waitingJob)?.History.FirstOrDefault()?.StateName, Is.EqualTo("Scheduled"));
        Assert.That(droppedJob, Is.Null, "the dropped reminder's job is let go");
        Assert.That(jobs.JobDetails(dropped.JobId)?.History.FirstOrDefault()?.StateName, Is.EqualTo("Deleted"));
    }

    private async Task<NoticePlan> PlanNow(Guid meetingId, long? amendedAt) =>
        await Host.Services.GetRequiredService<MeetingStore>().ReadAsync(meetingId, m => NoticePlan.For(m, amendedAt, Host.Clock.GetUtcNow()));

    /// <summary>Applies a plan as an instance's notice follower would.</summary>
    private async Task Apply(NoticePlan plan)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<NoticePlanner>().ApplyAsync(plan);
    }
}
