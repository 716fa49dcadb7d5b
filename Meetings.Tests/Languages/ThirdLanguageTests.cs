using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Meetings.Client.Contracts;
using Meetings.Tests.Notices;
using Meetings.Tests.Support;
using Microsoft.Playwright;

namespace Meetings.Tests.Languages;

/// <summary>
/// A third language added with files and settings alone: a test-only Words.fr.resx (every English word marked "[fr]")
/// in a folder named by LanguageFiles, and Languages:2 = fr with its culture, voice and keypad digit. It shows on the
/// web, in a mail, in a text and in the phone greeting.
/// </summary>
public class ThirdLanguageTests : NoticeFixture
{
    private string _files = null!;

    protected override IReadOnlyDictionary<string, string?> MoreSettings()
    {
        _files = TestHost.NewFolder();
        var english = XDocument.Load(Path.Combine(Architecture.DomainPurityTests.SolutionFolder(), "Meetings.Server", "Languages", "Words.resx"));
        foreach (var data in english.Root!.Elements("data"))
        {
            var name = (string)data.Attribute("name")!;
            var value = data.Element("value")!;
            value.Value = name switch
            {
                "language.name" => "Français",
                "phone.choose" => "Pour le français, appuyez sur {0} puis sur la touche dièse.",
                _ when name.StartsWith("format.", StringComparison.Ordinal) => value.Value,
                _ => "[fr] " + value.Value,
            };
        }
        english.Save(Path.Combine(_files, "Words.fr.resx"));
        return new Dictionary<string, string?>
        {
            ["LanguageFiles"] = _files,
            ["Languages:2:Code"] = "fr", ["Languages:2:Culture"] = "fr-FR", ["Languages:2:Voice"] = "fr-FR", ["Languages:2:Digit"] = "3",
        };
    }

    [Test]
    public async Task AThirdLanguage_FromFilesAlone_IsSpokenInMailsTextsThePhoneAndOnTheWeb()
    {
        // A mail: the confirmation and the notice, with dates written the French way.
        var email = await SubscribedByEmail("fr");
        var start = Host.Clock.GetUtcNow().AddDays(20).Date.AddHours(18);
        var meeting = await Meeting(start);
        var messages = await SmtpSink.WaitFor(email, 2);
        // Which of the two the mail folder lists first is not the order they were sent in.
        Assert.That(messages.Count(m => m.Subject!.StartsWith("[fr] Confirm your subscription", StringComparison.Ordinal)), Is.EqualTo(1));
        var notice = messages.Single(m => m.Subject!.StartsWith("[fr] Agenda posted", StringComparison.Ordinal));
        Assert.That(notice.TextBody, Does.Contain(start.ToString("dddd d MMMM yyyy", CultureInfo.GetCultureInfo("fr-FR"))).And.Contain("18:00"));
        Assert.That(notice.TextBody, Does.Contain($"?lang=fr").And.Contain("[fr] To stop these e-mails"));

        // A text.
        await Host.Anonymous().Send<SubscribeResult>(HttpMethod.Post, $"/api/bodies/{Body.Id}/subscriptions",
            new SubscribeRequest(Phone: "+15035550177", Language: "fr"), HttpStatusCode.Accepted);
        await Wait.Until(() => Twilio.Requests.Any(r => r.Path.EndsWith("/Messages.json", StringComparison.Ordinal) && r.Form["To"] == "+15035550177"), "the confirmation text");
        Assert.That(Twilio.Requests.Last(r => r.Form.GetValueOrDefault("To") == "+15035550177").Form["Body"], Does.StartWith("[fr] To get notices"));

        // The phone: the greeting offers French in a French voice with its key, and the key switches the prompts.
        var caller = new FakeCaller(Host, "CA" + Guid.NewGuid().ToString("N"), "+15035550166");
        var greeting = await caller.Dial();
        Assert.That(greeting, Does.Contain("language=\"fr-FR\">Pour le français, appuyez sur 3"));
        Assert.That(greeting, Does.Contain("language=\"es-MX\">Para español, oprima 2"));
        var french = await caller.EnterCode("3");
        Assert.That(french, Does.Contain("/phone/voice/code?lang=fr").And.Contain("[fr] Please enter the meeting access code"));
        var joined = await caller.EnterCode(meeting.AccessCode, "fr");
        Assert.That(joined, Does.Contain("[fr] ").And.Contain("language=\"fr-FR\""));

        // The web: offered by its own name, and a page opened with ?lang=fr is in French.
        var list = await Host.Anonymous().Get<LanguageList>("/api/languages");
        Assert.That(list.Languages.Select(l => l.Name), Is.EqualTo(new[] { "English", "Español", "Français" }));
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox", "--disable-gpu"] });
        var page = await browser.NewPageAsync(new() { BaseURL = Host.BaseAddress.ToString() });
        await page.GotoAsync("/?lang=fr");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("[fr] Meetings", new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Español" })).ToBeVisibleAsync();
        Assert.That(await page.EvaluateAsync<string>("document.documentElement.lang"), Is.EqualTo("fr"));
    }

    [Test]
    public async Task TheMinutes_AreWrittenInAThirdLanguage_FromItsFilesAlone()
    {
        var meeting = await Meeting(Host.Clock.GetUtcNow().AddDays(20).Date.AddHours(18));
        var minutes = WebUtility.HtmlDecode(await Clerk.GetStringAsync($"/api/meetings/{meeting.Meeting.Id}/minutes?draft=true&lang=fr"));
        Assert.That(minutes, Does.Contain("[fr] Minutes").And.Contain("[fr] The meeting has not been called to order.").And.Contain("[fr] Attendance"));
        var refused = await Clerk.GetAsync($"/api/meetings/{meeting.Meeting.Id}/minutes?draft=true&lang=de");
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task TheServersOwnPages_AreInTheSubscribersLanguage()
    {
        var email = NewEmail();
        await Host.Anonymous().Send<SubscribeResult>(HttpMethod.Post, $"/api/bodies/{Body.Id}/subscriptions", new SubscribeRequest(email, Language: "es"), HttpStatusCode.Accepted);
        var link = LinkIn((await SmtpSink.WaitFor(email)).Single().TextBody ?? "", "/api/subscriptions/confirm?token=");
        var page = WebUtility.HtmlDecode(await Host.Anonymous().GetStringAsync(new Uri(link).PathAndQuery));
        Assert.That(page, Does.Contain("<html lang=\"es\">").And.Contain("Confirme su suscripción").And.Contain("Sí, envíenme avisos"));
        var confirmed = WebUtility.HtmlDecode(await (await Host.Anonymous().PostAsync(new Uri(link).PathAndQuery, null)).Content.ReadAsStringAsync());
        Assert.That(confirmed, Does.Contain("<html lang=\"es\">").And.Contain("Suscripción confirmada"));
        var token = Regex.Match(link, "token=([^&]+)").Groups[1].Value;
        var stop = WebUtility.HtmlDecode(await Host.Anonymous().GetStringAsync($"/api/subscriptions/unsubscribe?token={token}"));
        Assert.That(stop, Does.Contain("Dejar de recibir avisos por correo"));
        var refused = await Host.Anonymous().Send<object>(HttpMethod.Post, $"/api/bodies/{Body.Id}/subscriptions", new SubscribeRequest(NewEmail(), Language: "de"), HttpStatusCode.BadRequest);
        Assert.That(refused, Is.Not.Null);
    }
}
