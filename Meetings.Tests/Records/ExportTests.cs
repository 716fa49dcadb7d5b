using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Json.Schema;
using Meetings.Client.Contracts;
using Meetings.Tests.Support;

namespace Meetings.Tests.Records;

/// <summary>The scripted meeting's open-data exports, field by field, and the OCD ones against pupa's schemas.</summary>
public class ExportTests
{
    private static ScriptedMeeting M => ScriptedMeetingSetUp.Meeting;

    private static string Local(double minutes) =>
        TimeZoneInfo.ConvertTime(M.Start.AddMinutes(minutes), TimeZoneInfo.FindSystemTimeZoneById(M.Meeting.Meeting.TimeZone))
            .ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<JsonElement> GetJson(string url)
    {
        var response = await M.Host.Anonymous().GetAsync(url);
        await ApiClient.Expect(response, HttpStatusCode.OK);
        var text = await response.Content.ReadAsStringAsync();
        Keep(url.Split('/')[^1] + ".json", text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static void Keep(string name, string text) => Kept.Write(name, Encoding.UTF8.GetBytes(text));

    // A schema is built once: the library keeps a registry of schemas by their address.
    private static readonly Dictionary<string, JsonSchema> Schemas = [];

    private static void AssertValid(string schemaFile, JsonElement instance)
    {
        if (!Schemas.TryGetValue(schemaFile, out var schema))
            Schemas[schemaFile] = schema = JsonSchema.FromFile(Path.Combine(TestContext.CurrentContext.TestDirectory, "Records", "Expected", schemaFile));
        var result = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        var errors = (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"));
        Assert.That(result.IsValid, Is.True, string.Join("\n", errors));
    }

    [Test]
    public void TheTranscribedSchemas_RejectWhatPupaWouldReject()
    {
        JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;
        var vote = """
            {"identifier":"1","motion_text":"m","motion_classification":[],"start_date":"2020-01-02T18:00:00-08:00","result":"pass",
             "organization":"o","votes":[{"option":"yes","voter_name":"A"}],"counts":[],"sources":[{"url":"https://x.example/"}]}
            """;
        AssertValid("ocd-vote-event.schema.json", Parse(vote));
        foreach (var (bad, why) in new[]
        {
            (vote.Replace("\"yes\"", "\"recused\""), "an option outside the enum"),
            (vote.Replace("\"pass\"", "\"passed\""), "a result outside the enum"),
            (vote.Replace("18:00:00-08:00", "18:00:00.123-08:00"), "fractions of a second"),
            (vote.Replace("\"sources\":[{\"url\":\"https://x.example/\"}]", "\"sources\":[]"), "no source"),
            (vote.Replace("\"motion_text\":\"m\",", ""), "no motion text"),
        })
        {
            var schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Records", "Expected", "ocd-vote-event.schema.json")),
                new BuildOptions { SchemaRegistry = new SchemaRegistry() });
            Assert.That(schema.Evaluate(Parse(bad), new EvaluationOptions { RequireFormatValidation = true }).IsValid, Is.False, why);
        }
    }

    [Test]
    public async Task TheOcdEvent_FollowsPupasEventSchema_AndSaysWhenWhereAndWhatWasTakenUp()
    {
        var e = await GetJson($"/api/meetings/{M.Id}/exports/ocd-event");
        AssertValid("ocd-event.schema.json", e);
        Assert.That(e.GetProperty("name").GetString(), Is.EqualTo("Regular Meeting of the City Council"));
        Assert.That(e.GetProperty("all_day").GetBoolean(), Is.False);
        Assert.That(e.GetProperty("start_date").GetString(), Is.EqualTo(Local(0)));
        Assert.That(e.GetProperty("end_date").GetString(), Is.EqualTo(Local(55)));
        Assert.That(e.GetProperty("status").GetString(), Is.EqualTo("passed"));
        Assert.That(e.GetProperty("classification").GetString(), Is.EqualTo("regular-meeting"));
        Assert.That(e.GetProperty("location").GetProperty("name").GetString(), Is.EqualTo("Council Chambers, City Hall, 100 Harbor Way"));
        var page = $"{FakeTwilio.PublicBaseUrl}/meetings/{M.Id}";
        Assert.That(e.GetProperty("sources")[0].GetProperty("url").GetString(), Is.EqualTo(page));
        Assert.That(e.GetProperty("media")[0].GetProperty("links")[0].GetProperty("url").GetString(), Is.EqualTo(page));

        var participants = e.GetProperty("participants").EnumerateArray().Select(p =>
            (p.GetProperty("name").GetString(), p.GetProperty("type").GetString(), p.GetProperty("note").GetString())).ToList();
        Assert.That(participants, Is.EqualTo(new[]
        {
            ("Harbor City Council", "organization", "host"), ("Maria Alvarez", "person", "Mayor, chair"),
            ("James Okafor", "person", "Council Seat 1"), ("Linh Tran", "person", "Council Seat 2"),
            ("Robert Haines", "person", "Council Seat 3"), ("Priya Natarajan", "person", "Council Seat 4"),
        }));

        var agenda = e.GetProperty("agenda").EnumerateArray().ToList();
        Assert.That(agenda.Select(a => a.GetProperty("order").GetString()),
            Is.EqualTo(new[] { "1", "2", "3", "4", "4.a", "4.b", "4.c", "5", "6", "7", "8", "9" }));
        var comment = agenda[2];
        Assert.That(comment.GetProperty("classification")[0].GetString(), Is.EqualTo("public-comment"));
        Assert.That(comment.GetProperty("notes").EnumerateArray().Select(n => n.GetString()), Does.Contain("3 public speakers"));
        var budget = agenda[8];
        Assert.That(budget.GetProperty("notes").EnumerateArray().Select(n => n.GetString()), Does.Contain("1 written comment"));
        Assert.That(budget.GetProperty("related_entities").EnumerateArray().Select(r =>
            (r.GetProperty("entity_type").GetString(), r.GetProperty("name").GetString(), r.GetProperty("note").GetString())),
            Is.EqualTo(new[] { ("vote_event", "6-1", "passed"), ("vote_event", "6-2", "failed") }));
    }

    [Test]
    public async Task TheOcdVoteEvents_FollowPupasVoteEventSchema_WithEachMembersVote_ARecusalAsNotVoting_AndTheCorrection()
    {
        var votes = (await GetJson($"/api/meetings/{M.Id}/exports/ocd-votes")).EnumerateArray().ToList();
        foreach (var v in votes) AssertValid("ocd-vote-event.schema.json", v);
        Assert.That(votes.Select(v => (v.GetProperty("identifier").GetString(), v.GetProperty("result").GetString())),
            Is.EqualTo(new[] { ("4-1", "pass"), ("6-1", "pass"), ("6-2", "fail") }));

        var budget = votes[1];
        Assert.That(budget.GetProperty("motion_text").GetString(), Is.EqualTo("Adopt the mid-year budget adjustment as presented"));
        Assert.That(budget.GetProperty("motion_classification")[0].GetString(), Is.EqualTo("passage"));
        Assert.That(budget.GetProperty("start_date").GetString(), Is.EqualTo(Local(40)));
        Assert.That(budget.GetProperty("end_date").GetString(), Is.EqualTo(Local(42)));
        Assert.That(budget.GetProperty("organization").GetString(), Is.EqualTo("Harbor City Council"));
        Assert.That(budget.GetProperty("votes").EnumerateArray().Select(v =>
            (v.GetProperty("voter_name").GetString(), v.GetProperty("option").GetString(), v.GetProperty("note").GetString())),
            Is.EqualTo(new[]
            {
                ("Maria Alvarez", "yes", ""), ("James Okafor", "yes", ""), ("Linh Tran", "abstain", ""),
                ("Robert Haines", "yes", $"corrected from Nay to Aye: {ScriptedMeeting.CorrectionReason}"),
                ("Priya Natarajan", "not voting", "recused"),
            }));
        Assert.That(budget.GetProperty("votes")[0].GetProperty("voter_id").GetString(), Is.EqualTo(M.Seat("Mayor").ToString()));
        Assert.That(Counts(budget), Is.EqualTo(new Dictionary<string, int> { ["yes"] = 3, ["no"] = 0, ["abstain"] = 1, ["not voting"] = 1, ["absent"] = 0 }));
        Assert.That(budget.GetProperty("extras").GetProperty("threshold").GetString(), Is.EqualTo("two-thirds of votes cast"));
        Assert.That(budget.GetProperty("extras").GetProperty("seconder").GetString(), Is.EqualTo("Robert Haines"));

        var amendment = votes[2];
        Assert.That(amendment.GetProperty("motion_classification")[0].GetString(), Is.EqualTo("amendment"));
        Assert.That(amendment.GetProperty("extras").GetProperty("amends").GetString(), Is.EqualTo("6-1"));
        Assert.That(Counts(amendment)["yes"], Is.EqualTo(1));
        Assert.That(Counts(amendment)["no"], Is.EqualTo(4));
        Assert.That(Counts(votes[0])["yes"], Is.EqualTo(5), "the consent calendar, after the late arrival");
    }

    private static Dictionary<string, int> Counts(JsonElement vote) =>
        vote.GetProperty("counts").EnumerateArray().ToDictionary(c => c.GetProperty("option").GetString()!, c => c.GetProperty("value").GetInt32());

    [Test]
    public async Task TheLegistarExport_UsesLegistarsFieldNames_WithOneEventItemPerAction_AndItsVotes()
    {
        var e = await GetJson($"/api/meetings/{M.Id}/exports/legistar");
        Assert.That(e.GetProperty("EventGuid").GetGuid(), Is.EqualTo(M.Id));
        Assert.That(e.GetProperty("EventBodyName").GetString(), Is.EqualTo("Harbor City Council"));
        Assert.That(e.GetProperty("EventDate").GetString(), Is.EqualTo(Local(0)[..10] + "T00:00:00"));
        Assert.That(e.GetProperty("EventTime").GetString(), Is.EqualTo("6:00 PM"));
        Assert.That(e.GetProperty("EventLocation").GetString(), Is.EqualTo("Council Chambers, City Hall, 100 Harbor Way"));
        Assert.That(e.GetProperty("EventAgendaStatusName").GetString(), Is.EqualTo("Final"));
        Assert.That(e.GetProperty("EventInSiteURL").GetString(), Is.EqualTo($"{FakeTwilio.PublicBaseUrl}/meetings/{M.Id}"));
        var items = e.GetProperty("EventItems").EnumerateArray().ToList();
        Assert.That(items.Select(i => i.GetProperty("EventItemAgendaNumber").GetString()),
            Is.EqualTo(new[] { "1", "2", "3", "4", "4.a", "4.b", "4.c", "5", "6", "6", "7", "8", "9" }));
        Assert.That(items.Select(i => i.GetProperty("EventItemMinutesSequence").GetInt32()), Is.EqualTo(Enumerable.Range(1, 13)));

        var consent = items[3];
        Assert.That(consent.GetProperty("EventItemConsent").GetInt32(), Is.EqualTo(1));
        Assert.That(consent.GetProperty("EventItemPassedFlagName").GetString(), Is.EqualTo("Pass"));
        Assert.That(consent.GetProperty("EventItemTally").GetString(), Is.EqualTo("5-0"));

        var budget = items[8];
        Assert.That(budget.GetProperty("EventItemActionText").GetString(), Is.EqualTo("Adopt the mid-year budget adjustment as presented"));
        Assert.That(budget.GetProperty("EventItemPassedFlag").GetInt32(), Is.EqualTo(1));
        Assert.That(budget.GetProperty("EventItemRollCallFlag").GetInt32(), Is.EqualTo(1));
        Assert.That(budget.GetProperty("EventItemMover").GetString(), Is.EqualTo("James Okafor"));
        Assert.That(budget.GetProperty("EventItemSeconder").GetString(), Is.EqualTo("Robert Haines"));
        Assert.That(budget.GetProperty("EventItemVotes").EnumerateArray().Select(v =>
            (v.GetProperty("VotePersonName").GetString(), v.GetProperty("VoteValueName").GetString(), v.GetProperty("VoteSort").GetInt32())),
            Is.EqualTo(new[]
            {
                ("Maria Alvarez", "Aye", 1), ("James Okafor", "Aye", 2), ("Linh Tran", "Abstain", 3),
                ("Robert Haines", "Aye", 4), ("Priya Natarajan", "Recused", 5),
            }));
        var amendment = items[9];
        Assert.That(amendment.GetProperty("EventItemPassedFlagName").GetString(), Is.EqualTo("Fail"));
        Assert.That(amendment.GetProperty("EventItemActionName").GetString(), Is.EqualTo("Amendment failed"));
        Assert.That(amendment.GetProperty("EventItemMover").GetString(), Is.EqualTo("Linh Tran"));
        Assert.That(items[0].GetProperty("EventItemVotes").GetArrayLength(), Is.Zero);
    }

    [TestCase("Adopt the plan", "Adopt the plan")]
    [TestCase("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [TestCase("+1", "'+1")]
    [TestCase("-1", "'-1")]
    [TestCase("@SUM(A1)", "'@SUM(A1)")]
    [TestCase("Amend, then adopt", "\"Amend, then adopt\"")]
    public void ACsvCell_ThatASpreadsheetWouldRunAsAFormula_StartsWithAnApostrophe(string text, string cell) =>
        Assert.That(Meetings.Server.Records.VotesCsv.Cell(text), Is.EqualTo(cell));

    [Test]
    public async Task TheVotesCsv_HasOneRowPerMemberPerVote_QuotedWhereNeeded()
    {
        var response = await M.Host.Anonymous().GetAsync($"/api/meetings/{M.Id}/exports/votes.csv");
        await ApiClient.Expect(response, HttpStatusCode.OK);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/csv"));
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Is.EqualTo("meeting_id,meeting_date,body,meeting_title,item_number,item_title,motion,motion_text,threshold,result,vote_closed_at,seat,member,vote,note"));
        Assert.That(lines, Has.Length.EqualTo(1 + 3 * 5));
        var date = Local(0)[..10];
        Assert.That(lines[9], Is.EqualTo(
            $"{M.Id},{date},Harbor City Council,Regular Meeting of the City Council,6,Adopt the mid-year budget adjustment for fiscal year 2026-27,6-1," +
            $"Adopt the mid-year budget adjustment as presented,two-thirds of votes cast,Passed,{Local(42)},Council Seat 3,Robert Haines,Aye," +
            $"corrected from Nay to Aye: {ScriptedMeeting.CorrectionReason}"));
        Assert.That(lines[10], Does.EndWith("Council Seat 4,Priya Natarajan,Recuse,recused"));
        Assert.That(lines[11], Does.Contain(",\"Adopt the mid-year budget adjustment, moving $50,000 to Sunday library hours\",majority of votes cast,Failed,"));
    }

    [Test]
    public async Task TheBodysVotesCsv_CoversTheMeetingsInThePeriod_AndRefusesABadPeriod()
    {
        var client = M.Host.Anonymous();
        var date = DateOnly.Parse(Local(0)[..10], System.Globalization.CultureInfo.InvariantCulture);
        string Url(DateOnly from, DateOnly to) => $"/api/bodies/{M.Body.Id}/exports/votes.csv?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}";

        var within = await client.GetStringAsync(Url(date, date));
        Assert.That(within.Split("\r\n", StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(16));
        Assert.That(within, Does.Contain(M.Id.ToString()));
        var before = await client.GetStringAsync(Url(date.AddDays(-30), date.AddDays(-1)));
        Assert.That(before.Split("\r\n", StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(1), "only the header");

        await ApiClient.Expect(await client.GetAsync(Url(date, date.AddDays(-1))), HttpStatusCode.BadRequest);
        await ApiClient.Expect(await client.GetAsync($"/api/bodies/{M.Body.Id}/exports/votes.csv?from=yesterday"), HttpStatusCode.BadRequest);
        await ApiClient.Expect(await client.GetAsync($"/api/bodies/{Guid.NewGuid()}/exports/votes.csv"), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task NoExport_CarriesAPhoneNumber_AnEmail_AResidentToken_OrAPersonKey()
    {
        var client = M.Host.Anonymous();
        var journal = await client.Get<List<JournalEventDto>>($"/api/meetings/{M.Id}/journal");
        var personKeys = journal.Where(e => e.Payload.TryGetProperty("personKey", out _)).Select(e => e.Payload.GetProperty("personKey").GetString()!).ToList();
        Assert.That(personKeys, Has.Count.EqualTo(4), "the three speakers' and the commenter's keys are in the journal, to look for");
        foreach (var export in new[] { "ocd-event", "ocd-votes", "legistar", "votes.csv" })
        {
            var text = await client.GetStringAsync($"/api/meetings/{M.Id}/exports/{export}");
            foreach (var secret in M.Secrets.Concat(personKeys))
                Assert.That(text, Does.Not.Contain(secret), $"{export} carries {secret}");
        }
    }

    [Test]
    public async Task ADraftsExports_AreNotPublic()
    {
        var clerk = await M.Host.SignInAsync(Demo.Clerk);
        var draft = await clerk.Send<MeetingDetail>(HttpMethod.Post, "/api/meetings",
            new MeetingRequest(M.Body.Id, "Budget workshop", "Special", M.Host.Clock.GetUtcNow().AddDays(30).DateTime, "America/Los_Angeles", "Room 2"), HttpStatusCode.Created);
        foreach (var export in new[] { "ocd-event", "ocd-votes", "legistar", "votes.csv" })
        {
            await ApiClient.Expect(await M.Host.Anonymous().GetAsync($"/api/meetings/{draft.Meeting.Id}/exports/{export}"), HttpStatusCode.NotFound);
            await ApiClient.Expect(await clerk.GetAsync($"/api/meetings/{draft.Meeting.Id}/exports/{export}"), HttpStatusCode.OK);
        }
    }
}

/// <summary>Keeps what was served in artifacts/records, for a person to read.</summary>
public static class Kept
{
    public static void Write(string name, byte[] content)
    {
        var folder = Path.Combine(TestContext.CurrentContext.TestDirectory, "..", "..", "..", "..", "artifacts", "records");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, name), content);
    }
}
