using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Meetings.Client.Contracts;
using Meetings.Server.Documents;
using Meetings.Server.Notices;
using Meetings.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Meetings.Tests.Documents;

/// <summary>Agenda documents: upload by a clerk, the type told from the content, public download, amendments, the packet, and both stores.</summary>
public class DocumentTests
{
    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>A small but well-formed PDF, different for each title.</summary>
    public static byte[] Pdf(string title) => Encoding.ASCII.GetBytes(
        $"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n% {title}\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    /// <summary>A zip with the given entries, as the office formats are.</summary>
    private static byte[] Zip(params (string Name, string Text)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, text) in entries)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open());
                writer.Write(text);
            }
        return buffer.ToArray();
    }

    private static byte[] Docx() => Zip(("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>"));

    private static async Task<HttpResponseMessage> Upload(HttpClient client, Guid meetingId, Guid itemId, byte[] content, string fileName, string? title = null, Guid? replaces = null)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        if (title is not null) form.Add(new StringContent(title), "title");
        if (replaces is not null) form.Add(new StringContent(replaces.Value.ToString()), "replaces");
        return await client.PostAsync($"/api/meetings/{meetingId}/agenda/{itemId}/documents", form);
    }

    private static async Task<DocumentDto> Uploaded(HttpClient client, Guid meetingId, Guid itemId, byte[] content, string fileName, string? title = null, Guid? replaces = null)
    {
        var response = await Upload(client, meetingId, itemId, content, fileName, title, replaces);
        await ApiClient.Expect(response, HttpStatusCode.Created);
        return (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<DocumentDto>(response.Content, ApiClient.Json))!;
    }

    [Test]
    public async Task ADocumentAddedToAPostedAgenda_IsKeptByItsHash_ListedUnderItsItem_PublicToDownload_AndAnAmendmentNoticed()
    {
        using var host = new TestHost();
        var meeting = await host.Anonymous().DemoMeeting();
        var id = meeting.Meeting.Id;
        var item = meeting.Agenda.Single(i => i.Number == "6");
        var clerk = await host.SignInAsync(Demo.Clerk);
        var pdf = Pdf("Staff report");
        var document = await Uploaded(clerk, id, item.Id, pdf, "Staff Report.pdf", "Staff report: mid-year budget");

        Assert.That((document.Title, document.FileName, document.MediaType, document.Size, document.Sha256, document.Amended),
            Is.EqualTo(("Staff report: mid-year budget", "Staff Report.pdf", "application/pdf", (long)pdf.Length, Sha256(pdf), true)));
        var kept = Path.Combine(host.DataFolder, "documents", document.Sha256[..2], document.Sha256);
        Assert.That(await File.ReadAllBytesAsync(kept), Is.EqualTo(pdf), "the file store keeps the bytes under their hash");

        var listed = (await host.Anonymous().Get<MeetingDetail>($"/api/meetings/{id}")).Agenda.Single(i => i.Id == item.Id);
        Assert.That(listed.Documents!.Select(d => d.Id), Is.EqualTo(new[] { document.Id }));
        Assert.That(listed.Amended, Is.True);

        var download = await host.Anonymous().GetAsync(document.Url);
        await ApiClient.Expect(download, HttpStatusCode.OK);
        Assert.That(await download.Content.ReadAsByteArrayAsync(), Is.EqualTo(pdf));
        Assert.That(download.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/pdf"));
        Assert.That(download.Content.Headers.ContentDisposition?.FileNameStar ?? download.Content.Headers.ContentDisposition?.FileName, Is.EqualTo("Staff Report.pdf"));
        Assert.That(download.Headers.GetValues("X-Content-Type-Options"), Is.EqualTo(new[] { "nosniff" }));

        // Recorded as an amendment, with what was added, and an amended-agenda notice is planned for it.
        var journal = await host.Anonymous().Get<List<JournalEventDto>>($"/api/meetings/{id}/journal");
        var attached = journal[^1];
        Assert.That(attached.Type, Is.EqualTo("DocumentAttached"));
        Assert.That(attached.Payload.GetProperty("isAmendment").GetBoolean(), Is.True);
        Assert.That(attached.Payload.GetProperty("contentHash").GetString(), Is.EqualTo(Sha256(pdf)));
        await Wait.Until(() => host.WithDb(db => db.Notices.AsNoTracking().Any(n => n.MeetingId == id && n.Kind == NoticeKind.Amended)), "an amended-agenda notice");

        // The open data links it.
        var ocd = await host.Anonymous().Get<System.Text.Json.JsonElement>($"/api/meetings/{id}/exports/ocd-event");
        var listedInOcd = ocd.GetProperty("documents").EnumerateArray().Single(d => d.GetProperty("note").GetString() == "Item 6: Staff report: mid-year budget");
        Assert.That(listedInOcd.GetProperty("url").GetString(), Is.EqualTo($"http://localhost:5000{document.Url}"));
        Assert.That(listedInOcd.GetProperty("media_type").GetString(), Is.EqualTo("application/pdf"));
        var legistar = await host.Anonymous().Get<System.Text.Json.JsonElement>($"/api/meetings/{id}/exports/legistar");
        var attachment = legistar.GetProperty("EventItems").EnumerateArray().Single(i => i.GetProperty("EventItemAgendaNumber").GetString() == "6")
            .GetProperty("EventItemMatterAttachments")[0];
        Assert.That(attachment.GetProperty("MatterAttachmentName").GetString(), Is.EqualTo("Staff report: mid-year budget"));
        Assert.That(attachment.GetProperty("MatterAttachmentFileName").GetString(), Is.EqualTo("Staff Report.pdf"));
    }

    [Test]
    public void Notices_LinkEachDocumentAndThePacket_InEmailsAboutTheAgenda_NotInTexts()
    {
        var config = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PublicBaseUrl"] = "https://meetings.example.gov", ["Twilio:PhoneNumber"] = "+15550100100",
        }).Build();
        var content = new NoticeContent(new PublicAddress(config, new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = "Production" },
            new Microsoft.Extensions.DependencyInjection.ServiceCollection().BuildServiceProvider()), config, new Meetings.Server.Privacy.ServerSecret());
        var languages = new Meetings.Server.Languages.Languages(Meetings.Server.Languages.Languages.Defaults,
            [Path.Combine(Architecture.DomainPurityTests.SolutionFolder(), "Meetings.Server", "Languages")]);
        var meetingId = Guid.NewGuid();
        var documentId = Guid.NewGuid();
        var facts = new MeetingFacts(meetingId, "Harbor City Council", "Regular Meeting", Meetings.Server.Domain.MeetingStatus.Published,
            TimeProvider.System.GetUtcNow().AddDays(30), "America/Los_Angeles", "City Hall", "482913", null,
            Documents: [new NoticeDocument("6", "Staff report", documentId)]);
        var amended = content.Write(NoticeKind.Amended, facts, languages.For("en"));
        Assert.That(amended.Body, Does.Contain($"- Item 6, Staff report: https://meetings.example.gov/api/meetings/{meetingId}/documents/{documentId}"));
        Assert.That(amended.Body, Does.Contain($"All in one file: https://meetings.example.gov/api/meetings/{meetingId}/packet"));
        Assert.That(amended.Sms, Does.Not.Contain("/documents/"));
        Assert.That(content.Write(NoticeKind.Published, facts, languages.For("es")).Body, Does.Contain("Documentos:\n- Tema 6, Staff report: "));
        Assert.That(content.Write(NoticeKind.Cancelled, facts, languages.For("en")).Body, Does.Not.Contain("/documents/"));
    }

    [Test]
    public async Task ADraftsDocuments_AreForClerksUntilTheAgendaIsPosted_AndAreNoAmendment()
    {
        using var host = new TestHost();
        var body = await host.Anonymous().DemoBody();
        var clerk = await host.SignInAsync(Demo.Clerk);
        var draft = await clerk.Send<MeetingDetail>(HttpMethod.Post, "/api/meetings",
            new MeetingRequest(body.Id, "Budget workshop", "Special", host.Clock.GetUtcNow().AddDays(10).DateTime, "America/Los_Angeles", "Room 2"), HttpStatusCode.Created);
        var withItem = await clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{draft.Meeting.Id}/agenda", new AgendaItemRequest("Budget overview", "Discussion"), HttpStatusCode.Created);
        var document = await Uploaded(clerk, draft.Meeting.Id, withItem.Agenda[0].Id, Docx(), "overview.docx");
        Assert.That(document.Amended, Is.False);
        await ApiClient.Expect(await host.Anonymous().GetAsync(document.Url), HttpStatusCode.NotFound);
        await ApiClient.Expect(await clerk.GetAsync(document.Url), HttpStatusCode.OK);
        await ApiClient.Expect(await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(clerk, $"/api/meetings/{draft.Meeting.Id}/publish", new PublishRequest()), HttpStatusCode.OK);
        await ApiClient.Expect(await host.Anonymous().GetAsync(document.Url), HttpStatusCode.OK);
    }

    [Test]
    public async Task TheType_IsToldFromTheContent_NotTheName()
    {
        using var host = new TestHost();
        var meeting = await host.Anonymous().DemoMeeting();
        var (id, item) = (meeting.Meeting.Id, meeting.Agenda.Single(i => i.Number == "7").Id);
        var clerk = await host.SignInAsync(Demo.Clerk);
        byte[] ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 1, 2, 3, 4];
        foreach (var (content, name, type, stored) in new[]
        {
            (Docx(), "report.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "report.docx"),
            (Docx(), "report.pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "report.docx"),
            (Zip(("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<workbook/>")), "budget.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "budget.xlsx"),
            (Zip(("[Content_Types].xml", "<Types/>"), ("ppt/presentation.xml", "<p/>")), "slides.pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "slides.pptx"),
            (Zip(("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", "<office/>")), "letter.odt", "application/vnd.oasis.opendocument.text", "letter.odt"),
            (ole, "old.xls", "application/vnd.ms-excel", "old.xls"),
            (Pdf("path"), "../../etc/passwd.pdf", "application/pdf", "passwd.pdf"),
        })
        {
            var document = await Uploaded(clerk, id, item, content, name);
            Assert.That((document.MediaType, document.FileName), Is.EqualTo((type, stored)), name);
        }

        var before = (await host.Anonymous().Get<List<JournalEventDto>>($"/api/meetings/{id}/journal")).Count;
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0];
        foreach (var (content, name) in new[]
        {
            (png, "report.pdf"), (Encoding.UTF8.GetBytes("<html><script>alert(1)</script></html>"), "agenda.docx"),
            (Zip(("readme.txt", "hello")), "archive.docx"), (ole, "setup.exe"), (Encoding.ASCII.GetBytes("PK\u0003\u0004 not really a zip"), "broken.xlsx"),
        })
        {
            var refused = await Upload(clerk, id, item, content, name);
            await ApiClient.Expect(refused, HttpStatusCode.BadRequest);
            Assert.That(await refused.Content.ReadAsStringAsync(), Does.Contain("is not one of the accepted kinds"), name);
        }
        Assert.That((await host.Anonymous().Get<List<JournalEventDto>>($"/api/meetings/{id}/journal")).Count, Is.EqualTo(before), "refusals record nothing");
    }

    [Test]
    public async Task AFileOverTheLimit_IsRefusedWithTheLimit_AndOnlyClerksUpload()
    {
        using var host = new TestHost(settings: new Dictionary<string, string?> { ["Documents:MaxMegabytes"] = "1" });
        var meeting = await host.Anonymous().DemoMeeting();
        var (id, item) = (meeting.Meeting.Id, meeting.Agenda.Single(i => i.Number == "6").Id);
        var clerk = await host.SignInAsync(Demo.Clerk);
        var large = new byte[1024 * 1024 + 1];
        Pdf("large").CopyTo(large, 0);
        var refused = await Upload(clerk, id, item, large, "large.pdf");
        await ApiClient.Expect(refused, HttpStatusCode.BadRequest);
        Assert.That(await refused.Content.ReadAsStringAsync(), Does.Contain("the limit is 1 MB"));
        await Uploaded(clerk, id, item, large[..(1024 * 1024)], "just-fits.pdf");

        await ApiClient.Expect(await Upload(await host.SignInAsync(Demo.Mayor), id, item, Pdf("x"), "x.pdf"), HttpStatusCode.Forbidden);
        await ApiClient.Expect(await Upload(host.Anonymous(), id, item, Pdf("x"), "x.pdf"), HttpStatusCode.Unauthorized);
        await ApiClient.Expect(await Upload(clerk, id, Guid.NewGuid(), Pdf("x"), "x.pdf"), HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task BadUploads_GetAClearRefusal_AndChangeNothing()
    {
        using var host = new TestHost();
        var meeting = await host.Anonymous().DemoMeeting();
        var (id, item) = (meeting.Meeting.Id, meeting.Agenda.Single(i => i.Number == "6").Id);
        var clerk = await host.SignInAsync(Demo.Clerk);
        var url = $"/api/meetings/{id}/agenda/{item}/documents";
        var before = (await host.Anonymous().Get<List<JournalEventDto>>($"/api/meetings/{id}/journal")).Count;
        var files = Path.Combine(host.DataFolder, "documents");
        int FilesKept() => Directory.Exists(files) ? Directory.GetFiles(files, "*", SearchOption.AllDirectories).Length : 0;
        var filesBefore = FilesKept();

        await ApiClient.Expect(await Upload(clerk, id, item, [], "empty.pdf"), HttpStatusCode.BadRequest);
        await ApiClient.Expect(await Upload(clerk, id, item, Pdf("x"), "x.pdf", new string('t', 201)), HttpStatusCode.BadRequest);
        await ApiClient.Expect(await Upload(clerk, id, item, Pdf("x"), "x.pdf", replaces: Guid.NewGuid()), HttpStatusCode.BadRequest);
        var noFile = new MultipartFormDataContent { { new StringContent("A title"), "title" } };
        await ApiClient.Expect(await clerk.PostAsync(url, noFile), HttpStatusCode.BadRequest);
        var badReplaces = new MultipartFormDataContent { { new ByteArrayContent(Pdf("x")), "file", "x.pdf" }, { new StringContent("not-a-guid"), "replaces" } };
        await ApiClient.Expect(await clerk.PostAsync(url, badReplaces), HttpStatusCode.BadRequest);
        var json = await clerk.PostAsync(url, new StringContent("{\"file\":\"x\"}", Encoding.UTF8, "application/json"));
        Assert.That((int)json.StatusCode, Is.InRange(400, 499), await json.Content.ReadAsStringAsync());
        await ApiClient.Expect(await clerk.GetAsync($"/api/meetings/{id}/documents/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        await ApiClient.Expect(await clerk.DeleteAsync($"/api/meetings/{id}/documents/{Guid.NewGuid()}"), HttpStatusCode.BadRequest);
        await ApiClient.Expect(await host.Anonymous().GetAsync($"/api/meetings/{Guid.NewGuid()}/packet"), HttpStatusCode.NotFound);
        Assert.That((await host.Anonymous().Get<List<JournalEventDto>>($"/api/meetings/{id}/journal")).Count, Is.EqualTo(before));
        Assert.That(FilesKept(), Is.EqualTo(filesBefore), "no file kept for an upload the meeting refused");
    }

    [Test]
    public async Task ReplacingADocument_KeepsItsPlace_AndRemovingOneTakesItAway_BothRecordedAsAmendments()
    {
        using var host = new TestHost();
        var meeting = await host.Anonymous().DemoMeeting();
        var (id, item) = (meeting.Meeting.Id, meeting.Agenda.Single(i => i.Number == "6").Id);
        var clerk = await host.SignInAsync(Demo.Clerk);
        var report = await Uploaded(clerk, id, item, Pdf("report v1"), "report.pdf", "Staff report");
        var slides = await Uploaded(clerk, id, item, Docx(), "slides.docx", "Presentation");
        var revised = await Uploaded(clerk, id, item, Pdf("report v2"), "report-2.pdf", "Staff report, revised", report.Id);
        var listed = (await host.Anonymous().Get<MeetingDetail>($"/api/meetings/{id}")).Agenda.Single(i => i.Id == item).Documents!;
        Assert.That(listed.Select(d => d.Title), Is.EqualTo(new[] { "Staff report, revised", "Presentation" }));
        await ApiClient.Expect(await host.Anonymous().GetAsync(report.Url), HttpStatusCode.NotFound);

        await ApiClient.Expect(await clerk.DeleteAsync(slides.Url), HttpStatusCode.NoContent);
        var journal = await host.Anonymous().Get<List<JournalEventDto>>($"/api/meetings/{id}/journal");
        Assert.That(journal[^2].Payload.GetProperty("replaces").GetGuid(), Is.EqualTo(report.Id));
        Assert.That((journal[^1].Type, journal[^1].Payload.GetProperty("isAmendment").GetBoolean()), Is.EqualTo(("DocumentRemoved", true)));
        Assert.That((await host.Anonymous().Get<MeetingDetail>($"/api/meetings/{id}")).Agenda.Single(i => i.Id == item).Documents!.Select(d => d.Id),
            Is.EqualTo(new[] { revised.Id }));
    }

    [Test]
    public async Task ThePacket_HasTheAgendaThenEveryDocumentInAgendaOrder()
    {
        using var host = new TestHost();
        await PacketInAgendaOrder(host);
    }

    [Test]
    public async Task InAnS3CompatibleStore_DocumentsAreKeptAsObjectsByTheirHash_AndServedTheSame()
    {
        using var s3 = await S3Server.StartAsync();
        using var host = new TestHost(settings: s3.Settings);
        var (id, documents) = await PacketInAgendaOrder(host);
        Assert.That(Directory.Exists(Path.Combine(host.DataFolder, "documents")), Is.False, "nothing in the data folder");

        using var client = new AmazonS3Client(S3Server.AccessKey, S3Server.SecretKey, new AmazonS3Config { ServiceURL = s3.ServiceUrl, ForcePathStyle = true });
        foreach (var d in documents)
        {
            using var stored = await client.GetObjectAsync(S3Server.Bucket, $"documents/{d.Sha256}");
            using var bytes = new MemoryStream();
            await stored.ResponseStream.CopyToAsync(bytes);
            Assert.That(Sha256(bytes.ToArray()), Is.EqualTo(d.Sha256));
            Assert.That(await host.Anonymous().GetByteArrayAsync(d.Url), Is.EqualTo(bytes.ToArray()));
        }
        Assert.That(id, Is.Not.EqualTo(Guid.Empty));
    }

    [Test]
    public async Task APacket_IsZippedOncePerStateOfTheMeeting_ThenSentFromDisk()
    {
        var reads = 0;
        using var host = new TestHost(services: s =>
        {
            var registered = s.Last(d => d.ServiceType == typeof(IDocumentStore));
            s.Add(ServiceDescriptor.Singleton<IDocumentStore>(sp => new CountingStore(
                registered.ImplementationInstance as IDocumentStore ?? (IDocumentStore)registered.ImplementationFactory!(sp), () => Interlocked.Increment(ref reads))));
        });
        var meeting = await host.Anonymous().DemoMeeting();
        var id = meeting.Meeting.Id;
        var clerk = await host.SignInAsync(Demo.Clerk);
        await Uploaded(clerk, id, meeting.Agenda.Single(i => i.Number == "6").Id, Pdf("budget"), "budget.pdf", "Budget report");
        var url = $"/api/meetings/{id}/packet";

        var first = await host.Anonymous().GetByteArrayAsync(url);
        var again = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => host.Anonymous().GetByteArrayAsync(url)));
        Assert.That(again, Is.All.EqualTo(first));
        Assert.That(reads, Is.EqualTo(1), "six downloads, the document read once: the packet was zipped once");

        // The hearing goes on (public comment opens, the journal moves on): what the packet holds is the same, and so is the packet.
        await using (var live = await LiveClient.ConnectAsync(host, Demo.Clerk, "clerk", id))
            await live.OpenPublicComment(id, meeting.Agenda[2].Id);
        Assert.That(await host.Anonymous().GetByteArrayAsync(url), Is.EqualTo(first));
        Assert.That(reads, Is.EqualTo(1), "not zipped again for a change that is not in it");

        await Uploaded(clerk, id, meeting.Agenda.Single(i => i.Number == "3").Id, Docx(), "letters.docx", "Letters received");
        using var zip = new ZipArchive(new MemoryStream(await host.Anonymous().GetByteArrayAsync(url)));
        Assert.That(zip.Entries.Select(e => e.FullName), Is.EqualTo(new[] { "00 Agenda.html", "01 Item 3 - Letters received.docx", "02 Item 6 - Budget report.pdf" }),
            "the meeting changed: a new packet");
        Assert.That(Directory.GetFiles(Path.Combine(host.DataFolder, "packets"), $"{id:N}-*"), Has.Length.EqualTo(1), "and the earlier one is gone");

        var part = new HttpRequestMessage(HttpMethod.Get, url);
        part.Headers.Range = new RangeHeaderValue(0, 3);
        var start = await host.Anonymous().SendAsync(part);
        Assert.That(start.StatusCode, Is.EqualTo(HttpStatusCode.PartialContent), "a download that broke off can go on where it stopped");
        Assert.That(await start.Content.ReadAsByteArrayAsync(), Is.EqualTo("PK\u0003\u0004"u8.ToArray()));
    }

    /// <summary>A document store that counts the files read from it.</summary>
    private sealed class CountingStore(IDocumentStore inner, Action read) : IDocumentStore
    {
        public Task<string> KeepAsync(byte[] content, CancellationToken ct = default) => inner.KeepAsync(content, ct);

        public Task<Stream?> OpenAsync(string hash, CancellationToken ct = default)
        {
            read();
            return inner.OpenAsync(hash, ct);
        }
    }

    /// <summary>Uploads to items 6 and 3 (in that order) and checks the packet puts item 3's first, after the agenda.</summary>
    private static async Task<(Guid, List<DocumentDto>)> PacketInAgendaOrder(TestHost host)
    {
        var meeting = await host.Anonymous().DemoMeeting();
        var id = meeting.Meeting.Id;
        var clerk = await host.SignInAsync(Demo.Clerk);
        var budget = await Uploaded(clerk, id, meeting.Agenda.Single(i => i.Number == "6").Id, Pdf("budget"), "budget.pdf", "Budget report");
        var comment = await Uploaded(clerk, id, meeting.Agenda.Single(i => i.Number == "3").Id, Docx(), "letters.docx", "Letters received");

        var response = await host.Anonymous().GetAsync($"/api/meetings/{id}/packet");
        await ApiClient.Expect(response, HttpStatusCode.OK);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/zip"));
        using var zip = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
        Assert.That(zip.Entries.Select(e => e.FullName),
            Is.EqualTo(new[] { "00 Agenda.html", "01 Item 3 - Letters received.docx", "02 Item 6 - Budget report.pdf" }));
        using (var agenda = new StreamReader(zip.Entries[0].Open()))
        {
            var html = await agenda.ReadToEndAsync();
            Assert.That(html, Does.Contain("6. Adopt the mid-year budget adjustment for fiscal year 2026-27 (amended)").And.Contain("Budget report (budget.pdf)"));
        }
        using var pdf = new MemoryStream();
        await zip.Entries[2].Open().CopyToAsync(pdf);
        Assert.That(pdf.ToArray(), Is.EqualTo(Pdf("budget")));
        return (id, [comment, budget]);
    }
}

/// <summary>In Debian's Chromium: the clerk adds a document from the console, and the resident's view lists it under its item.</summary>
[NonParallelizable]
public class DocumentListTests
{
    [Test]
    public async Task TheClerkAddsADocumentFromTheConsole_AndTheResidentViewListsItUnderItsItem()
    {
        const string chromium = "/usr/bin/chromium";
        Assert.That(File.Exists(chromium), Is.True, "Chromium is missing: infra/test.sh installs Debian's chromium");
        using var host = new TestHost();
        var meeting = await host.Anonymous().DemoMeeting();
        var id = meeting.Meeting.Id;
        var item = meeting.Agenda.Single(i => i.Number == "6");
        var file = Path.Combine(TestHost.NewFolder(), "report.pdf");
        await File.WriteAllBytesAsync(file, DocumentTests.Pdf("report"));

        using var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ["--no-sandbox", "--disable-gpu"] });
        var clerk = await browser.NewPageAsync(new() { BaseURL = host.BaseAddress.ToString() });
        clerk.SetDefaultTimeout(20_000);
        await clerk.GotoAsync("/signin");
        await clerk.GetByLabel("E-mail").FillAsync(Demo.Clerk);
        await clerk.GetByLabel("Password").FillAsync(TestHost.Password);
        await clerk.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await clerk.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Sign out" }).WaitForAsync();
        await clerk.GotoAsync($"/clerk/{id}");
        // The WebAssembly client can take longer than five seconds to start on a busy machine.
        await Microsoft.Playwright.Assertions.Expect(clerk.GetByRole(Microsoft.Playwright.AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await clerk.Locator("summary", new() { HasText = "Add a document" }).ClickAsync();
        var form = clerk.GetByRole(Microsoft.Playwright.AriaRole.Form, new() { Name = "Add a document" });
        await form.GetByLabel("Item").SelectOptionAsync(item.Id.ToString());
        await form.GetByLabel("Title (optional)").FillAsync("Staff report");
        await form.GetByLabel("File (PDF or office document)").SetInputFilesAsync(file);
        await form.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Add a document" }).ClickAsync();
        await Microsoft.Playwright.Assertions.Expect(clerk.GetByRole(Microsoft.Playwright.AriaRole.Status).Filter(new() { HasText = "report.pdf was added." })).ToBeVisibleAsync();

        var document = (await host.Anonymous().Get<MeetingDetail>($"/api/meetings/{id}")).Agenda.Single(i => i.Id == item.Id).Documents!.Single();
        Assert.That((document.Title, document.FileName, document.Sha256), Is.EqualTo(("Staff report", "report.pdf", Convert.ToHexStringLower(SHA256.HashData(DocumentTests.Pdf("report"))))));
        var resident = await browser.NewPageAsync(new() { BaseURL = host.BaseAddress.ToString() });
        resident.SetDefaultTimeout(20_000);
        await resident.GotoAsync($"/meetings/{id}");
        // The WebAssembly client can take longer than five seconds to start on a busy machine.
        await Microsoft.Playwright.Assertions.Expect(resident.GetByRole(Microsoft.Playwright.AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        var list = resident.GetByRole(Microsoft.Playwright.AriaRole.List, new() { Name = "Documents for item 6" });
        await Microsoft.Playwright.Assertions.Expect(list.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "Staff report" }))
            .ToHaveAttributeAsync("href", $"/api/meetings/{id}/documents/{document.Id}");
        await Microsoft.Playwright.Assertions.Expect(list).ToContainTextAsync("(PDF, 1 KB)");
    }
}
