using System.Data.Common;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Meetings.Client.Contracts;
using Meetings.Server.Data;
using Meetings.Server.Domain;
using Meetings.Server.Meetings;
using Meetings.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Api;

/// <summary>
/// Inputs and conditions that once answered 500: wrong content types, starts at the ends of time, a calendar
/// holding such a start, and writes while the database is read-only or full (503, nothing changed).
/// </summary>
public class NoServerErrorTests
{
    private readonly DatabaseSwitch _database = new();
    private TestHost _host = null!;
    private HttpClient _clerk = null!;
    private MeetingDetail _meeting = null!;
    private BodyDto _body = null!;

    [OneTimeSetUp]
    public async Task StartHost()
    {
        _host = new TestHost(services: s => s.ConfigureDbContext<SqliteMeetingsDbContext>(o => o.AddInterceptors(_database)));
        _clerk = await _host.SignInAsync(Demo.Admin);
        _meeting = await _clerk.DemoMeeting();
        _body = await _clerk.DemoBody();
    }

    [OneTimeTearDown]
    public void StopHost() => _host.Dispose();

    [TearDown]
    public void DatabaseWorksAgain() => _database.Mode = DatabaseMode.Normal;

    [TestCase("POST", "/api/meetings", "text/plain")]
    [TestCase("POST", "/api/meetings", "application/x-www-form-urlencoded")]
    [TestCase("PUT", "/api/meetings/{meeting}", "text/plain")]
    [TestCase("POST", "/api/bodies/{body}/subscriptions", "application/x-www-form-urlencoded")]
    [TestCase("POST", "/api/auth/login", "text/plain")]
    [TestCase("POST", "/api/meetings/{meeting}/agenda", "application/xml")]
    public async Task ABodyThatIsNotJson_IsRefusedWith415(string method, string url, string contentType)
    {
        var response = await _clerk.SendAsync(new HttpRequestMessage(new HttpMethod(method), Fill(url))
        {
            Content = new StringContent("title=x", Encoding.UTF8, contentType),
        });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType), await response.Content.ReadAsStringAsync());
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [TestCase("POST", "/api/no-such-thing", "text/plain", 404)]
    [TestCase("POST", "/api/no-such-thing", "application/json", 404)]
    [TestCase("GET", "/api/no-such-thing", null, 404)]
    [TestCase("DELETE", "/api/meetings", null, 405)]
    public async Task UnknownPathsAndMethods_AreNotFoundOrNotAllowed_NeverAPage(string method, string url, string? contentType, int expected)
    {
        var response = await _clerk.SendAsync(new HttpRequestMessage(new HttpMethod(method), url)
        {
            Content = contentType is null ? null : new StringContent("{}", Encoding.UTF8, contentType),
        });
        Assert.That((int)response.StatusCode, Is.EqualTo(expected));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task TheClientsPages_AreStillServed_ForAnyOtherPath()
    {
        var response = await _host.Anonymous().GetAsync("/clerk/" + _meeting.Meeting.Id);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("<div id=\"app\">"));
    }

    /// <summary>Starts as the fuzzer found them, and just outside a year back and ten years ahead of the server's clock.</summary>
    private IEnumerable<(string Start, string Zone)> StartsOutOfRange()
    {
        var now = _host.Clock.GetUtcNow().UtcDateTime;
        return
        [
            ("9999-12-31T23:59:59", "Etc/GMT+12"),
            ("0001-01-01T00:00:00", "Pacific/Kiritimati"),
            ("9999-12-31T23:59:59Z", "America/Los_Angeles"),
            (Wall(now.AddYears(10).AddDays(2)), "America/Los_Angeles"),
            (Wall(now.AddYears(-1).AddDays(-2)), "America/Los_Angeles"),
        ];
    }

    [Test]
    public async Task AStartOutsideAYearBackToTenYearsAhead_IsRefusedWith400_OnCreateAndUpdate()
    {
        var before = (await _clerk.Get<MeetingDetail>($"/api/meetings/{_meeting.Meeting.Id}")).Version;
        foreach (var (start, zone) in StartsOutOfRange())
        {
            var json = $"{{\"bodyId\":\"{_body.Id}\",\"title\":\"Far away\",\"kind\":\"Special\",\"start\":\"{start}\",\"timeZone\":\"{zone}\",\"location\":\"Hall\"}}";
            foreach (var (method, url) in new[] { ("POST", "/api/meetings"), ("PUT", $"/api/meetings/{_meeting.Meeting.Id}") })
            {
                var response = await _clerk.SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = new StringContent(json, Encoding.UTF8, "application/json") });
                var text = await response.Content.ReadAsStringAsync();
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), $"{method} {start} {zone}: {text}");
                Assert.That(text, Does.Contain("\"start\":[\"The start must be between"), text);
            }
        }
        Assert.That((await _clerk.Get<MeetingDetail>($"/api/meetings/{_meeting.Meeting.Id}")).Version, Is.EqualTo(before));
    }

    [Test]
    public async Task StartsJustInsideTheRange_AreTaken()
    {
        var now = _host.Clock.GetUtcNow().UtcDateTime;
        foreach (var start in new[] { now.AddYears(10).AddDays(-2), now.AddYears(-1).AddDays(2) })
            await _clerk.Send<MeetingDetail>(HttpMethod.Post, "/api/meetings",
                new MeetingRequest(_body.Id, "Within range", "Special", start, "America/Los_Angeles", "Hall"), HttpStatusCode.Created);
    }

    [Test]
    public async Task TheCalendarFeed_StillAnswers_WhenAMeetingStartsAtTheEndOfTime()
    {
        // Written straight to the journal, as a start stored before starts were checked would be.
        using (var scope = _host.Services.CreateScope())
        {
            var body = await scope.ServiceProvider.GetRequiredService<MeetingsDbContext>().Bodies.Include(b => b.Seats).SingleAsync(b => b.Id == _body.Id);
            var scheduled = Meeting.Schedule(Guid.NewGuid(), body, "At the end of time", MeetingKind.Special,
                new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero), "Etc/GMT+12", "Nowhere", "424242");
            await scope.ServiceProvider.GetRequiredService<MeetingStore>().ScheduleAsync(scheduled, Actor.System,
            [
                (m, _) => m.AddItem(Guid.NewGuid(), null, null, "Call to order", AgendaItemKind.Procedural, null, false, null),
                (m, now) => m.Publish(now),
            ]);
        }
        var response = await _host.Anonymous().GetAsync($"/api/bodies/{_body.Id}/calendar.ics");
        var ics = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), ics);
        Assert.That(ics, Does.Contain("DTSTART:99991231T235959Z"));
        Assert.That(ics, Does.Contain("Regular Meeting of the City Council"));
    }

    [Test]
    public async Task WritesWhileTheDatabaseIsReadOnly_Answer503_AndChangeNothing() => await WritesWhile(DatabaseMode.ReadOnly);

    [Test]
    public async Task WritesWhileTheDatabaseIsFull_Answer503_AndChangeNothing() => await WritesWhile(DatabaseMode.Full);

    private async Task WritesWhile(DatabaseMode mode)
    {
        var before = await _clerk.Get<MeetingDetail>($"/api/meetings/{_meeting.Meeting.Id}");
        var bodiesBefore = (await _clerk.Get<List<BodyDto>>("/api/bodies")).Count;
        var large = new string('x', 4000); // needs new pages, so a full database cannot fit it into free space
        _database.Mode = mode;
        var item = before.Agenda[0];
        var writes = new List<(HttpMethod Method, string Url, object Body)>
        {
            (HttpMethod.Post, $"/api/meetings/{_meeting.Meeting.Id}/agenda", new AgendaItemRequest("Added while full", "Discussion", large)),
            (HttpMethod.Put, $"/api/meetings/{_meeting.Meeting.Id}/agenda/{item.Id}", new AgendaItemRequest(item.Title, item.Kind, large)),
        };
        // A full file still has room in its pages for a small row; a read-only one takes nothing at all.
        if (mode == DatabaseMode.ReadOnly)
            writes.AddRange(
            [
                (HttpMethod.Post, "/api/meetings", new MeetingRequest(_body.Id, "Added while read-only", "Special", Dates.DaysAfter(_host.Clock.GetUtcNow(), 40), "America/Chicago", "Hall")),
                (HttpMethod.Post, "/api/bodies", new BodyRequest("Board added while read-only")),
                (HttpMethod.Post, "/api/users", new CreateUserRequest($"full-{Guid.NewGuid():N}@city.gov", "Added while read-only", "a-long-password-1", "Clerk")),
            ]);
        foreach (var (method, url, body) in writes)
        {
            var response = await _clerk.SendAsync(new HttpRequestMessage(method, url) { Content = JsonContent.Create(body, body.GetType(), options: ApiClient.Json) });
            var text = await response.Content.ReadAsStringAsync();
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), $"{method} {url}: {text}");
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(text, Does.Contain("nothing was changed"));
        }
        Assert.That(_database.Refusals, Is.GreaterThan(0), "the database itself refused");

        _database.Mode = DatabaseMode.Normal;
        var after = await _clerk.Get<MeetingDetail>($"/api/meetings/{_meeting.Meeting.Id}");
        Assert.That(after.Version, Is.EqualTo(before.Version));
        Assert.That(after.Agenda.Select(a => a.Title), Is.EqualTo(before.Agenda.Select(a => a.Title)));
        Assert.That((await _clerk.Get<List<BodyDto>>("/api/bodies")).Count, Is.EqualTo(bodiesBefore));
        Assert.That(_host.WithDb(db => db.Users.Count(u => u.Email!.StartsWith("full-"))), Is.Zero);
        // And once it takes writes again, so does the server.
        await _clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{_meeting.Meeting.Id}/agenda", new AgendaItemRequest("Added after", "Discussion"), HttpStatusCode.Created);
    }

    private string Fill(string url) => url
        .Replace("{meeting}", _meeting.Meeting.Id.ToString(), StringComparison.Ordinal)
        .Replace("{body}", _body.Id.ToString(), StringComparison.Ordinal);

    private static string Wall(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
}

public enum DatabaseMode { Normal, ReadOnly, Full }

/// <summary>
/// Makes the server's real SQLite database refuse writes, as a read-only file or a full disk would: each
/// connection the server opens is set query-only, or capped at the pages the file already has
/// (<c>PRAGMA max_page_count</c>), so SQLite itself answers SQLITE_READONLY or SQLITE_FULL.
/// </summary>
public sealed class DatabaseSwitch : DbConnectionInterceptor, IDbCommandInterceptor
{
    private int _refusals;

    public DatabaseMode Mode { get; set; }

    public int Refusals => _refusals;

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken ct = default) =>
        await ApplyAsync(connection, ct);

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => ApplyAsync(connection, default).GetAwaiter().GetResult();

    void IDbCommandInterceptor.CommandFailed(DbCommand command, CommandErrorEventData eventData) => Count(eventData.Exception);

    Task IDbCommandInterceptor.CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken ct)
    {
        Count(eventData.Exception);
        return Task.CompletedTask;
    }

    private void Count(Exception e)
    {
        if (e is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 8 or 13 }) Interlocked.Increment(ref _refusals); // SQLITE_READONLY, SQLITE_FULL
    }

    private async Task ApplyAsync(DbConnection connection, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        // A cap below the file's size is raised to it: no page may be added. 1073741823 is SQLite's default.
        command.CommandText = Mode switch
        {
            DatabaseMode.ReadOnly => "PRAGMA query_only = 1; PRAGMA max_page_count = 1073741823;",
            DatabaseMode.Full => "PRAGMA query_only = 0; PRAGMA max_page_count = 1;",
            _ => "PRAGMA query_only = 0; PRAGMA max_page_count = 1073741823;",
        };
        await command.ExecuteNonQueryAsync(ct);
    }
}
