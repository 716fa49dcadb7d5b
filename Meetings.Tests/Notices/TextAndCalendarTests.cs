using System.Net;
using Meetings.Client.Contracts;
using Meetings.Tests.Support;

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

        var meeting = await Meeting(DateTime.UtcNow.AddDays(20).Date.AddHours(18));
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
        var meeting = await Clerk.DemoMeeting();
        var id = meeting.Meeting.Id;
        var item = meeting.Agenda[2].Id;
        await using var clerk = await LiveClient.ConnectAsync(Host, Demo.Clerk, "clerk", id);
        await using var crowd = new LiveCrowd();
        for (var i = 0; i < 4; i++) crowd.Add(await LiveClient.ConnectAsync(Host, null, $"resident {i}", id));
        await clerk.Do("StartMeeting", id);
        await clerk.Do("OpenItem", id, item);
        await clerk.Do("OpenPublicComment", id, item);
        foreach (var (resident, i) in crowd.Select((r, i) => (r, i)))
            await resident.Invoke<Guid>("SignUpToSpeak", id, resident.ResidentToken,
                new SignUpRequest(item, $"Speaker {i}", Phone: i == 3 ? "+1 503 555 0142" : null));
        var queue = (await clerk.WaitUntil(s => s.Speakers.Count == 4, "four speakers")).Speakers;
        Assert.That(TextsTo("+15035550142"), Is.Empty, "fourth in line: not yet");

        await clerk.Do("StartTurn", id, queue[0].Id);
        await clerk.Do("EndTurn", id);
        Assert.That(TextsTo("+15035550142"), Is.Empty, "third in line: not yet");
        await clerk.Do("StartTurn", id, queue[1].Id);
        await Eventually(() => TextsTo("+15035550142").Count == 1, "the up-soon text");
        Assert.That(TextsTo("+15035550142")[0].Form["Body"], Does.Contain("You are up soon to speak on item 3"));

        await clerk.Do("EndTurn", id);
        await clerk.Do("CallNextSpeaker", id, item);
        await Task.Delay(1000);
        Assert.That(TextsTo("+15035550142"), Has.Count.EqualTo(1), "one text, not one per change");
        Assert.That(System.Text.Json.JsonSerializer.Serialize(clerk.Snapshot), Does.Not.Contain("5550142"), "the number is never shown");
    }

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
        var meeting = await Meeting(new DateTime(2027, 6, 7, 18, 30, 0));
        var uid = $"UID:{meeting.Meeting.Id:D}@meetings";
        var first = await Host.Anonymous().GetStringAsync($"/api/bodies/{Body.Id}/calendar.ics");
        Assert.That(first, Does.StartWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        var evt = Event(first, uid);
        Assert.That(evt, Does.Contain("DTSTART:20270608T013000Z").And.Contain("SEQUENCE:0").And.Contain("STATUS:CONFIRMED"));
        Assert.That(Unfold(evt), Does.Contain($"CONFERENCE;VALUE=URI;FEATURE=AUDIO;LABEL=\"Follow and take part on the web\":{FakeTwilio.PublicBaseUrl}/meetings/{meeting.Meeting.Id}"));
        Assert.That(Unfold(evt), Does.Contain($"CONFERENCE;VALUE=URI;FEATURE=AUDIO,PHONE;LABEL=\"Dial in, access code {meeting.AccessCode}\":tel:{FakeTwilio.PhoneNumber},,{meeting.AccessCode}%23"));
        Assert.That(first.Split("\r\n").Select(l => System.Text.Encoding.UTF8.GetByteCount(l)), Is.All.LessThanOrEqualTo(75), "folded at 75 octets");

        await Clerk.Send<MeetingDetail>(HttpMethod.Put, $"/api/meetings/{meeting.Meeting.Id}",
            new MeetingRequest(null, "Budget Study Session", null, new DateTime(2027, 6, 8, 18, 30, 0), "America/Los_Angeles", "Council Chambers"), HttpStatusCode.OK);
        var moved = Event(await Host.Anonymous().GetStringAsync($"/api/bodies/{Body.Id}/calendar.ics"), uid);
        Assert.That(moved, Does.Contain("DTSTART:20270609T013000Z").And.Contain("SEQUENCE:1"));

        await Clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{meeting.Meeting.Id}/cancel", new CancelRequest("No quorum"), HttpStatusCode.OK);
        var cancelled = Event(await Host.Anonymous().GetStringAsync($"/api/bodies/{Body.Id}/calendar.ics"), uid);
        Assert.That(cancelled, Does.Contain("STATUS:CANCELLED").And.Contain("SEQUENCE:2"));
    }

    [Test]
    public async Task TheCalendarOffersVideo_OnlyWithAStream_AndNoticesCarryTheStreamAndCaptions()
    {
        var email = await SubscribedByEmail();
        var plain = await Meeting(DateTime.UtcNow.AddDays(20).Date.AddHours(18));
        var streamed = await Meeting(DateTime.UtcNow.AddDays(21).Date.AddHours(18), publish: false);
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

        var meeting = await Meeting(DateTime.UtcNow.AddDays(20).Date.AddHours(18));
        await WaitForReport(meeting.Meeting.Id, r => r.Any(n => n.Kind == "Published" && n.State == "Sent"), "the notice sent");

        Assert.That(SmtpSink.MessagesTo(victim).Count(m => m.Subject?.StartsWith("Agenda posted", StringComparison.Ordinal) == true), Is.EqualTo(1));
        Assert.That(SmtpSink.MessagesTo(attacker).Select(m => m.Subject), Is.All.StartsWith("Confirm"), "an unconfirmed address gets only the confirmation");
        Assert.That(TextsTo(VictimPhone).Select(t => t.Form["Body"]), Is.All.Contains("reply"), "an unconfirmed number gets only confirmation codes");
    }
}
