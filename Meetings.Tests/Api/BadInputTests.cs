using System.Net;
using System.Text;
using Meetings.Client.Contracts;
using Meetings.Tests.Support;

namespace Meetings.Tests.Api;

/// <summary>Every endpoint that takes input answers bad input with a 4xx ProblemDetails, never a 500, and changes nothing.</summary>
public class BadInputTests
{
    private TestHost _host = null!;
    private HttpClient _admin = null!;
    private MeetingDetail _meeting = null!;
    private BodyDto _body = null!;

    [OneTimeSetUp]
    public async Task StartHost()
    {
        _host = new TestHost();
        _admin = await _host.SignInAsync(Demo.Admin);
        _meeting = await _admin.DemoMeeting();
        _body = await _admin.DemoBody();
    }

    [OneTimeTearDown]
    public void StopHost() => _host.Dispose();

    private static readonly string Huge = new('x', 100_000);

    /// <summary>Endpoints that read a JSON body, with {meeting}, {item}, {body} and {seat} filled in.</summary>
    private static readonly (string Method, string Url)[] BodyEndpoints =
    [
        ("POST", "/api/meetings"),
        ("PUT", "/api/meetings/{meeting}"),
        ("POST", "/api/meetings/{meeting}/publish"),
        ("POST", "/api/meetings/{meeting}/cancel"),
        ("POST", "/api/meetings/{meeting}/agenda"),
        ("PUT", "/api/meetings/{meeting}/agenda/{item}"),
        ("POST", "/api/meetings/{meeting}/agenda/{item}/move"),
        ("POST", "/api/bodies"),
        ("PUT", "/api/bodies/{body}"),
        ("POST", "/api/bodies/{body}/seats"),
        ("PUT", "/api/bodies/{body}/seats/{seat}"),
        ("POST", "/api/users"),
    ];

    private static readonly string[] Payloads =
    [
        "{",                                             // not JSON
        "[]",                                            // not an object
        "{\"title\": 5, \"name\": [], \"kind\": {}}",     // wrong types
        "{\"kind\": \"Banquet\", \"start\": \"yesterday\"}", // unknown enum, unreadable date
        $"{{\"title\": \"{Huge}\", \"name\": \"{Huge}\", \"reason\": \"{Huge}\", \"email\": \"{Huge}\"}}",
        "{}",                                            // every field missing
    ];

    private string Fill(string url) => url
        .Replace("{meeting}", _meeting.Meeting.Id.ToString(), StringComparison.Ordinal)
        .Replace("{item}", _meeting.Agenda[0].Id.ToString(), StringComparison.Ordinal)
        .Replace("{body}", _body.Id.ToString(), StringComparison.Ordinal)
        .Replace("{seat}", _body.Seats[0].Id.ToString(), StringComparison.Ordinal);

    [Test]
    public async Task EveryEndpoint_AnswersBadPayloads_WithAClientErrorProblem_AndChangesNothing()
    {
        var versionBefore = (await _admin.Get<MeetingDetail>($"/api/meetings/{_meeting.Meeting.Id}")).Version;
        var bodyBefore = await _admin.DemoBody();
        var failures = new List<string>();
        foreach (var (method, url) in BodyEndpoints)
            foreach (var payload in Payloads)
            {
                var response = await _admin.SendAsync(new HttpRequestMessage(new HttpMethod(method), Fill(url))
                {
                    Content = new StringContent(payload, Encoding.UTF8, "application/json"),
                });
                var status = (int)response.StatusCode;
                var type = response.Content.Headers.ContentType?.MediaType;
                var text = await response.Content.ReadAsStringAsync();
                if (status is < 400 or >= 500 || type != "application/problem+json" || !text.Contains("\"title\"", StringComparison.Ordinal))
                    failures.Add($"{method} {url} with {payload[..Math.Min(30, payload.Length)]}: {status} {type}");
            }
        Assert.That(failures, Is.Empty);
        Assert.That((await _admin.Get<MeetingDetail>($"/api/meetings/{_meeting.Meeting.Id}")).Version, Is.EqualTo(versionBefore));
        var bodyAfter = await _admin.DemoBody();
        Assert.That(bodyAfter.Name, Is.EqualTo(bodyBefore.Name));
        Assert.That(bodyAfter.Seats.Select(s => (s.Title, s.MemberName)), Is.EqualTo(bodyBefore.Seats.Select(s => (s.Title, s.MemberName))));
    }

    [Test]
    public async Task MissingFields_AreNamed_InTheFieldErrors()
    {
        var response = await _admin.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/meetings")
        {
            Content = new StringContent($"{{\"bodyId\": \"{_body.Id}\", \"timeZone\": \"America/Los_Angeles\", \"start\": \"{Dates.Json(Dates.DaysAfter(_host.Clock.GetUtcNow(), 30))}\"}}", Encoding.UTF8, "application/json"),
        });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("\"title\":[\"The title is required.\"]"));
    }

    [TestCase("Mars/Olympus_Mons", false, "timeZone")]
    [TestCase("America/Los_Angeles", true, "start")] // 2:30 on the night the clocks go forward is skipped
    public async Task SchedulingAtATimeThatDoesNotExist_IsRefused(string zone, bool inTheSkippedHour, string field)
    {
        var now = _host.Clock.GetUtcNow();
        var start = Dates.Json(inTheSkippedHour ? Dates.NextClockChange(zone, now.AddDays(10), forward: true).AddHours(2.5) : Dates.DaysAfter(now, 30));
        var response = await _admin.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/meetings")
        {
            Content = new StringContent($"{{\"bodyId\": \"{_body.Id}\", \"title\": \"T\", \"location\": \"L\", \"timeZone\": \"{zone}\", \"start\": \"{start}\"}}", Encoding.UTF8, "application/json"),
        });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain($"\"{field}\":"));
    }

    [TestCase("GET", "/api/meetings/00000000-0000-0000-0000-000000000001")]
    [TestCase("GET", "/api/meetings/00000000-0000-0000-0000-000000000001/journal")]
    [TestCase("GET", "/api/meetings/00000000-0000-0000-0000-000000000001/journal/verify")]
    [TestCase("GET", "/api/bodies/00000000-0000-0000-0000-000000000001")]
    [TestCase("POST", "/api/meetings/00000000-0000-0000-0000-000000000001/publish")]
    [TestCase("DELETE", "/api/meetings/{meeting}/agenda/00000000-0000-0000-0000-000000000001")]
    [TestCase("PUT", "/api/bodies/{body}/seats/00000000-0000-0000-0000-000000000001")]
    [TestCase("DELETE", "/api/bodies/{body}/seats/00000000-0000-0000-0000-000000000001")]
    [TestCase("GET", "/api/meetings/not-a-guid")]
    [TestCase("GET", "/api/no-such-thing")]
    public async Task UnknownThings_AreNotFound(string method, string url)
    {
        var response = await _admin.SendAsync(new HttpRequestMessage(new HttpMethod(method), Fill(url)) { Content = new StringContent("{}", Encoding.UTF8, "application/json") });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), await response.Content.ReadAsStringAsync());
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task AnItemOfAnotherMeeting_IsRefused_InThisOne()
    {
        var other = await _admin.Send<MeetingDetail>(HttpMethod.Post, "/api/meetings",
            new MeetingRequest(_body.Id, "Other", "Special", Dates.DaysAfter(_host.Clock.GetUtcNow(), 20), "America/Chicago", "Annex"), HttpStatusCode.Created);
        var response = await _admin.DeleteAsync($"/api/meetings/{other.Meeting.Id}/agenda/{_meeting.Agenda[0].Id}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "an item in the address that this meeting does not have");
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("no such agenda item"));
    }
}
