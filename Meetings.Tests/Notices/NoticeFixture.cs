using System.Net;
using Meetings.Client.Contracts;
using Meetings.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Notices;

/// <summary>A host with real SMTP, a fake Twilio and a fast Hangfire server; helpers to subscribe and to post meetings.</summary>
public abstract class NoticeFixture
{
    protected FakeTwilio Twilio { get; private set; } = null!;

    /// <summary>The clock of the server's calls to Twilio and of the fake's delays: it moves only when a test moves it.</summary>
    protected Microsoft.Extensions.Time.Testing.FakeTimeProvider Network { get; private set; } = null!;
    protected TestHost Host { get; set; } = null!;
    protected HttpClient Clerk { get; set; } = null!;
    protected BodyDto Body { get; private set; } = null!;
    protected string Folder { get; private set; } = null!;

    [SetUp]
    public async Task StartHost()
    {
        Twilio = await FakeTwilio.StartAsync();
        Network = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        Twilio.Clock = Network;
        Folder = TestHost.NewFolder();
        Host = NewHost();
        Clerk = await Host.SignInAsync(Demo.Clerk);
        Body = await Clerk.DemoBody();
        await DemoNoticeSent();
    }

    /// <summary>
    /// The demo council's meeting is published as the server seeds it, and its notice goes out on Hangfire's poll, on
    /// real time: under load that could be after a test has subscribed, which would then get it. So tests start after.
    /// </summary>
    private async Task DemoNoticeSent()
    {
        var demo = await Clerk.DemoMeeting();
        await WaitForReport(demo.Meeting.Id, r => r.Any(n => n.Kind == "Published" && n.State == "Sent"), "the demo meeting's published notice sent, to nobody");
    }

    [TearDown]
    public async Task StopHost()
    {
        Host.Dispose();
        await Twilio.DisposeAsync();
    }

    /// <summary>A host on this test's database (a second one acts as another app instance).</summary>
    protected TestHost NewHost() => new(Folder, settings: Settings, networkClock: Network, services: Services);

    /// <summary>Services a fixture adds to every host it starts.</summary>
    protected virtual Action<IServiceCollection>? Services => null;

    private Dictionary<string, string?> Settings => new(Twilio.Settings.Concat(SmtpSink.Settings).Concat(_more ??= MoreSettings())) { ["Jobs:PollMilliseconds"] = "200" };

    private IReadOnlyDictionary<string, string?>? _more;

    /// <summary>Settings a fixture adds to every host it starts.</summary>
    protected virtual IReadOnlyDictionary<string, string?> MoreSettings() => new Dictionary<string, string?>();

    /// <summary>A wall-clock time some days after the host's clock says it is now.</summary>
    protected DateTime DaysAhead(int days, double hour = 18) => Dates.DaysAfter(Host.Clock.GetUtcNow(), days, hour);

    protected static string NewEmail() => $"resident-{Guid.NewGuid():N}@example.org";

    /// <summary>Subscribes an address and follows the confirmation link from the e-mail that arrives.</summary>
    protected async Task<string> SubscribedByEmail(string language = "en")
    {
        var email = NewEmail();
        var result = await Host.Anonymous().Send<SubscribeResult>(HttpMethod.Post, $"/api/bodies/{Body.Id}/subscriptions",
            new SubscribeRequest(email, Language: language), HttpStatusCode.Accepted);
        Assert.That(result.Email, Does.Contain("Check your e-mail"));
        var confirmation = (await SmtpSink.WaitFor(email)).Single();
        var link = LinkIn(confirmation.TextBody ?? "", "/api/subscriptions/confirm?token=");
        return await Confirm(link, email);
    }

    /// <summary>Opens the confirmation link (a page with a button, as a mail scanner would see it) and presses the button.</summary>
    protected async Task<string> Confirm(string link, string email)
    {
        var client = Host.Anonymous();
        var page = await client.GetAsync(new Uri(link).PathAndQuery);
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await page.Content.ReadAsStringAsync(), Does.Contain("<form method=\"post\""));
        var confirmed = await client.PostAsync(new Uri(link).PathAndQuery, null);
        // The page is in the subscriber's language; either way it names the address now confirmed.
        Assert.That(confirmed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(WebUtility.HtmlDecode(await confirmed.Content.ReadAsStringAsync()), Does.Contain(email));
        return email;
    }

    protected static string LinkIn(string text, string path)
    {
        var start = text.IndexOf(FakeTwilio.PublicBaseUrl + path, StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), $"no {path} link in: {text}");
        var end = text.IndexOfAny([' ', '\n', '\r'], start);
        return end < 0 ? text[start..] : text[start..end];
    }

    /// <summary>Schedules a meeting at a local time and adds one item; publishes it unless told not to.</summary>
    protected async Task<MeetingDetail> Meeting(DateTime localStart, string zone = "America/Los_Angeles", string kind = "Regular", bool publish = true)
    {
        var meeting = await Clerk.Send<MeetingDetail>(HttpMethod.Post, "/api/meetings",
            new MeetingRequest(Body.Id, "Budget Study Session", kind, localStart, zone, "Council Chambers"), HttpStatusCode.Created);
        await Clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{meeting.Meeting.Id}/agenda", new AgendaItemRequest("Call to Order", "Procedural"), HttpStatusCode.Created);
        return publish ? await Clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{meeting.Meeting.Id}/publish", new PublishRequest(), HttpStatusCode.OK) : meeting;
    }

    /// <summary>How Hangfire scheduled each retry of a job: the delay from the failure to the next attempt, and when that attempt is due.</summary>
    protected List<(TimeSpan Delay, DateTime EnqueueAt)> Retries(string jobId)
    {
        using var scope = Host.Services.CreateScope();
        var history = scope.ServiceProvider.GetRequiredService<Hangfire.JobStorage>().GetMonitoringApi().JobDetails(jobId).History;
        return history.Where(h => h.StateName == "Scheduled" && h.Reason?.StartsWith("Retry attempt", StringComparison.Ordinal) == true)
            .Select(h => (EnqueueAt: Hangfire.Common.JobHelper.DeserializeDateTime(h.Data["EnqueueAt"]), ScheduledAt: Hangfire.Common.JobHelper.DeserializeDateTime(h.Data["ScheduledAt"])))
            .Select(r => (r.EnqueueAt - r.ScheduledAt, r.EnqueueAt)).OrderBy(r => r.EnqueueAt).ToList();
    }

    /// <summary>Moves the host's clock to <paramref name="instant"/> (never back): Hangfire's schedule follows it.</summary>
    protected void ClockTo(DateTime instant)
    {
        var target = new DateTimeOffset(DateTime.SpecifyKind(instant, DateTimeKind.Utc));
        if (target > Host.Clock.GetUtcNow()) Host.Clock.SetUtcNow(target);
    }

    /// <summary>The meeting's first reminder, once planned: days ahead, so no job has run it yet.</summary>
    protected async Task<Guid> FirstReminder(Guid meetingId)
    {
        await WaitForReport(meetingId, r => r.Count(n => n.Kind == "Reminder") == 2, "two reminders");
        return Host.WithDb(db => db.Notices.Where(n => n.MeetingId == meetingId && n.Kind == Meetings.Server.Notices.NoticeKind.Reminder)
            .AsEnumerable().MinBy(n => n.DueAt)!.Id);
    }

    /// <summary>A delivery claimed now by a run whose server was then killed, before it sent anything or recorded how it went.</summary>
    protected void ClaimedByARunThatStopped(Guid noticeId, Guid subscriberId, Meetings.Server.Notices.Channel channel) => Host.WithDb(db =>
    {
        db.Deliveries.Add(new Meetings.Server.Notices.Delivery
        {
            NoticeId = noticeId, Recipient = subscriberId.ToString(), Channel = channel,
            State = Meetings.Server.Notices.DeliveryState.Sending, Attempts = 1, ClaimedAt = Host.Clock.GetUtcNow(),
        });
        return db.SaveChanges();
    });

    /// <summary>Runs a notice's job here, as Hangfire would.</summary>
    protected async Task RunNoticeJob(Guid noticeId)
    {
        using var scope = Host.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<Meetings.Server.Notices.NoticeJobs>().SendAsync(noticeId);
    }

    protected Task<List<NoticeReport>> Report(Guid meetingId) => Clerk.Get<List<NoticeReport>>($"/api/meetings/{meetingId}/notices");

    /// <summary>Waits, at most fifteen seconds, for the clerk's delivery report to show something.</summary>
    protected async Task<List<NoticeReport>> WaitForReport(Guid meetingId, Func<List<NoticeReport>, bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            var report = await Report(meetingId);
            if (condition(report)) return report;
            try { await Task.Delay(100, timeout.Token); }
            catch (OperationCanceledException) { Assert.Fail($"never happened: {what}"); }
        }
    }
}
