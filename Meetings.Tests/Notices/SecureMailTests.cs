using System.Net;
using Meetings.Client.Contracts;
using Meetings.Tests.Support;

namespace Meetings.Tests.Notices;

/// <summary>
/// Notices through a mail server as a city runs one: it takes nothing before STARTTLS and a login, and its
/// certificate is the city's own (accepted by its SHA-256 fingerprint in <c>Smtp:TrustedCertificate</c>).
/// </summary>
[NonParallelizable]
public class SecureMailTests
{
    private SecureSmtp _smtp = null!;

    [OneTimeSetUp]
    public void StartMailServer() => _smtp = SecureSmtp.Start();

    [OneTimeTearDown]
    public void StopMailServer() => _smtp?.Dispose();

    private static TestHost Host(string folder, Dictionary<string, string?> smtp) =>
        new(folder, settings: new Dictionary<string, string?>(smtp) { ["Jobs:PollMilliseconds"] = "200", ["PublicBaseUrl"] = FakeTwilio.PublicBaseUrl });

    /// <summary>Subscribes an address through a host and presses the button behind the link in the confirmation, which must come through the secure server.</summary>
    private async Task<string> Subscribed(TestHost host)
    {
        var email = $"resident-{Guid.NewGuid():N}@example.org";
        var body = await host.Anonymous().DemoBody();
        await host.Anonymous().Send<SubscribeResult>(HttpMethod.Post, $"/api/bodies/{body.Id}/subscriptions", new SubscribeRequest(email), HttpStatusCode.Accepted);
        await Wait.Until(() => _smtp.MessagesTo(email).Count == 1, "the confirmation through STARTTLS and a login");
        var text = _smtp.MessagesTo(email)[0].TextBody ?? "";
        var start = text.IndexOf("/api/subscriptions/confirm?token=", StringComparison.Ordinal);
        var link = text[start..].Split([' ', '\n', '\r'])[0];
        // The link opens a page whose button confirms (a mail scanner that follows links confirms nothing).
        var confirmed = await host.Anonymous().PostAsync(link, null);
        Assert.That(await confirmed.Content.ReadAsStringAsync(), Does.Contain("You will receive notices"));
        return email;
    }

    private static async Task<MeetingDetail> Published(TestHost host)
    {
        var clerk = await host.SignInAsync(Demo.Clerk);
        var body = await clerk.DemoBody();
        var meeting = await clerk.Send<MeetingDetail>(HttpMethod.Post, "/api/meetings",
            new MeetingRequest(body.Id, "Budget Study Session", "Regular", Dates.DaysAfter(host.Clock.GetUtcNow(), 20), "America/Los_Angeles", "Council Chambers"), HttpStatusCode.Created);
        await clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{meeting.Meeting.Id}/agenda", new AgendaItemRequest("Call to Order", "Procedural"), HttpStatusCode.Created);
        return await clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{meeting.Meeting.Id}/publish", new PublishRequest(), HttpStatusCode.OK);
    }

    [Test]
    public async Task Notices_AreSent_ThroughAMailServerThatRequiresStartTlsAndALogin()
    {
        using var host = Host(TestHost.NewFolder(), _smtp.Settings());
        var email = await Subscribed(host);

        await Published(host);

        await Wait.Until(() => _smtp.MessagesTo(email).Any(m => m.Subject == "Agenda posted: Budget Study Session"), "the notice through the secure server");
    }

    [TestCase("a wrong password", "StartTls", true, "Authentication")]
    [TestCase(SecureSmtp.Password, "None", true, "authentication")]
    [TestCase(SecureSmtp.Password, "StartTls", false, "certificate")]
    public async Task AWrongLogin_NoTls_OrAnUntrustedCertificate_SendsNothing_AndTheReportSaysWhy(string password, string security, bool pinned, string reason)
    {
        var settings = _smtp.Settings(password, security);
        if (!pinned) settings.Remove("Smtp:TrustedCertificate");
        using var host = Host(TestHost.NewFolder(), settings);
        // A subscriber confirmed earlier, while the settings were right (the test above confirms through this server).
        var email = $"resident-{Guid.NewGuid():N}@example.org";
        var body = await host.Anonymous().DemoBody();
        host.WithDb(db =>
        {
            db.Subscribers.Add(new Meetings.Server.Notices.Subscriber
            {
                Id = Guid.NewGuid(), BodyId = body.Id, Email = email, Token = Guid.NewGuid().ToString("N"),
                CreatedAt = host.Clock.GetUtcNow(), EmailConfirmedAt = host.Clock.GetUtcNow(),
            });
            return db.SaveChanges();
        });

        var meeting = await Published(host);

        var clerk = await host.SignInAsync(Demo.Clerk);
        await Wait.Until(async () => (await clerk.Get<List<NoticeReport>>($"/api/meetings/{meeting.Meeting.Id}/notices"))
            .Any(n => n.Kind == "Published" && n.Failed == 1), "the delivery failed");
        var problem = (await clerk.Get<List<NoticeReport>>($"/api/meetings/{meeting.Meeting.Id}/notices")).Single(n => n.Kind == "Published").Problems.Single();
        Assert.That(problem.Error, Does.Contain(reason));
        Assert.That(_smtp.MessagesTo(email), Is.Empty, "nothing reached the mail server's box");
    }
}
