using System.Net;
using System.Net.Http.Json;
using Meetings.Client.Contracts;
using Meetings.Tests.Support;

namespace Meetings.Tests.Api;

/// <summary>The README's REST rows that nothing else exercises: signing out, a body's rules, its seats, the subscription limit and the phone line.</summary>
public class RestSurfaceTests
{
    private TestHost _host = null!;

    [OneTimeSetUp]
    public void StartHost() => _host = new TestHost();

    [OneTimeTearDown]
    public void StopHost() => _host.Dispose();

    [Test]
    public async Task SigningOut_EndsTheSession_InThatBrowser()
    {
        var jar = new CookieContainer();
        var clerk = await _host.SignInAsync(Demo.Clerk, jar);
        var meeting = await clerk.DemoMeeting();
        Assert.That((await clerk.GetAsync("/api/auth/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var signOut = await clerk.PostAsync("/api/auth/logout", null);

        Assert.That(signOut.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await clerk.GetAsync("/api/auth/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await clerk.GetAsync($"/api/meetings/{meeting.Meeting.Id}/notices")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "no longer a clerk here");
        Assert.That((await _host.Anonymous().PostAsync("/api/auth/logout", null)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "nobody to sign out");
    }

    [Test]
    public async Task AnAdministrator_ChangesABodysNameAndRules_AndOnlyAnAdministratorMay()
    {
        var admin = await _host.SignInAsync(Demo.Admin);
        var body = await admin.Send<BodyDto>(HttpMethod.Post, "/api/bodies", new BodyRequest($"Parks Commission {Guid.NewGuid():N}"), HttpStatusCode.Created);
        var change = new BodyRequest("Parks and Recreation Commission", QuorumCount: 3, MotionsNeedSecond: false, SpeakerMinutes: 2,
            Notice: new NoticeHours(96, 48, 2, "48,2", 3, 150), WrittenComments: "AtOnce", SilenceCountsAs: "Abstain");

        var refused = await (await _host.SignInAsync(Demo.Clerk)).PutAsJsonAsync($"/api/bodies/{body.Id}", change, ApiClient.Json);
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var changed = await admin.Send<BodyDto>(HttpMethod.Put, $"/api/bodies/{body.Id}", change, HttpStatusCode.OK);

        var read = await _host.Anonymous().Get<BodyDto>($"/api/bodies/{body.Id}");
        Assert.That(read, Is.EqualTo(changed).Using<BodyDto>((a, b) => System.Text.Json.JsonSerializer.Serialize(a) == System.Text.Json.JsonSerializer.Serialize(b)));
        Assert.That((read.Name, read.QuorumCount, read.QuorumNeeded, read.MotionsNeedSecond, read.SpeakerMinutes),
            Is.EqualTo(("Parks and Recreation Commission", (int?)3, 3, false, 2)));
        Assert.That(read.Notice, Is.EqualTo(new NoticeHours(96, 48, 2, "48,2", 3, 150)));
        Assert.That((read.WrittenComments, read.SilenceCountsAs), Is.EqualTo(("AtOnce", "Abstain")));
    }

    [Test]
    public async Task AnAdministrator_RenamesReassignsAndRemovesSeats_AndTheChairFollows()
    {
        var admin = await _host.SignInAsync(Demo.Admin);
        var body = await admin.Send<BodyDto>(HttpMethod.Post, "/api/bodies", new BodyRequest($"Library Board {Guid.NewGuid():N}"), HttpStatusCode.Created);
        body = await admin.Send<BodyDto>(HttpMethod.Post, $"/api/bodies/{body.Id}/seats", new SeatRequest("Trustee 1", "Ada Reader"), HttpStatusCode.Created);
        body = await admin.Send<BodyDto>(HttpMethod.Post, $"/api/bodies/{body.Id}/seats", new SeatRequest("Trustee 2", "Ben Shelf"), HttpStatusCode.Created);
        var (first, second) = (body.Seats[0].Id, body.Seats[1].Id);

        body = await admin.Send<BodyDto>(HttpMethod.Put, $"/api/bodies/{body.Id}/seats/{second}", new SeatRequest("President", "Cora Stacks", Demo.Mayor, IsChair: true), HttpStatusCode.OK);
        Assert.That(body.Seats.Select(s => (s.Id, s.Title, s.MemberName, s.HasOfficialAccount)),
            Is.EqualTo(new[] { (first, "Trustee 1", (string?)"Ada Reader", false), (second, "President", (string?)"Cora Stacks", true) }));
        Assert.That(body.ChairSeatId, Is.EqualTo(second));

        var removed = await admin.DeleteAsync($"/api/bodies/{body.Id}/seats/{second}");
        Assert.That(removed.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        var read = await _host.Anonymous().Get<BodyDto>($"/api/bodies/{body.Id}");
        Assert.That(read.Seats.Select(s => s.Id), Is.EqualTo(new[] { first }));
        Assert.That(read.ChairSeatId, Is.Null, "the chair's seat is gone, and the chair with it");
        Assert.That((await admin.DeleteAsync($"/api/bodies/{body.Id}/seats/{second}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "removed once");
        Assert.That((await (await _host.SignInAsync(Demo.Clerk)).DeleteAsync($"/api/bodies/{body.Id}/seats/{first}")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task SeatChangesThatWouldLeaveTheBodyUnableToMeetOrToVote_AreRefused_AndChangeNothing()
    {
        var admin = await _host.SignInAsync(Demo.Admin);
        var name = $"Planning Commission {Guid.NewGuid():N}";
        var body = await admin.Send<BodyDto>(HttpMethod.Post, "/api/bodies", new BodyRequest(name), HttpStatusCode.Created);
        body = await admin.Send<BodyDto>(HttpMethod.Post, $"/api/bodies/{body.Id}/seats", new SeatRequest("Commissioner 1"), HttpStatusCode.Created);
        body = await admin.Send<BodyDto>(HttpMethod.Post, $"/api/bodies/{body.Id}/seats", new SeatRequest("Commissioner 2"), HttpStatusCode.Created);
        await admin.Send<BodyDto>(HttpMethod.Put, $"/api/bodies/{body.Id}", new BodyRequest(name, QuorumCount: 2), HttpStatusCode.OK);
        var (first, second) = (body.Seats[0].Id, body.Seats[1].Id);

        var removed = await admin.DeleteAsync($"/api/bodies/{body.Id}/seats/{second}");
        Assert.That(removed.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "a quorum of two with one seat left could never be met");
        Assert.That(await removed.Content.ReadAsStringAsync(), Does.Contain("quorumCount"));

        await admin.Send<BodyDto>(HttpMethod.Put, $"/api/bodies/{body.Id}/seats/{first}", new SeatRequest("Commissioner 1", "Maria Alvarez", Demo.Mayor), HttpStatusCode.OK);
        foreach (var (account, why) in new[] { (Demo.Mayor, "one official in two seats would vote for one only"), (Demo.Clerk, "a clerk's account would join as the clerk, and the seat never vote") })
        {
            var refused = await admin.PutAsJsonAsync($"/api/bodies/{body.Id}/seats/{second}", new SeatRequest("Commissioner 2", "Someone", account), ApiClient.Json);
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), why);
            Assert.That(await refused.Content.ReadAsStringAsync(), Does.Contain("officialEmail"));
        }

        var read = await _host.Anonymous().Get<BodyDto>($"/api/bodies/{body.Id}");
        Assert.That(read.Seats.Select(s => (s.Title, s.MemberName, s.HasOfficialAccount)),
            Is.EqualTo(new[] { ("Commissioner 1", (string?)"Maria Alvarez", true), ("Commissioner 2", (string?)null, false) }), "both seats, as they were");
    }

    [Test]
    public async Task Subscribing_IsLimitedPerAddress_ToSubscriptionsPerMinute_AndARefusalChangesNothing()
    {
        using var host = new TestHost(settings: new Dictionary<string, string?> { ["Subscriptions:PerMinute"] = "3" });
        var body = await host.Anonymous().DemoBody();
        var answers = new List<HttpStatusCode>();
        // Seven in a row: however the minute falls, some minute holds four of them.
        for (var i = 0; i < 7; i++)
            answers.Add((await host.Anonymous().PostAsJsonAsync($"/api/bodies/{body.Id}/subscriptions", new SubscribeRequest($"resident-{i}-{Guid.NewGuid():N}@example.org"), ApiClient.Json)).StatusCode);

        Assert.That(answers.Take(3), Is.All.EqualTo(HttpStatusCode.Accepted), "three a minute are taken");
        Assert.That(answers, Does.Contain(HttpStatusCode.TooManyRequests));
        Assert.That(answers, Is.All.EqualTo(HttpStatusCode.Accepted).Or.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(host.WithDb(db => db.Subscribers.Count()), Is.EqualTo(answers.Count(a => a == HttpStatusCode.Accepted)), "a refused subscription is not kept");
    }

    [Test]
    public async Task ThePhoneLine_IsOff_WithoutTwilio_AndOnWithItsNumber_WithTwilio()
    {
        var off = await _host.Anonymous().Get<PhoneLine>("/api/phone");
        Assert.That(off, Is.EqualTo(new PhoneLine(false, null, false, false)), "no Twilio settings: no line, no number, no browser audio or call-backs");

        await using var twilio = await FakeTwilio.StartAsync();
        using var host = new TestHost(settings: new Dictionary<string, string?>(twilio.Settings) { ["Twilio:ApiKeySid"] = null, ["Twilio:ApiKeySecret"] = null, ["Twilio:TwimlAppSid"] = null });
        var on = await host.Anonymous().Get<PhoneLine>("/api/phone");
        Assert.That((on.Enabled, on.Number, on.BrowserAudio), Is.EqualTo((true, FakeTwilio.PhoneNumber, false)), "the meeting line's number, and no browser audio without an API key");
    }
}
