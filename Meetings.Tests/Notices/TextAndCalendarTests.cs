using System.Net;
using System.Net.Http.Json;
using Meetings.Client.Contracts;
using Meetings.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Notices;

public class TextAndCalendarTests : NoticeFixture
{
    private async Task<HttpResponseMessage> Text(string from, string body)
    {
        var form = new Dictionary<string, string> { ["From"] = from, ["To"] = FakeTwilio.PhoneNumber, ["Body"] = body, ["MessageSid"] = "SM1" };
        var request = new HttpRequestMessage(HttpMethod.Post, "/phone/sms") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", FakeTwilio.Sign(FakeTwilio.AuthToken, FakeTwilio.PublicBaseUrl + "/phone/sms", form));
        return await Host.Anonymous().SendAsync(request);
    }

    private List<FakeTwilio.Recorded> TextsTo(string phone) =>
        Twilio.Requests.Where(r => r.Path.EndsWith("/Messages.json", StringComparison.Ordinal) && r.Form["To"] == phone).ToList();

    private static Task Eventually(Func<bool> condition, string what) => Wait.Until(condition, what);

    /// <summary>Texts Twilio took (not those it answered with an error).</summary>
    private List<FakeTwilio.Recorded> TextsTaken(string phone) => TextsTo(phone).Where(t => t.Response is not null).ToList();

    /// <summary>Subscribes a mobile number and confirms it by replying with the code from the confirmation text.</summary>
    private async Task SubscribedByText(string phone)
    {
        await Host.Anonymous().Send<SubscribeResult>(HttpMethod.Post, $"/api/bodies/{Body.Id}/subscriptions", new SubscribeRequest(Phone: phone), HttpStatusCode.Accepted);
        await Eventually(() => TextsTo(phone).Count == 1, "the confirmation text");
        var code = System.Text.RegularExpressions.Regex.Match(TextsTo(phone)[0].Form["Body"], "([0-9]{6})").Groups[1].Value;
        Assert.That(await (await Text(phone, code)).Content.ReadAsStringAsync(), Does.Contain("<Message>"));
        Assert.That(Host.WithDb(db => db.Subscribers.Single(s => s.Phone == phone).SmsConfirmedAt), Is.Not.Null);
    }

    /// <summary>The publication notice and its Hangfire job, once the notice follower has planned them (it runs after the commit).</summary>
    private async Task<(Guid Id, string Job)> PublishedNotice(Guid meetingId)
    {
        (Guid Id, string? Job)? found = null;
        await Eventually(() => (found = Host.WithDb(db => db.Notices.Where(n => n.MeetingId == meetingId && n.Kind == Meetings.Server.Notices.NoticeKind.Published)
            .Select(n => new { n.Id, n.JobId }).AsEnumerable().Select(n => (n.Id, n.JobId)).FirstOrDefault())) is { Job: not null }, "the publication notice planned");
        return (found!.Value.Id, found.Value.Job!);
    }

    [Test]
    public async Task ATextSubscriber_CanConfirmOnTheWeb_WithTheCodeFromTheText()
    {
        const string Phone = "+15035550144";
        await Host.Anonymous().Send<SubscribeResult>(HttpMethod.Post, $"/api/bodies/{Body.Id}/subscriptions", new SubscribeRequest(Phone: Phone), HttpStatusCode.Accepted);
        await Eventually(() => TextsTo(Phone).Count == 1, "the confirmation text");
        var code = System.Text.RegularExpressions.Regex.Match(TextsTo(Phone)[0].Form["Body"], "([0-9]{6})").Groups[1].Value;
        DateTimeOffset? Confirmed() => Host.WithDb(db => db.Subscribers.Single(s => s.Phone == Phone).SmsConfirmedAt);

        var wrong = await Host.Anonymous().PostAsJsonAsync("/api/subscriptions/confirm-sms", new ConfirmSmsRequest("(503) 555-0144", code == "000000" ? "111111" : "000000"));
        Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await wrong.Content.ReadAsStringAsync(), Does.Contain("\"code\""));
        Assert.That(Confirmed(), Is.Null);

        var right = await Host.Anonymous().PostAsJsonAsync("/api/subscriptions/confirm-sms", new ConfirmSmsRequest("(503) 555-0144", code));
        Assert.That(right.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(Confirmed(), Is.Not.Null);
        var meeting = await Meeting(DaysAhead(20));
        await Eventually(() => TextsTo(Phone).Count == 2, "the published notice by text");
        Assert.That(TextsTo(Phone)[1].Form["Body"], Does.Contain(meeting.AccessCode));
    }

    [Test]
    public async Task CodesGuessedOnTheWeb_StopAfterFive_UntilTimePasses()
    {
        const string Phone = "+15035550145";
        await Host.Anonymous().Send<SubscribeResult>(HttpMethod.Post, $"/api/bodies/{Body.Id}/subscriptions", new SubscribeRequest(Phone: Phone), HttpStatusCode.Accepted);
        await Eventually(() => TextsTo(Phone).Count == 1, "the confirmation text");
        var code = System.Text.RegularExpressions.Regex.Match(TextsTo(Phone)[0].Form["Body"], "([0-9]{6})").Groups[1].Value;
        Task<HttpResponseMessage> Try(string guess) => Host.Anonymous().PostAsJsonAsync("/api/subscriptions/confirm-sms", new ConfirmSmsRequest(Phone, guess));
        var wrong = Enumerable.Range(0, 6).Select(i => (100000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)).Where(g => g != code).Take(5).ToList();

        foreach (var guess in wrong) Assert.That((await Try(guess)).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var refused = await Try(code);
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "even the right code, after five tries");
        Assert.That(await refused.Content.ReadAsStringAsync(), Does.Contain("try again in an hour"));
        Assert.That(Host.WithDb(db => db.Subscribers.Single(s => s.Phone == Phone).SmsConfirmedAt), Is.Null);

        Host.Clock.Advance(TimeSpan.FromMinutes(12));
        Assert.That((await Try(code)).StatusCode, Is.EqualTo(HttpStatusCode.NoContent), "one more try every twelve minutes");
        Assert.That(Host.WithDb(db => db.Subscribers.Single(s => s.Phone == Phone).SmsConfirmedAt), Is.Not.Null);
    }

    [Test]
    public async Task AFailedText_IsRetriedAfter30SecondsThen2Minutes_OnTheAppsClock_AndOnceThrough_IsSentOnce()
    {
        const string Phone = "+15035550166";
        await SubscribedByText(Phone);
        Twilio.FailWith = HttpStatusCode.InternalServerError;
        var meeting = await Meeting(DaysAhead(20));
        var id = meeting.Meeting.Id;
        var (notice, job) = await PublishedNotice(id);

        await WaitForReport(id, r => r.Single(n => n.Kind == "Published").Problems.SingleOrDefault()?.Attempts == 1, "the first attempt failed");
        await Eventually(() => Retries(job).Count == 1, "a retry scheduled");
        ClockTo(Retries(job)[0].EnqueueAt);
        await WaitForReport(id, r => r.Single(n => n.Kind == "Published").Problems.SingleOrDefault()?.Attempts == 2, "the second attempt failed");
        await Eventually(() => Retries(job).Count == 2, "a second retry scheduled");
        Assert.That(Retries(job).Select(r => r.Delay.TotalSeconds), Is.EqualTo(new[] { 30, 120 }).Within(1), "growing delays");

        Twilio.FailWith = null;
        ClockTo(Retries(job)[1].EnqueueAt);
        var report = await WaitForReport(id, r => r.Single(n => n.Kind == "Published").Sent == 1, "the text sent at the third attempt");
        Assert.That(report.Single(n => n.Kind == "Published").Problems, Is.Empty);
        Assert.That(TextsTo(Phone).Count(t => t.Form["Body"].Contains("Agenda posted", StringComparison.Ordinal)), Is.EqualTo(3), "two refused, one taken");
        Assert.That(TextsTaken(Phone).Count(t => t.Form["Body"].Contains("Agenda posted", StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(Host.WithDb(db => db.Deliveries.Single(d => d.NoticeId == notice).Attempts), Is.EqualTo(3));
    }

    [Test]
    public async Task ATextWhileTwilioCannotBeReached_IsRetried_AndSentOnceWhenItCan()
    {
        const string Phone = "+15035550168";
        await SubscribedByText(Phone);
        // Failures open the circuit in front of Twilio: the notice's text is then not even tried.
        Twilio.FailWith = HttpStatusCode.InternalServerError;
        var open = false;
        using (var scope = Host.Services.CreateScope())
        {
            var gateway = scope.ServiceProvider.GetRequiredService<Meetings.Server.Phone.TwilioGateway>();
            for (var i = 0; i < 20 && !open; i++)
                open = Assert.CatchAsync(() => gateway.SendSmsAsync("+15035550999", $"Attempt {i}"))
                    is Twilio.Exceptions.ApiConnectionException { InnerException: Polly.CircuitBreaker.BrokenCircuitException };
        }
        Assert.That(open, "the circuit opened");
        Twilio.FailWith = null;
        var meeting = await Meeting(DaysAhead(20));
        var id = meeting.Meeting.Id;
        var (_, job) = await PublishedNotice(id);

        var report = await WaitForReport(id, r => r.Single(n => n.Kind == "Published").Problems.Any(), "the delivery's fate recorded");
        var problem = report.Single(n => n.Kind == "Published").Problems.Single();
        Assert.That((problem.State, problem.Attempts), Is.EqualTo(("Failed", 1)), "Twilio was not reached, so nothing was sent: it is tried again");
        Assert.That(TextsTo(Phone), Has.Count.EqualTo(1), "only the confirmation reached Twilio");
        await Eventually(() => Retries(job).Count == 1, "a retry scheduled");

        Network.Advance(TimeSpan.FromSeconds(5));
        ClockTo(Retries(job)[0].EnqueueAt);
        await WaitForReport(id, r => r.Single(n => n.Kind == "Published").Sent == 1, "the text sent at the retry");
        Assert.That(TextsTaken(Phone).Count(t => t.Form["Body"].Contains("Agenda posted", StringComparison.Ordinal)), Is.EqualTo(1), "once");
    }

    [Test]
    public async Task ATextWhileNothingAnswersWhereTwilioShouldBe_IsMarkedFailed_ForItsRetry()
    {
        // Nothing listens where Twilio should be: every connection is refused, so no text can have gone out.
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closed = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        Host.Dispose();
        Host = new TestHost(Folder, settings: new Dictionary<string, string?>(Twilio.Settings.Concat(SmtpSink.Settings))
        {
            ["Twilio:ApiBaseUrl"] = $"http://127.0.0.1:{closed}", ["Jobs:PollMilliseconds"] = "200",
        }, networkClock: Network);
        Clerk = await Host.SignInAsync(Demo.Clerk);
        const string Phone = "+15035550170";
        Host.WithDb(db =>
        {
            db.Subscribers.Add(new Meetings.Server.Notices.Subscriber
            {
                Id = Guid.NewGuid(), BodyId = Body.Id, Phone = Phone, Token = "confirmed-text-subscriber-01", SmsCode = "123456",
                CreatedAt = Host.Clock.GetUtcNow(), SmsConfirmedAt = Host.Clock.GetUtcNow(),
            });
            return db.SaveChanges();
        });

        var meeting = await Meeting(DaysAhead(20));

        var report = await WaitForReport(meeting.Meeting.Id, r => r.SingleOrDefault(n => n.Kind == "Published")?.Problems.Any() == true, "the delivery's fate recorded");
        var problem = report.Single(n => n.Kind == "Published").Problems.Single();
        Assert.That((problem.State, problem.Attempts), Is.EqualTo(("Failed", 1)), "refused connections sent nothing: tried again, not given up as unknown");
        Assert.That(problem.Error, Does.Contain("Twilio not reached"));
    }

    [Test]
    public async Task ATextTwilioDoesNotAnswerWithinFiveSeconds_IsMarkedUnknown_AndNeverSentAgain()
    {
        const string Phone = "+15035550177";
        await SubscribedByText(Phone);
        Twilio.Delay = TimeSpan.FromMinutes(1);
        var meeting = await Meeting(DaysAhead(20));
        var id = meeting.Meeting.Id;
        await Eventually(() => TextsTo(Phone).Count == 2, "the notice reaches Twilio");

        Network.Advance(TimeSpan.FromSeconds(5));
        var report = await WaitForReport(id, r => r.Single(n => n.Kind == "Published").Problems.Any(), "the delivery's fate recorded");
        var problem = report.Single(n => n.Kind == "Published").Problems.Single();
        Assert.That((problem.Channel, problem.State, problem.Attempts), Is.EqualTo(("Sms", "Unknown", 1)));
        Assert.That(problem.Error, Does.Contain("not resent"));

        // The notice's job run again (a retry for someone else, or a second server): Twilio may have sent the text, so it is not sent again.
        Twilio.Delay = TimeSpan.Zero;
        using (var scope = Host.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<Meetings.Server.Notices.NoticeJobs>().SendAsync((await PublishedNotice(id)).Id);
        Assert.That(TextsTo(Phone), Has.Count.EqualTo(2), "the confirmation and the one try; never a second copy");
        Assert.That((await Report(id)).Single(n => n.Kind == "Published").Problems.Single().State, Is.EqualTo("Unknown"));
    }

    [Test]
    public async Task ATextClaimedByARunThatStopped_IsRecordedAsUnknownOnceTheClaimRunsOut_AndNeverSent()
    {
        const string Phone = "+15035550188";
        await SubscribedByText(Phone);
        var meeting = await Meeting(DaysAhead(20));
        var reminder = await FirstReminder(meeting.Meeting.Id);
        ClaimedByARunThatStopped(reminder, Host.WithDb(db => db.Subscribers.Single(s => s.Phone == Phone).Id), Meetings.Server.Notices.Channel.Sms);
        await Eventually(() => TextsTo(Phone).Count == 2, "the confirmation and the published notice");

        Host.Clock.Advance(Meetings.Server.Notices.NoticeJobs.ClaimAbandonedAfter + TimeSpan.FromSeconds(1));
        await RunNoticeJob(reminder);

        // The stopped run may have sent it: a text is never sent twice, so the clerk sees it as unknown instead of "sending" for good.
        Assert.That(TextsTo(Phone), Has.Count.EqualTo(2), "no reminder text");
        var problem = (await Report(meeting.Meeting.Id)).Where(n => n.Kind == "Reminder").MinBy(n => n.DueAt)!.Problems.Single();
        Assert.That((problem.Channel, problem.State, problem.Attempts), Is.EqualTo(("Sms", "Unknown", 1)));
        Assert.That(problem.Error, Does.Contain("stopped part-way"));
    }

    [Test]
    public async Task TheFakeTwilio_RefusesWrongCredentials_AndATextNotFromTheAccountsNumber_AsTwilioDoes()
    {
        Host.Dispose();
        Host = new TestHost(Folder, settings: new Dictionary<string, string?>(Twilio.Settings.Concat(SmtpSink.Settings))
        {
            ["Twilio:AuthToken"] = "not-the-token", ["Jobs:PollMilliseconds"] = "200",
        }, networkClock: Network);
        await Host.Anonymous().Send<SubscribeResult>(HttpMethod.Post, $"/api/bodies/{Body.Id}/subscriptions", new SubscribeRequest(Phone: "+15035550155"), HttpStatusCode.Accepted);
        await Eventually(() => Twilio.Refused.Count == 1, "the confirmation refused for its credentials");
        Assert.That(Twilio.Requests, Is.Empty);

        using var twilio = new HttpClient { BaseAddress = new Uri(Twilio.BaseUrl) };
        var fromElsewhere = new HttpRequestMessage(HttpMethod.Post, $"/2010-04-01/Accounts/{FakeTwilio.AccountSid}/Messages.json")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["To"] = "+15035550155", ["From"] = "+15550000000", ["Body"] = "Hi" }),
        };
        fromElsewhere.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{FakeTwilio.AccountSid}:{FakeTwilio.AuthToken}")));
        var refused = await twilio.SendAsync(fromElsewhere);
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await refused.Content.ReadAsStringAsync(), Does.Contain("21212"));
    }

    [Test]
    public async Task ATextSubscriber_ConfirmsByReplyingTheCode_GetsNotices_AndStopEndsThem()
    {
        const string Phone = "+15035550199";
        await Host.Anonymous().Send<SubscribeResult>(HttpMethod.Post, $"/api/bodies/{Body.Id}/subscriptions", new SubscribeRequest(Phone: "(503) 555-0199"), HttpStatusCode.Accepted);
        await Eventually(() => TextsTo(Phone).Count == 1, "the confirmation text");
        var code = System.Text.RegularExpressions.Regex.Match(TextsTo(Phone)[0].Form["Body"], "reply ([0-9]{6})").Groups[1].Value;
        Assert.That(code, Has.Length.EqualTo(6));

        var wrong = await Text(Phone, "000000");
        Assert.That(await wrong.Content.ReadAsStringAsync(), Does.Not.Contain("Subscribed"));
        var reply = await Text(Phone, code);
        Assert.That(await reply.Content.ReadAsStringAsync(), Does.Contain("<Message>Subscribed"));

        var meeting = await Meeting(DaysAhead(20));
        await Eventually(() => TextsTo(Phone).Count == 2, "the published notice by text");
        Assert.That(TextsTo(Phone)[1].Form["Body"], Does.Contain("Agenda posted").And.Contain(meeting.AccessCode).And.Contain("Reply STOP"));

        await Text(Phone, "STOP");
        await Clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{meeting.Meeting.Id}/cancel", new CancelRequest("Postponed"), HttpStatusCode.OK);
        await WaitForReport(meeting.Meeting.Id, r => r.Any(n => n.Kind == "Cancelled" && n.State == "Sent"), "the cancellation processed");
        Assert.That(TextsTo(Phone), Has.Count.EqualTo(2), "nothing after STOP");
    }

    [Test]
    public async Task AnUnsignedInboundText_IsRefused()
    {
        var response = await Host.Anonymous().PostAsync("/phone/sms", new FormUrlEncodedContent(new Dictionary<string, string> { ["From"] = "+15035550100", ["Body"] = "STOP" }));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task ASpeakerWhoLeftAPhoneNumber_GetsOneTextWhenTheyAreUpSoon()
    {
        const string Pat = "+15035550142", Lee = "+15035550143";
        var meeting = await Clerk.DemoMeeting();
        var id = meeting.Meeting.Id;
        var item = meeting.Agenda[2].Id;
        await using var clerk = await LiveClient.ConnectAsync(Host, Demo.Clerk, "clerk", id);
        await using var crowd = new LiveCrowd();
        for (var i = 0; i < 5; i++) crowd.Add(await LiveClient.ConnectAsync(Host, null, $"resident {i}", id));
        await clerk.OpenPublicComment(id, item);
        foreach (var (resident, i) in crowd.Select((r, i) => (r, i)))
            await resident.Invoke<Guid>("SignUpToSpeak", id, resident.ResidentToken,
                new SignUpRequest(item, $"Speaker {i}", Phone: i switch { 3 => "+1 503 555 0142", 4 => "+1 503 555 0143", _ => null }));
        var queue = (await clerk.WaitUntil(s => s.Speakers.Count == 5, "five speakers")).Speakers;

        // Each step a second apart on the host's clock, so the time a text was planned says at which step it was.
        Host.Clock.Advance(TimeSpan.FromSeconds(1));
        await clerk.Do("StartTurn", id, queue[0].Id);
        await clerk.Do("EndTurn", id); // Pat is third in line
        Host.Clock.Advance(TimeSpan.FromSeconds(1));
        var second = Host.Clock.GetUtcNow();
        await clerk.Do("StartTurn", id, queue[1].Id); // Pat is second in line
        await Eventually(() => TextsTo(Pat).Count == 1, "the up-soon text");
        Assert.That(TextsTo(Pat)[0].Form["Body"], Does.Contain("You are up soon to speak on item 3"));
        var planned = UpSoonPlanned(id, queue[3].Id);
        Assert.That(planned, Has.Count.EqualTo(1));
        Assert.That(planned[0], Is.EqualTo(second).Within(TimeSpan.FromMilliseconds(500)), "planned once Pat was second in line, not while fourth or third");

        // More changes while Pat waits; then Lee, behind Pat, comes within two places and is texted: every change before it has been handled.
        await clerk.Do("EndTurn", id);
        await clerk.Do("CallNextSpeaker", id, item);
        await clerk.Do("StartTurn", id, queue[2].Id);
        await Eventually(() => TextsTo(Lee).Count == 1, "Lee's up-soon text");
        Assert.That(TextsTo(Pat), Has.Count.EqualTo(1), "one text, not one per change");
        Assert.That(UpSoonPlanned(id, queue[3].Id), Has.Count.EqualTo(1));
        Assert.That(System.Text.Json.JsonSerializer.Serialize(clerk.Snapshot), Does.Not.Contain("5550142"), "the number is never shown");
    }

    /// <summary>When each up-soon text for a speaker was planned (its due time is the moment the queue put them within reach).</summary>
    private List<DateTimeOffset> UpSoonPlanned(Guid meetingId, Guid entryId) => Host.WithDb(db =>
        db.Notices.Where(n => n.MeetingId == meetingId && n.EntryId == entryId && n.Kind == Meetings.Server.Notices.NoticeKind.UpSoon)
            .AsEnumerable().Select(n => n.DueAt).ToList());

    [TestCase(null, HttpStatusCode.Unauthorized)]
    [TestCase(Demo.Clerk, HttpStatusCode.Forbidden)]
    [TestCase(Demo.Mayor, HttpStatusCode.Forbidden)]
    [TestCase(Demo.Admin, HttpStatusCode.OK)]
    public async Task TheJobsDashboard_IsOnlyForAdministrators(string? who, HttpStatusCode expected)
    {
        var client = who is null ? Host.Anonymous() : await Host.SignInAsync(who);
        var response = await client.GetAsync("/jobs");
        Assert.That(response.StatusCode, Is.EqualTo(expected));
        if (expected == HttpStatusCode.OK) Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("Hangfire"));
    }

    [Test]
    public async Task TheCalendarFeed_HasStableUids_ASequenceThatGrows_Cancellations_AndConferenceLines()
    {
        var local = DaysAhead(20, 18.5);
        var meeting = await Meeting(local);
        var uid = $"UID:{meeting.Meeting.Id:D}@meetings";
        var first = await Host.Anonymous().GetStringAsync($"/api/bodies/{Body.Id}/calendar.ics");
        Assert.That(first, Does.StartWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        var evt = Event(first, uid);
        Assert.That(evt, Does.Contain($"DTSTART:{Dates.ICalendar(Dates.Instant(local, "America/Los_Angeles"))}").And.Contain("SEQUENCE:0").And.Contain("STATUS:CONFIRMED"));
        Assert.That(Unfold(evt), Does.Contain($"CONFERENCE;VALUE=URI;FEATURE=AUDIO;LABEL=\"Follow and take part on the web\":{FakeTwilio.PublicBaseUrl}/meetings/{meeting.Meeting.Id}"));
        Assert.That(Unfold(evt), Does.Contain($"CONFERENCE;VALUE=URI;FEATURE=AUDIO,PHONE;LABEL=\"Dial in, access code {meeting.AccessCode}\":tel:{FakeTwilio.PhoneNumber},,{meeting.AccessCode}%23"));
        Assert.That(first.Split("\r\n").Select(l => System.Text.Encoding.UTF8.GetByteCount(l)), Is.All.LessThanOrEqualTo(75), "folded at 75 octets");

        await Clerk.Send<MeetingDetail>(HttpMethod.Put, $"/api/meetings/{meeting.Meeting.Id}",
            new MeetingRequest(null, "Budget Study Session", null, local.AddDays(1), "America/Los_Angeles", "Council Chambers"), HttpStatusCode.OK);
        var moved = Event(await Host.Anonymous().GetStringAsync($"/api/bodies/{Body.Id}/calendar.ics"), uid);
        Assert.That(moved, Does.Contain($"DTSTART:{Dates.ICalendar(Dates.Instant(local.AddDays(1), "America/Los_Angeles"))}").And.Contain("SEQUENCE:1"));

        await Clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{meeting.Meeting.Id}/cancel", new CancelRequest("No quorum"), HttpStatusCode.OK);
        var cancelled = Event(await Host.Anonymous().GetStringAsync($"/api/bodies/{Body.Id}/calendar.ics"), uid);
        Assert.That(cancelled, Does.Contain("STATUS:CANCELLED").And.Contain("SEQUENCE:2"));
    }

    [Test]
    public async Task TheCalendarOffersVideo_OnlyWithAStream_AndNoticesCarryTheStreamAndCaptions()
    {
        var email = await SubscribedByEmail();
        var plain = await Meeting(DaysAhead(20));
        var streamed = await Meeting(DaysAhead(21), publish: false);
        var id = streamed.Meeting.Id;
        await Clerk.Send<MeetingDetail>(HttpMethod.Put, $"/api/meetings/{id}/stream",
            new StreamRequest("https://vimeo.com/123456789", "https://captions.example.org/harbor"), HttpStatusCode.OK);
        await Clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{id}/publish", new PublishRequest(), HttpStatusCode.OK);

        var calendar = await Host.Anonymous().GetStringAsync($"/api/bodies/{Body.Id}/calendar.ics");
        var without = Unfold(Event(calendar, $"UID:{plain.Meeting.Id:D}@meetings"));
        Assert.That(without.Split("\r\n").Where(l => l.StartsWith("CONFERENCE", StringComparison.Ordinal)).ToList(), Has.Count.EqualTo(2).And.None.Contains("VIDEO"));
        var with = Unfold(Event(calendar, $"UID:{id:D}@meetings"));
        Assert.That(with, Does.Contain("CONFERENCE;VALUE=URI;FEATURE=AUDIO,VIDEO;LABEL=\"Watch the livestream\":https://vimeo.com/123456789"));
        Assert.That(with, Does.Contain("Watch live: https://vimeo.com/123456789").And.Contain("Live captions: https://captions.example.org/harbor"));

        await WaitForReport(id, r => r.Any(n => n.Kind == "Published" && n.State == "Sent"), "the notice sent");
        var notice = SmtpSink.MessagesTo(email).Single(m => m.Subject!.StartsWith("Agenda posted", StringComparison.Ordinal) && m.TextBody!.Contains(id.ToString(), StringComparison.Ordinal));
        Assert.That(notice.TextBody, Does.Contain("Watch live: https://vimeo.com/123456789.").And.Contain("Live captions: https://captions.example.org/harbor."));
    }

    private static string Unfold(string text) => text.Replace("\r\n ", "", StringComparison.Ordinal);

    private static string Event(string calendar, string uid)
    {
        var events = calendar.Split("BEGIN:VEVENT").Skip(1).Where(e => e.Contains(uid, StringComparison.Ordinal)).ToList();
        Assert.That(events, Has.Count.EqualTo(1));
        return events[0];
    }

    [Test]
    public async Task SubscribingAgain_WithSomeoneElsesNumberOrAddress_NeverTakesOverAConfirmedSubscription()
    {
        var victim = await SubscribedByEmail();
        const string VictimPhone = "+15035550188";
        var attacker = NewEmail();
        await Host.Anonymous().Send<SubscribeResult>(HttpMethod.Post, $"/api/bodies/{Body.Id}/subscriptions",
            new SubscribeRequest(victim, VictimPhone), HttpStatusCode.Accepted);
        await Host.Anonymous().Send<SubscribeResult>(HttpMethod.Post, $"/api/bodies/{Body.Id}/subscriptions",
            new SubscribeRequest(attacker, VictimPhone), HttpStatusCode.Accepted);

        var meeting = await Meeting(DaysAhead(20));
        await WaitForReport(meeting.Meeting.Id, r => r.Any(n => n.Kind == "Published" && n.State == "Sent"), "the notice sent");

        Assert.That(SmtpSink.MessagesTo(victim).Count(m => m.Subject?.StartsWith("Agenda posted", StringComparison.Ordinal) == true), Is.EqualTo(1));
        Assert.That(SmtpSink.MessagesTo(attacker).Select(m => m.Subject), Is.All.StartsWith("Confirm"), "an unconfirmed address gets only the confirmation");
        Assert.That(TextsTo(VictimPhone).Select(t => t.Form["Body"]), Is.All.Contains("reply"), "an unconfirmed number gets only confirmation codes");
    }
}
