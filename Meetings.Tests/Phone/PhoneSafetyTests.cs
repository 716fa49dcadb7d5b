using System.Net;
using Meetings.Client.Contracts;
using Meetings.Server.Phone;
using Meetings.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Phone;

/// <summary>Forged webhooks, repeated callbacks, Twilio outages and a server with no Twilio at all.</summary>
public class PhoneSafetyTests : PhoneFixture
{
    [Test]
    public async Task UnsignedAndForgedWebhooks_AreRefused_AndChangeNothing()
    {
        var caller = NewCaller();
        var form = new Dictionary<string, string> { ["CallSid"] = caller.CallSid, ["From"] = caller.From, ["Digits"] = Meeting.AccessCode };

        var unsigned = await Host.Anonymous().PostAsync("/phone/voice/code?lang=en&attempt=1", new FormUrlEncodedContent(form));
        var wrongKey = await caller.PostAsync("/phone/voice/code?lang=en&attempt=1", new Dictionary<string, string> { ["Digits"] = Meeting.AccessCode }, signWith: "not-the-auth-token");
        var otherUrl = new HttpRequestMessage(HttpMethod.Post, "/phone/voice/code?lang=en&attempt=1") { Content = new FormUrlEncodedContent(form) };
        otherUrl.Headers.Add("X-Twilio-Signature", FakeTwilio.Sign(FakeTwilio.AuthToken, "https://elsewhere.example.com/phone/voice/code?lang=en&attempt=1", form));
        var signedForElsewhere = await Host.Anonymous().SendAsync(otherUrl);
        var tampered = new Dictionary<string, string>(form) { ["Digits"] = "999999" };
        var changedAfterSigning = new HttpRequestMessage(HttpMethod.Post, "/phone/voice/code?lang=en&attempt=1") { Content = new FormUrlEncodedContent(tampered) };
        changedAfterSigning.Headers.Add("X-Twilio-Signature", FakeTwilio.Sign(FakeTwilio.AuthToken, FakeTwilio.PublicBaseUrl + "/phone/voice/code?lang=en&attempt=1", form));
        var tamperedResponse = await Host.Anonymous().SendAsync(changedAfterSigning);

        Assert.That(new[] { unsigned, wrongKey, signedForElsewhere, tamperedResponse }.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await PhoneStatus()).Callers, Is.Empty);
        var forgedHangUp = await Host.Anonymous().PostAsync($"/phone/conference-status?meeting={MeetingId}",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["CallSid"] = caller.CallSid, ["StatusCallbackEvent"] = "participant-leave" }));
        Assert.That(forgedHangUp.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task RepeatedAndStaleStatusCallbacks_ChangeNothingTwice()
    {
        await OpenPublicComment();
        var caller = await CallInWithHandRaised();
        var before = (await Clerk.WaitUntil(s => s.Speakers.Count == 1, "the caller")).Sequence;

        await caller.ConferenceEvent(MeetingId, "participant-leave", muted: true, participantCallStatus: "completed", sequence: 10);
        var afterHangUp = await Clerk.WaitUntil(s => s.Speakers.Single().State == "NoShow", "the no-show");
        await caller.ConferenceEvent(MeetingId, "participant-leave", muted: true, participantCallStatus: "completed", sequence: 10);
        await caller.ConferenceEvent(MeetingId, "participant-join", muted: true, sequence: 9);

        var journal = await Host.Anonymous().Get<List<JournalEventDto>>($"/api/meetings/{MeetingId}/journal");
        Assert.That(journal.Count(e => e.Type == "SpeakerNoShow"), Is.EqualTo(1));
        Assert.That(journal.Last().Sequence, Is.EqualTo(afterHangUp.Sequence));
        Assert.That(afterHangUp.Sequence, Is.EqualTo(before + 1));
        var status = await PhoneStatus();
        Assert.That(status.Callers.Single().State, Is.EqualTo("Left"), "the stale join did not bring the caller back");
        Assert.That(status.Listening, Is.EqualTo(0));
    }

    [Test]
    public async Task ATwilioOutageDuringAnUnmute_ShowsUnmutePending_AndTheServerKeepsTryingUntilItWorks()
    {
        await OpenPublicComment();
        var caller = await CallInWithHandRaised();
        var entry = (await Clerk.WaitUntil(s => s.Speakers.Count == 1, "the caller")).Speakers.Single();
        Twilio.FailWith = HttpStatusCode.ServiceUnavailable;

        await Clerk.Do("StartTurn", MeetingId, entry.Id);
        await Eventually(() => Twilio.ParticipantUpdates(caller.CallSid).Count >= 3, "the first attempt and its retries");
        await Eventually(() => PhoneStatus().Result.Callers.Single().State == "UnmutePending", "unmute pending on the clerk's screen");
        Assert.That(Clerk.Snapshot.Speaking?.Id, Is.EqualTo(entry.Id), "the turn goes on while the line is fixed");

        Twilio.FailWith = null;
        var attempts = Twilio.ParticipantUpdates(caller.CallSid).Count;
        Host.Clock.Advance(PhoneSync.RetryInterval);
        await Eventually(() => PhoneStatus().Result.Callers.Single().State == "Speaking", "the unmute to land");
        var updates = Twilio.ParticipantUpdates(caller.CallSid);
        Assert.That(updates.Count, Is.GreaterThan(attempts));
        Assert.That(updates.Select(u => u.Form["Muted"]), Is.All.EqualTo("false"));
    }

    [Test]
    public async Task MuteAndUnmute_AreRetried_ButATextMessageIsSentOnlyOnce()
    {
        Twilio.FailWith = HttpStatusCode.ServiceUnavailable;
        using var scope = Host.Services.CreateScope();
        var gateway = scope.ServiceProvider.GetRequiredService<TwilioGateway>();

        Assert.That(async () => await gateway.SetMutedAsync("CF1", "CA1", muted: true), Throws.Exception);
        Assert.That(async () => await gateway.SendSmsAsync("+15035550123", "You are up soon."), Throws.Exception);

        Assert.That(Twilio.ParticipantUpdates("CA1"), Has.Count.EqualTo(3), "one attempt and two retries");
        Assert.That(Twilio.Requests.Count(r => r.Path.EndsWith("/Messages.json", StringComparison.Ordinal)), Is.EqualTo(1));
    }

    [Test]
    public async Task TheSdkAuthenticatesToTwilio_WithTheAccountAndToken()
    {
        using var scope = Host.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<TwilioGateway>().SetMutedAsync("CF1", "CA9", muted: false);
        var request = Twilio.ParticipantUpdates("CA9").Single();
        var expected = "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{FakeTwilio.AccountSid}:{FakeTwilio.AuthToken}"));
        Assert.That(request.Authorization, Is.EqualTo(expected));
    }
}

public class PhoneOffTests
{
    [Test]
    public async Task WithNoTwilioSettings_TheServerRuns_WithPhoneParticipationOff()
    {
        using var host = new TestHost();
        var clerk = await host.SignInAsync(Demo.Clerk);
        var meeting = await clerk.DemoMeeting();
        var status = await clerk.Get<PhoneStatus>($"/api/meetings/{meeting.Meeting.Id}/phone");
        Assert.That(status.Enabled, Is.False);
        Assert.That(status.ModeratorCode, Is.Null);
        var webhook = await host.Anonymous().PostAsync("/phone/voice", new FormUrlEncodedContent(new Dictionary<string, string>()));
        Assert.That(webhook.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await webhook.Content.ReadAsStringAsync(), Does.Contain("Phone participation is off"));
    }
}
