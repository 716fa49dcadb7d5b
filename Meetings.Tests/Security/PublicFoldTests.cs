using System.Net;
using System.Security.Claims;
using Meetings.Client.Contracts;
using Meetings.Server.Journal;
using Meetings.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Security;

/// <summary>
/// Records are folded from whole journals for the public a few at a time (<c>Records:PublicFoldsAtOnce</c>): past
/// those, a few wait their turn (<c>Records:PublicFoldsWaiting</c>) and the rest are refused at once with 503 and
/// <c>Retry-After</c>, so a crowd of addresses asking for records of the archive cannot take the machine from the
/// meetings. Staff do not wait, nor does a record already folded, nor a chain already checked whose head stands.
/// </summary>
public class PublicFoldTests
{
    [Test]
    public async Task WhileThePublicsFoldsAreAtWork_OneWaitsItsTurn_TheNextIsRefused_StaffAndKeptRecordsAreAnswered()
    {
        using var host = new TestHost(settings: new Dictionary<string, string?> { ["Records:PublicFoldsAtOnce"] = "1", ["Records:PublicFoldsWaiting"] = "1" });
        var clerk = await host.SignInAsync(Demo.Clerk);
        var body = (await clerk.DemoBody()).Id;
        var kept = (await clerk.DemoMeeting()).Meeting.Id;
        var waiting = (await clerk.ScheduleMeeting(body, "Special Meeting on the Pier", Dates.DaysAfter(host.Clock.GetUtcNow(), 30), publish: true)).Meeting.Id;
        var refused = (await clerk.ScheduleMeeting(body, "Special Meeting on the Levee", Dates.DaysAfter(host.Clock.GetUtcNow(), 31), publish: true)).Meeting.Id;
        using (var first = await host.Anonymous().GetFrom($"/api/meetings/{kept}/exports/ocd-event", "198.51.100.50"))
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK), "folded once and kept");
        using (var checkedOnce = await host.Anonymous().GetFrom($"/api/meetings/{kept}/journal/verify", "198.51.100.50"))
            Assert.That(checkedOnce.StatusCode, Is.EqualTo(HttpStatusCode.OK), "its chain checked once");

        // One of the public's folds at work: its turn held until released.
        var folds = host.Services.GetRequiredService<PublicFolds>();
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var atWork = folds.RunAsync(new ClaimsPrincipal(new ClaimsIdentity()), () => release.Task, CancellationToken.None);

        var inTurn = host.Anonymous().GetFrom($"/api/meetings/{waiting}/exports/ocd-event", "198.51.100.51");
        await Wait.Until(() => folds.Waiting == 1, "the next fold waiting its turn");
        foreach (var path in new[] { $"/api/meetings/{refused}/exports/ocd-event", $"/api/meetings/{refused}/journal/verify" })
        {
            using var busy = await host.Anonymous().GetFrom(path, "198.51.100.52");
            Assert.That(busy.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), path);
            Assert.That(busy.Headers.RetryAfter?.Delta, Is.EqualTo(PublicFolds.RetryAfter), "when to ask again");
            Assert.That(await busy.Content.ReadAsStringAsync(), Does.Contain(PublicFolds.Busy));
        }
        using (var again = await host.Anonymous().GetFrom($"/api/meetings/{kept}/exports/ocd-event", "198.51.100.53"))
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a record already folded is answered as kept");
        using (var staff = await clerk.GetFrom($"/api/meetings/{refused}/exports/ocd-event", "198.51.100.52"))
            Assert.That(staff.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the clerk does not wait");
        // The request waiting its turn holds the meeting's record while it waits: the clerk asking for it goes beside it.
        var staffBeside = clerk.GetFrom($"/api/meetings/{waiting}/exports/ocd-event", "198.51.100.52");
        await Wait.Until(() => staffBeside.IsCompleted, "the clerk answered beside the one waiting");
        Assert.That((await staffBeside).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        // A minute on, the chain's check would read the whole chain again; with no turn free, the check last made stands.
        host.Clock.Advance(JournalVerifier.FullCheckEvery);
        using (var standing = await host.Anonymous().GetFrom($"/api/meetings/{kept}/journal/verify", "198.51.100.53"))
            Assert.That(standing.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the chain as last checked");
        Assert.That(inTurn.IsCompleted, Is.False, "still waiting");

        release.SetResult(0);
        await atWork;
        using var answered = await inTurn;
        Assert.That(answered.StatusCode, Is.EqualTo(HttpStatusCode.OK), "folded in its turn");
        Assert.That(await answered.Content.ReadAsStringAsync(), Does.Contain("Special Meeting on the Pier"));
    }
}
