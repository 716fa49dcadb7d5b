using Meetings.Client.Contracts;
using Meetings.Server.Data;
using Meetings.Server.Meetings;
using Meetings.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Storage;

/// <summary>Commands on a database with SQL Server's kind of retries (<see cref="RetryingDatabase"/>).</summary>
public class RetryingDatabaseTests
{
    [Test]
    public async Task ACommitWhoseAnswerIsLost_IsNotDecidedAgain()
    {
        var losing = new LosesOneCommitsAnswer<JournalRow>();
        using var host = new TestHost(services: s => RetryingDatabase.Register(s, losing.Interceptors));
        var meeting = await host.Anonymous().DemoMeeting();
        var (id, item) = (meeting.Meeting.Id, meeting.Agenda[2].Id);
        await using var clerk = await LiveClient.ConnectAsync(host, Demo.Clerk, "clerk", id);
        await clerk.OpenPublicComment(id, item);

        losing.Arm();
        var entry = await clerk.Invoke<Guid>("AddRoomSpeaker", id, item, "Card 1", null, false);

        Assert.That(losing.Lost, "a commit's answer was lost");
        var journal = await host.Anonymous().Get<List<JournalEventDto>>($"/api/meetings/{id}/journal");
        Assert.That(journal.Count(e => e.Type == "SpeakerSignedUp"), Is.EqualTo(1), "the card is recorded once, not decided again on the retry");
        var queue = await host.Services.GetRequiredService<MeetingStore>().ReadAsync(id, m => m.QueueFor(item).Select(e => e.Id).ToList());
        Assert.That(queue, Is.EqualTo(new[] { entry }), "the state this instance holds has the card the clerk was answered with");
        await clerk.WaitUntil(s => s.Speakers.Count == 1 && s.Speakers[0].Id == entry, "the card on the clerk's screen");
    }

    [TestCase(false, TestName = "AnAccountWhoseCommitsAnswerIsLost_IsMadeOnce_AndTheAdminIsToldItWas")]
    [TestCase(true, TestName = "AnAccountWhoseCommitFails_IsMadeOnTheRetry_AndTheAdminIsToldItWas")]
    public async Task AnAccountWhoseCommitFails(bool beforeItTakes)
    {
        var losing = new LosesOneCommitsAnswer<Meetings.Server.Identity.MeetingsUser>(beforeItTakes);
        using var host = new TestHost(services: s => RetryingDatabase.Register(s, losing.Interceptors));
        var admin = await host.SignInAsync(Demo.Admin);

        losing.Arm();
        var made = await admin.Send<UserInfo>(HttpMethod.Post, "/api/users",
            new CreateUserRequest("new.clerk@city.gov", "New Clerk", "a-long-password-1", "Clerk"), System.Net.HttpStatusCode.Created);

        Assert.That(losing.Lost, "the account's commit failed");
        Assert.That(made.Roles, Is.EqualTo(new[] { "Clerk" }));
        var accounts = await admin.Get<List<UserInfo>>("/api/users");
        Assert.That(accounts.Where(u => u.Email == "new.clerk@city.gov").Select(u => u.Id), Is.EqualTo(new[] { made.Id }), "made once");
    }

    [Test]
    public async Task CommandsUnderARetryingStrategy_AreRecorded_AndOneRunAgainAfterATransientFailure_IsRecordedOnce()
    {
        var failing = new LosesOneCommitsAnswer<JournalRow>(beforeItTakes: true);
        using var host = new TestHost(services: s => RetryingDatabase.Register(s, failing.Interceptors));
        var meeting = await host.Anonymous().DemoMeeting();
        var (id, item) = (meeting.Meeting.Id, meeting.Agenda[2].Id);
        await using var clerk = await LiveClient.ConnectAsync(host, Demo.Clerk, "clerk", id);
        await clerk.OpenPublicComment(id, item);

        failing.Arm();
        var entry = await clerk.Invoke<Guid>("AddRoomSpeaker", id, item, "Card 1", null, false);

        Assert.That(failing.Lost, "the first try to append failed");
        var journal = await host.Anonymous().Get<List<JournalEventDto>>($"/api/meetings/{id}/journal");
        Assert.That(journal.Count(e => e.Type == "SpeakerSignedUp"), Is.EqualTo(1), "recorded once");
        Assert.That(journal.Select(e => e.Sequence), Is.EqualTo(Enumerable.Range(1, journal.Count).Select(i => (long)i)), "contiguous");
        var queue = await host.Services.GetRequiredService<MeetingStore>().ReadAsync(id, m => m.QueueFor(item).Select(e => e.Id).ToList());
        Assert.That(queue, Is.EqualTo(new[] { entry }), "the state this instance holds has the card once, as the journal does");
        await clerk.WaitUntil(s => s.Speakers.Count == 1 && s.Speakers[0].Id == entry, "the card on the clerk's screen");
    }
}
