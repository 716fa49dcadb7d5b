using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Meetings.Client.Contracts;
using Meetings.Server.Minutes;
using Meetings.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Records;

/// <summary>The scripted meeting's minutes: the draft against a file checked by hand, edits, approval, versions, formats.</summary>
public class MinutesTests
{
    private static ScriptedMeeting M => ScriptedMeetingSetUp.Meeting;

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static async Task<string> Text(HttpClient client, string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await client.GetAsync(url);
        await ApiClient.Expect(response, expected);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The served text with what differs between runs (ids, the date, the journal's head) put back as the file's placeholders.</summary>
    private static string Placeholders(string text, string language)
    {
        var local = TimeZoneInfo.ConvertTime(M.Start, TimeZoneInfo.FindSystemTimeZoneById(M.Meeting.Meeting.TimeZone));
        var culture = System.Globalization.CultureInfo.GetCultureInfo(language == "es" ? "es-MX" : "en-US");
        var date = local.ToString(language == "es" ? "dddd d 'de' MMMM 'de' yyyy" : "dddd, MMMM d, yyyy", culture);
        var head = System.Text.RegularExpressions.Regex.Match(text, "[0-9a-f]{64}").Value;
        return text.Replace(M.Id.ToString(), "{meeting}").Replace(date, "{date}").Replace(head.Length == 64 ? head : "{head}", "{head}");
    }

    [TestCase("en")]
    [TestCase("es")]
    public async Task TheDraft_SaysWhatTheJournalRecorded_AsTheFileCheckedByHand(string language)
    {
        var clerk = await M.Host.SignInAsync(Demo.Clerk);
        var served = await Text(clerk, $"/api/meetings/{M.Id}/minutes?draft=true&format=md&lang={language}");
        ExportTests.Keep($"minutes-draft.{language}.md", served);
        var expected = await File.ReadAllTextAsync(Path.Combine(TestContext.CurrentContext.TestDirectory, "Records", "Expected", $"minutes-draft.{language}.md"));
        Assert.That(Placeholders(served, language), Is.EqualTo(expected));
    }

    [Test]
    public async Task TheDraft_IsForClerks_AndNothingIsPublicBeforeApproval()
    {
        var anonymous = M.Host.Anonymous();
        await Text(anonymous, $"/api/meetings/{M.Id}/minutes", HttpStatusCode.NotFound);
        await Text(anonymous, $"/api/meetings/{M.Id}/minutes?draft=true", HttpStatusCode.Forbidden);
        var official = await M.Host.SignInAsync(Demo.Mayor);
        await Text(official, $"/api/meetings/{M.Id}/minutes?draft=true", HttpStatusCode.Forbidden);
        await ApiClient.Expect(await official.PutAsJsonAsync($"/api/meetings/{M.Id}/minutes/narrative", new NarrativeRequest(null, "Mine")), HttpStatusCode.Forbidden);
        await ApiClient.Expect(await official.PostAsJsonAsync($"/api/meetings/{M.Id}/minutes/approve", new ApproveMinutesRequest()), HttpStatusCode.Forbidden);
        await ApiClient.Expect(await anonymous.PostAsJsonAsync($"/api/meetings/{M.Id}/minutes/approve", new ApproveMinutesRequest()), HttpStatusCode.Unauthorized);
        Assert.That(await anonymous.Get<List<MinutesVersionDto>>($"/api/meetings/{M.Id}/minutes/versions"), Is.Empty);
    }

    [Test]
    public async Task TheMinutes_CarryNoPhoneNumber_EmailToken_OrPersonKey()
    {
        var clerk = await M.Host.SignInAsync(Demo.Clerk);
        var journal = await clerk.Get<List<JournalEventDto>>($"/api/meetings/{M.Id}/journal");
        var personKeys = journal.Where(e => e.Payload.TryGetProperty("personKey", out _)).Select(e => e.Payload.GetProperty("personKey").GetString()!).ToList();
        foreach (var format in new[] { "html", "md" })
            foreach (var language in new[] { "en", "es" })
            {
                var text = await Text(clerk, $"/api/meetings/{M.Id}/minutes?draft=true&format={format}&lang={language}");
                Assert.That(text, Does.Contain("Caller ending 4821"), "the caller as the record names them");
                foreach (var secret in M.Secrets.Concat(personKeys)) Assert.That(text, Does.Not.Contain(secret), $"{format} {language} carries {secret}");
            }
    }

    [Test]
    public async Task TheHtml_IsAPrintablePage_WithTheResidentsWordsEscaped()
    {
        using var fork = M.Fork();
        var clerk = await fork.SignInAsync(Demo.Clerk);
        await ApiClient.Expect(await clerk.PutAsJsonAsync($"/api/meetings/{M.Id}/minutes/narrative",
            new NarrativeRequest(M.Item("5"), "<script>alert(1)</script> *not bold* | a pipe")), HttpStatusCode.NoContent);
        var html = await Text(clerk, $"/api/meetings/{M.Id}/minutes?draft=true");
        Assert.That(html, Does.StartWith("<!DOCTYPE html>"));
        Assert.That(html, Does.Contain("&lt;script&gt;alert(1)&lt;/script&gt;").And.Not.Contain("<script>"));
        Assert.That(html, Does.Contain("<th scope=\"col\">Speaker (name as given)</th>"));
        Assert.That(html, Does.Contain("<td>Rosa Web</td><td>On the web</td><td>Support</td><td>6:03 PM</td><td>2:30</td>"));
        var md = await Text(clerk, $"/api/meetings/{M.Id}/minutes?draft=true&format=md");
        Assert.That(md, Does.Contain(@"\<script\>alert(1)\</script\> \*not bold\* \| a pipe"));
        await ApiClient.Expect(await clerk.GetAsync($"/api/meetings/{M.Id}/minutes?format=doc"), HttpStatusCode.BadRequest);
        await ApiClient.Expect(await clerk.GetAsync($"/api/meetings/{M.Id}/minutes?lang=fr"), HttpStatusCode.BadRequest);
        await ApiClient.Expect(await clerk.GetAsync($"/api/meetings/{M.Id}/minutes?version=abc"), HttpStatusCode.BadRequest);
        await ApiClient.Expect(await clerk.GetAsync($"/api/meetings/{M.Id}/minutes?version=1&draft=true"), HttpStatusCode.BadRequest);
        await ApiClient.Expect(await clerk.GetAsync($"/api/meetings/{M.Id}/minutes?version=0"), HttpStatusCode.NotFound);
        await ApiClient.Expect(await clerk.GetAsync($"/api/meetings/{Guid.NewGuid()}/minutes"), HttpStatusCode.NotFound);
        await ApiClient.Expect(await clerk.PutAsync($"/api/meetings/{M.Id}/minutes/narrative", new StringContent("not json", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task EditsAndApprovals_AreJournalEvents_ApprovedVersionsNeverChange_AndACorrectionSaysWhatAndWhy()
    {
        using var fork = M.Fork();
        var clerk = await fork.SignInAsync(Demo.Clerk);
        var anonymous = fork.Anonymous();
        var budget = M.Item("6");
        const string first = "Staff presented the adjustment; the Council discussed the reserve policy.";
        await ApiClient.Expect(await clerk.PutAsJsonAsync($"/api/meetings/{M.Id}/minutes/narrative", new NarrativeRequest(budget, first)), HttpStatusCode.NoContent);

        // The edit is in the public journal as a hash only: the draft's words stay with the clerks until approval.
        var journal = await anonymous.Get<List<JournalEventDto>>($"/api/meetings/{M.Id}/journal");
        var edit = journal[^1];
        Assert.That(edit.Type, Is.EqualTo("MinutesNarrativeEdited"));
        Assert.That(edit.Actor, Is.EqualTo("clerk: Dana Whitfield, City Clerk"));
        Assert.That(edit.Payload.GetProperty("textHash").GetString(), Is.EqualTo(Sha256(first)));
        Assert.That((await anonymous.GetStringAsync($"/api/meetings/{M.Id}/journal")).Contains("reserve policy"), Is.False, "the draft's words in the journal");
        await Text(anonymous, $"/api/meetings/{M.Id}/minutes", HttpStatusCode.NotFound);
        Assert.That(await Text(clerk, $"/api/meetings/{M.Id}/minutes?draft=true&format=md"), Does.Contain(first));

        // Approval: version 1, public, its document's hash in the journal.
        var v1 = await clerk.Send<MinutesVersionDto>(HttpMethod.Post, $"/api/meetings/{M.Id}/minutes/approve", new ApproveMinutesRequest(), HttpStatusCode.Created);
        Assert.That((v1.Version, v1.Correction), Is.EqualTo((1, (string?)null)));
        var approval = (await anonymous.Get<List<JournalEventDto>>($"/api/meetings/{M.Id}/journal"))[^1];
        Assert.That(approval.Type, Is.EqualTo("MinutesApproved"));
        Assert.That(approval.Payload.GetProperty("documentHash").GetString(), Is.EqualTo(v1.DocumentHash));
        var stored = fork.WithDb(db => db.MinutesTexts.AsNoTracking().Single(t => t.Hash == v1.DocumentHash).Text);
        Assert.That(Sha256(stored), Is.EqualTo(v1.DocumentHash));
        var published = await Text(anonymous, $"/api/meetings/{M.Id}/minutes?format=md");
        Assert.That(published, Does.Contain(first).And.Contain("as version 1."));
        var v1Html = await Text(anonymous, $"/api/meetings/{M.Id}/minutes?version=1");

        // Approving again needs a reason, and a change.
        await ApiClient.Expect(await clerk.PostAsJsonAsync($"/api/meetings/{M.Id}/minutes/approve", new ApproveMinutesRequest()), HttpStatusCode.BadRequest);
        var unchanged = await clerk.PostAsJsonAsync($"/api/meetings/{M.Id}/minutes/approve", new ApproveMinutesRequest("No change"));
        await ApiClient.Expect(unchanged, HttpStatusCode.Conflict);
        Assert.That(await unchanged.Content.ReadAsStringAsync(), Does.Contain("minutes-unchanged"));

        // A correction: a new narrative, approved as version 2 saying what changed and why; version 1 stays as it was.
        const string second = "Staff presented the adjustment; the Council discussed the reserve policy at length.";
        await ApiClient.Expect(await clerk.PutAsJsonAsync($"/api/meetings/{M.Id}/minutes/narrative", new NarrativeRequest(budget, second)), HttpStatusCode.NoContent);
        Assert.That(await Text(anonymous, $"/api/meetings/{M.Id}/minutes?format=md"), Does.Contain(first), "the draft is not public");
        var v2 = await clerk.Send<MinutesVersionDto>(HttpMethod.Post, $"/api/meetings/{M.Id}/minutes/approve",
            new ApproveMinutesRequest("Council Member Tran asked that the discussion be described more fully."), HttpStatusCode.Created);
        Assert.That(v2.Version, Is.EqualTo(2));
        var latest = await Text(anonymous, $"/api/meetings/{M.Id}/minutes?format=md");
        Assert.That(latest, Does.Contain(second).And.Contain("as version 2."));
        Assert.That(latest, Does.Contain("Correction of version 1: Council Member Tran asked that the discussion be described more fully. Changed: item 6."));
        Assert.That(await Text(anonymous, $"/api/meetings/{M.Id}/minutes?version=1"), Is.EqualTo(v1Html));
        Assert.That((await anonymous.Get<List<MinutesVersionDto>>($"/api/meetings/{M.Id}/minutes/versions")).Select(v => v.Version), Is.EqualTo(new[] { 1, 2 }));
        await Text(anonymous, $"/api/meetings/{M.Id}/minutes?version=3", HttpStatusCode.NotFound);
        Assert.That((await anonymous.Get<JournalVerification>($"/api/meetings/{M.Id}/journal/verify")).Intact, Is.True);

        // The exports point to the approved minutes and carry their narrative.
        var legistar = await anonymous.Get<System.Text.Json.JsonElement>($"/api/meetings/{M.Id}/exports/legistar");
        Assert.That(legistar.GetProperty("EventMinutesStatusName").GetString(), Is.EqualTo("Final"));
        Assert.That(legistar.GetProperty("EventMinutesFile").GetString(), Is.EqualTo($"{FakeTwilio.PublicBaseUrl}/api/meetings/{M.Id}/minutes"));
        Assert.That(legistar.GetProperty("EventItems").EnumerateArray().First(i => i.GetProperty("EventItemAgendaNumber").GetString() == "6")
            .GetProperty("EventItemMinutesNote").GetString(), Is.EqualTo(second));
        var ocd = await anonymous.Get<System.Text.Json.JsonElement>($"/api/meetings/{M.Id}/exports/ocd-event");
        Assert.That(ocd.GetProperty("documents").EnumerateArray().Select(d => d.GetProperty("note").GetString()), Does.Contain("Minutes, version 2"));

        // A stored version altered behind the journal's back is refused, not shown.
        fork.WithDb(db => db.MinutesTexts.Where(t => t.Hash == v1.DocumentHash)
            .ExecuteUpdate(s => s.SetProperty(t => t.Text, t => t.Text.Replace("Robert Haines", "Robert Hanes"))));
        await Text(anonymous, $"/api/meetings/{M.Id}/minutes?version=1", HttpStatusCode.Conflict);
    }

    [Test]
    public async Task AnApprovedVersion_AskedForByACrowd_IsRenderedOncePerFormat_AndStillCheckedOnEachRequest()
    {
        using var fork = M.Fork();
        var clerk = await fork.SignInAsync(Demo.Clerk);
        var v1 = await clerk.Send<MinutesVersionDto>(HttpMethod.Post, $"/api/meetings/{M.Id}/minutes/approve", new ApproveMinutesRequest(), HttpStatusCode.Created);
        var renderings = fork.Services.GetRequiredService<MinutesRenderings>();
        var anonymous = fork.Anonymous();

        var pdfs = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => anonymous.GetByteArrayAsync($"/api/meetings/{M.Id}/minutes?format=pdf&lang=en")));
        var pages = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => anonymous.GetStringAsync($"/api/meetings/{M.Id}/minutes?lang=en")));

        Assert.That(renderings.Made, Is.EqualTo(2), "one PDF and one HTML page, however many asked");
        Assert.That(pdfs.Select(Convert.ToBase64String).Distinct().Count(), Is.EqualTo(1));
        Assert.That(Encoding.ASCII.GetString(pdfs[0], 0, 5), Is.EqualTo("%PDF-"));
        Assert.That(pages.Distinct().Count(), Is.EqualTo(1));
        Assert.That(pages[0], Does.Contain("Robert Haines"));
        // Kept rendered, but the stored version is still checked against the journal on each request.
        fork.WithDb(db => db.MinutesTexts.Where(t => t.Hash == v1.DocumentHash)
            .ExecuteUpdate(s => s.SetProperty(t => t.Text, t => t.Text.Replace("Robert Haines", "Robert Hanes"))));
        await Text(anonymous, $"/api/meetings/{M.Id}/minutes?format=pdf&lang=en", HttpStatusCode.Conflict);
    }

    [Test]
    public async Task MinutesAreWritten_OnlyAfterAdjournment()
    {
        var clerk = await M.Host.SignInAsync(Demo.Clerk);
        var draft = await clerk.Send<MeetingDetail>(HttpMethod.Post, "/api/meetings",
            new MeetingRequest(M.Body.Id, "Study session", "Special", M.Host.Clock.GetUtcNow().AddDays(20).DateTime, "America/Los_Angeles", "Room 3"), HttpStatusCode.Created);
        var refused = await clerk.PutAsJsonAsync($"/api/meetings/{draft.Meeting.Id}/minutes/narrative", new NarrativeRequest(null, "Too early"));
        await ApiClient.Expect(refused, HttpStatusCode.Conflict);
        Assert.That(await refused.Content.ReadAsStringAsync(), Does.Contain("minutes-after-adjournment"));
        await ApiClient.Expect(await clerk.PutAsJsonAsync($"/api/meetings/{M.Id}/minutes/narrative", new NarrativeRequest(Guid.NewGuid(), "No such item")), HttpStatusCode.BadRequest);
        Assert.That(M.Host.WithDb(db => db.MinutesTexts.Count(t => t.Text == "Too early" || t.Text == "No such item")), Is.Zero, "a refused narrative is not kept");
    }

    [Test]
    public async Task AWordWiderThanThePage_IsBrokenAcrossLines_WithNothingLost()
    {
        MinutesFonts.Install(null);
        // A written comment of the most a resident may write, with no space to break at.
        var word = string.Concat(Enumerable.Range(0, 300).Select(i => $"w{i:D4}word"));
        var pdf = MinutesPdf.Render("Long word", [new Paragraph("Before " + word + " after")]);
        var file = Path.Combine(TestHost.NewFolder(), "long-word.pdf");
        await File.WriteAllBytesAsync(file, pdf);

        using var process = Process.Start(new ProcessStartInfo("pdftotext", [file, "-"]) { RedirectStandardOutput = true })!;
        var lines = (await process.StandardOutput.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        await process.WaitForExitAsync();

        Assert.That(lines.Length, Is.GreaterThan(20), "broken over many lines");
        Assert.That(string.Concat(lines).Replace(" ", "", StringComparison.Ordinal), Does.Contain("Before" + word + "after"), "every character, in order");
    }

    [Test]
    public async Task ThePdf_IsSetWithPdfSharp_AndReadsAsTheMinutes()
    {
        var clerk = await M.Host.SignInAsync(Demo.Clerk);
        var response = await clerk.GetAsync($"/api/meetings/{M.Id}/minutes?draft=true&format=pdf");
        await ApiClient.Expect(response, HttpStatusCode.OK);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/pdf"));
        var pdf = await response.Content.ReadAsByteArrayAsync();
        Assert.That(Encoding.ASCII.GetString(pdf, 0, 5), Is.EqualTo("%PDF-"));
        var file = Path.Combine(TestHost.NewFolder(), "minutes.pdf");
        await File.WriteAllBytesAsync(file, pdf);
        Kept.Write("minutes-draft.en.pdf", pdf);

        // pdftotext (Debian's poppler-utils, installed by infra/test.sh) reads the text back as a person's viewer would.
        using var process = Process.Start(new ProcessStartInfo("pdftotext", ["-layout", file, "-"]) { RedirectStandardOutput = true })!;
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.Zero);
        Assert.That(text, Does.Contain("City Council of the City of Harbor City").And.Contain(ScriptedMeeting.SealText).And.Contain("Robert Haines").And.Contain("Caller ending 4821")
            .And.Contain("Motion 6-1").And.Contain("two-thirds"));
    }
}
