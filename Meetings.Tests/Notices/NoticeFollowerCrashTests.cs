using System.Net;
using Meetings.Client.Contracts;
using Meetings.Server.Followers;
using Meetings.Tests.Support;

namespace Meetings.Tests.Notices;

/// <summary>Notices follow the journal: a server killed between amending a posted agenda and planning the notice plans it after it restarts, once.</summary>
public class NoticeFollowerCrashTests : NoticeFixture
{
    [TestCase(FollowerStage.BeforeActing)]
    [TestCase(FollowerStage.BeforeCheckpoint)]
    public async Task AServerKilledAfterAnAmendment_PlansTheAmendedNoticeAfterItRestarts_ExactlyOnce(FollowerStage killedAt)
    {
        var meeting = await Meeting(DaysAhead(30));
        var id = meeting.Meeting.Id;
        await WaitForReport(id, r => r.Count(n => n.Kind == "Reminder") == 2, "the publication's notices");
        // Armed past the publication, so the crash it stages is the amendment's.
        var crash = await Crash.ArmPastAsync(Host, "notices", id, meeting.Version, killedAt);
        var amended = await Clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{id}/agenda", new AgendaItemRequest("Budget hearing", "Discussion"), HttpStatusCode.Created);
        await crash.Happened();
        var before = (await Report(id)).Count(n => n.Kind == "Amended");
        Assert.That(before, Is.EqualTo(killedAt == FollowerStage.BeforeActing ? 0 : 1), "what the killed server did before it died");

        Host.Dispose();
        Host = NewHost();
        Clerk = await Host.SignInAsync(Demo.Clerk);

        await Wait.Until(() => Crash.Checkpoint(Host, "notices", id) >= amended.Version, "the notice follower past the amendment");
        var report = await Report(id);
        Assert.That(report.Count(n => n.Kind == "Amended"), Is.EqualTo(1), "one amended-agenda notice");
        Assert.That(report.Count(n => n.Kind == "Published"), Is.EqualTo(1));
        Assert.That(report.Count(n => n.Kind == "Reminder"), Is.EqualTo(2));
    }
}
