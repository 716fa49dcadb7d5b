using Meetings.Client.Contracts;
using Meetings.Server.Live;
using Meetings.Server.Phone;
using Meetings.Server.Privacy;
using Meetings.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Privacy;

/// <summary>
/// Phone numbers are kept only while the meeting needs them: a number whose sign-up never reached the journal is
/// swept once it is ten minutes old, and every speaker's and caller's number goes seven days (configurable) after
/// the meeting is adjourned.
/// </summary>
public class ContactSweepTests
{
    private static async Task<(TestHost Host, LiveClient Clerk, Guid Id, Guid Item)> CommentOpen(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var host = new TestHost(settings: settings);
        var meeting = await host.Anonymous().DemoMeeting();
        var item = meeting.Agenda.First(i => i.TakesPublicComment).Id;
        var clerk = await LiveClient.ConnectAsync(host, Demo.Clerk, "clerk", meeting.Meeting.Id);
        await clerk.OpenPublicComment(meeting.Meeting.Id, item);
        return (host, clerk, meeting.Meeting.Id, item);
    }

    private static int Numbers(TestHost host) => host.WithDb(db => db.SpeakerContacts.Count() + db.PhoneCalls.Count());

    [Test]
    public async Task ANumberWhoseSignUpNeverReachedTheJournal_IsSwept_OnceItIsOlderThanTheGrace()
    {
        var (host, clerk, id, item) = await CommentOpen();
        using var _ = host;
        await using var __ = clerk;
        var real = await clerk.Invoke<Guid>("SignUpToSpeak", id, $"resident-{Guid.NewGuid():N}", new SignUpRequest(item, "Ana", Phone: "+1 503 555 0101"));
        // As a crash between keeping the number and committing the sign-up leaves it.
        var lost = Guid.NewGuid();
        host.WithDb(db =>
        {
            db.SpeakerContacts.Add(new SpeakerContact { EntryId = lost, MeetingId = id, Phone = "+15035550102", SavedAt = host.Clock.GetUtcNow() });
            return db.SaveChanges();
        });
        var sweep = host.Services.GetRequiredService<ContactSweep>();

        var early = await sweep.SweepAsync();
        host.Clock.Advance(ContactSweep.Grace + TimeSpan.FromSeconds(1));
        var late = await sweep.SweepAsync();

        Assert.That((early, late), Is.EqualTo((0, 1)), "a sign-up may still be committing within the grace");
        Assert.That(host.WithDb(db => db.SpeakerContacts.Select(c => c.EntryId).ToList()), Is.EqualTo(new[] { real }));
    }

    [TestCase(null, 7)]
    [TestCase("2", 2)]
    public async Task EverySpeakersAndCallersNumber_IsSwept_TheConfiguredDaysAfterAdjournment(string? configured, int days)
    {
        var (host, clerk, id, item) = await CommentOpen(configured is null ? null : new Dictionary<string, string?> { ["Privacy:PhoneNumberDays"] = configured });
        using var _ = host;
        await using var __ = clerk;
        await clerk.Invoke<Guid>("SignUpToSpeak", id, $"resident-{Guid.NewGuid():N}", new SignUpRequest(item, "Ana", Phone: "+1 503 555 0101"));
        host.WithDb(db =>
        {
            db.PhoneCalls.Add(new PhoneCall { CallSid = "CA" + Guid.NewGuid().ToString("N"), MeetingId = id, From = "+15035550103", CalledAt = host.Clock.GetUtcNow() });
            return db.SaveChanges();
        });
        await clerk.Do("Adjourn", id);
        var sweep = host.Services.GetRequiredService<ContactSweep>();
        Assert.That(Numbers(host), Is.EqualTo(2));

        host.Clock.Advance(TimeSpan.FromDays(days) - TimeSpan.FromMinutes(1));
        var before = await sweep.SweepAsync();
        var kept = Numbers(host);
        host.Clock.Advance(TimeSpan.FromMinutes(2));
        var after = await sweep.SweepAsync();

        Assert.That((before, kept), Is.EqualTo((0, 2)), "kept until the retention is up");
        Assert.That((after, Numbers(host)), Is.EqualTo((2, 0)));
    }
}
