using System.Net;
using System.Net.Http.Json;
using Meetings.Client.Contracts;
using Meetings.Tests.Support;

namespace Meetings.Tests.Api;

/// <summary>Who may do what over REST: anonymous residents read, clerks run meetings, admins manage accounts and bodies.</summary>
public class AccessTests
{
    private TestHost _host = null!;

    [OneTimeSetUp]
    public void StartHost() => _host = new TestHost();

    [OneTimeTearDown]
    public void StopHost() => _host.Dispose();

    private async Task<HttpClient> As(string who) => who == "anonymous" ? _host.Anonymous() : await _host.SignInAsync(who);

    // Writes: (method, url, who, expected status). Bodies are valid, so the only reason to refuse is the role.
    [TestCase("POST", "/api/meetings", "anonymous", 401)]
    [TestCase("POST", "/api/meetings", Demo.Mayor, 403)]
    [TestCase("POST", "/api/meetings", Demo.Clerk, 201)]
    [TestCase("POST", "/api/meetings", Demo.Admin, 201)]
    [TestCase("POST", "/api/bodies", "anonymous", 401)]
    [TestCase("POST", "/api/bodies", Demo.Mayor, 403)]
    [TestCase("POST", "/api/bodies", Demo.Clerk, 403)]
    [TestCase("POST", "/api/bodies", Demo.Admin, 201)]
    [TestCase("POST", "/api/users", "anonymous", 401)]
    [TestCase("POST", "/api/users", Demo.Clerk, 403)]
    [TestCase("POST", "/api/users", Demo.Admin, 201)]
    [TestCase("GET", "/api/users", Demo.Mayor, 403)]
    [TestCase("GET", "/api/users", Demo.Admin, 200)]
    [TestCase("POST", "/api/meetings/{meeting}/agenda", "anonymous", 401)]
    [TestCase("POST", "/api/meetings/{meeting}/agenda", Demo.Mayor, 403)]
    [TestCase("POST", "/api/meetings/{meeting}/agenda", Demo.Clerk, 201)]
    [TestCase("GET", "/api/meetings", "anonymous", 200)]
    [TestCase("GET", "/api/bodies", "anonymous", 200)]
    [TestCase("GET", "/api/meetings/{meeting}/journal", "anonymous", 200)]
    [TestCase("GET", "/api/auth/me", "anonymous", 401)]
    [TestCase("GET", "/api/auth/me", Demo.Mayor, 200)]
    public async Task Endpoint_AllowsOnlyItsRoles(string method, string url, string who, int expected)
    {
        var client = await As(who);
        var meeting = await _host.Anonymous().DemoMeeting();
        var body = await _host.Anonymous().DemoBody();
        object? payload = url switch
        {
            "/api/meetings" => new MeetingRequest(body.Id, "Study Session", "Special", Dates.DaysAfter(_host.Clock.GetUtcNow(), 30), "America/Los_Angeles", "Room 2"),
            "/api/bodies" => new BodyRequest($"Planning Commission {Guid.NewGuid():N}"),
            "/api/users" => new CreateUserRequest($"{Guid.NewGuid():N}@city.gov", "New Clerk", "a-long-password-1", "Clerk"),
            "/api/meetings/{meeting}/agenda" => new AgendaItemRequest("Added", "Discussion"),
            _ => null,
        };
        var request = new HttpRequestMessage(new HttpMethod(method), url.Replace("{meeting}", meeting.Meeting.Id.ToString(), StringComparison.Ordinal))
        {
            Content = payload is null ? null : JsonContent.Create(payload, payload.GetType(), options: ApiClient.Json),
        };
        var response = await client.SendAsync(request);
        Assert.That((int)response.StatusCode, Is.EqualTo(expected), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Me_NamesTheOfficialsRoleAndSeat()
    {
        var me = await (await _host.SignInAsync(Demo.Mayor)).Get<UserInfo>("/api/auth/me");
        Assert.That(me.Roles, Is.EqualTo(new[] { "Official" }));
        Assert.That(me.Seats.Single().Title, Is.EqualTo("Mayor"));
        Assert.That(me.DisplayName, Is.EqualTo("Maria Alvarez"));
    }

    [Test]
    public async Task AWeakPassword_IsRefused_WithTheRule()
    {
        var admin = await _host.SignInAsync(Demo.Admin);
        var response = await admin.PostAsJsonAsync("/api/users", new CreateUserRequest("weak@city.gov", "Weak", "short", "Clerk"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("at least 10 characters"));
    }

    [Test]
    public async Task AnAdmin_LinksAnOfficialToASeat_AndTheJournalNeverShowsTheAccount()
    {
        var admin = await _host.SignInAsync(Demo.Admin);
        var official = await admin.Send<UserInfo>(HttpMethod.Post, "/api/users", new CreateUserRequest("commissioner@city.gov", "Ana Commissioner", "a-long-password-1", "Official"), HttpStatusCode.Created);
        var body = await admin.Send<BodyDto>(HttpMethod.Post, "/api/bodies", new BodyRequest("Planning Commission", SpeakerMinutes: 2), HttpStatusCode.Created);
        body = await admin.Send<BodyDto>(HttpMethod.Post, $"/api/bodies/{body.Id}/seats", new SeatRequest("Seat A", "Ana Commissioner", "commissioner@city.gov", IsChair: true), HttpStatusCode.Created);
        Assert.That(body.Seats.Single().HasOfficialAccount, Is.True);
        Assert.That(body.ChairSeatId, Is.EqualTo(body.Seats.Single().Id));
        Assert.That(body.SpeakerMinutes, Is.EqualTo(2));

        var meeting = await admin.Send<MeetingDetail>(HttpMethod.Post, "/api/meetings",
            new MeetingRequest(body.Id, "Regular Meeting", "Regular", Dates.DaysAfter(_host.Clock.GetUtcNow(), 14), "America/Denver", "Hearing Room"), HttpStatusCode.Created);
        var journal = await admin.GetStringAsync($"/api/meetings/{meeting.Meeting.Id}/journal");
        Assert.That(journal, Does.Contain("Ana Commissioner"));
        Assert.That(journal, Does.Not.Contain(official.Id));
        Assert.That(journal, Does.Not.Contain("commissioner@city.gov"));
    }
}
