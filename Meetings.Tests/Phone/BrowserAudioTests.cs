using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Meetings.Client.Contracts;
using Meetings.Server.Phone;
using Meetings.Tests.Support;

namespace Meetings.Tests.Phone;

/// <summary>Web speakers, their access tokens, and their browsers' calls as Twilio presents them.</summary>
public abstract class WebSpeakerFixture : PhoneFixture
{
    protected async Task<(LiveClient Resident, Guid Entry)> WebSpeaker(string name = "Rosa Delgado")
    {
        var resident = await LiveClient.ConnectAsync(Host, null, name, MeetingId);
        var entry = await resident.Invoke<Guid>("SignUpToSpeak", MeetingId, resident.ResidentToken, new SignUpRequest(CommentItem, name));
        return (resident, entry);
    }

    protected Task<HttpResponseMessage> AskForToken(Guid entry, string? residentToken) =>
        Host.Anonymous().PostAsJsonAsync($"/api/meetings/{MeetingId}/speakers/{entry}/voice-token", new VoiceTokenRequest(residentToken), ApiClient.Json);

    protected async Task<VoiceToken> TokenFor(LiveClient resident, Guid entry)
    {
        var response = await AskForToken(entry, resident.ResidentToken);
        await ApiClient.Expect(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<VoiceToken>(ApiClient.Json))!;
    }

    /// <summary>The browser's call as Twilio presents it to the TwiML App's voice URL: From is the token's identity.</summary>
    protected FakeCaller Browser(VoiceToken token) => new(Host, $"CA{Guid.NewGuid():N}", "client:" + token.Identity);

}

/// <summary>A web speaker heard through the browser: the access token, and the TwiML App's webhook that puts the browser in the conference.</summary>
public class BrowserAudioTests : WebSpeakerFixture
{
    private static JsonElement Part(string jwt, int index)
    {
        var part = jwt.Split('.')[index].Replace('-', '+').Replace('_', '/');
        return JsonDocument.Parse(Convert.FromBase64String(part.PadRight(part.Length + (4 - part.Length % 4) % 4, '='))).RootElement;
    }

    [Test]
    public async Task TheOwnerOfASignUp_GetsAShortLivedVoiceToken_SignedWithTheApiKey_ForTheTwimlAppOnly()
    {
        await OpenPublicComment();
        var (resident, entry) = await WebSpeaker();
        await using var _ = resident;

        var token = await TokenFor(resident, entry);

        var segments = token.Token.Split('.');
        Assert.That(segments, Has.Length.EqualTo(3));
        var header = Part(token.Token, 0);
        Assert.That(header.GetProperty("alg").GetString(), Is.EqualTo("HS256"));
        Assert.That(header.GetProperty("cty").GetString(), Is.EqualTo("twilio-fpa;v=1"));
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(FakeTwilio.ApiKeySecret), Encoding.ASCII.GetBytes($"{segments[0]}.{segments[1]}"));
        Assert.That(segments[2], Is.EqualTo(Convert.ToBase64String(signature).TrimEnd('=').Replace('+', '-').Replace('/', '_')), "signed with the API key secret");

        var payload = Part(token.Token, 1);
        Assert.That(payload.GetProperty("iss").GetString(), Is.EqualTo(FakeTwilio.ApiKeySid));
        Assert.That(payload.GetProperty("sub").GetString(), Is.EqualTo(FakeTwilio.AccountSid));
        var expires = DateTimeOffset.FromUnixTimeSeconds(payload.GetProperty("exp").GetInt64());
        Assert.That(expires, Is.EqualTo(token.ExpiresAt).Within(TimeSpan.FromSeconds(1)));
        Assert.That(expires - Host.Clock.GetUtcNow(), Is.GreaterThan(TimeSpan.FromMinutes(1)).And.LessThanOrEqualTo(TimeSpan.FromMinutes(10)), "valid a few minutes");
        var grants = payload.GetProperty("grants");
        Assert.That(grants.GetProperty("identity").GetString(), Is.EqualTo(token.Identity));
        Assert.That(token.Identity, Is.EqualTo($"meeting_{MeetingId:N}_entry_{entry:N}"), "the identity names the sign-up and nothing personal");
        var voice = grants.GetProperty("voice");
        Assert.That(voice.GetProperty("outgoing").GetProperty("application_sid").GetString(), Is.EqualTo(FakeTwilio.TwimlAppSid));
        Assert.That(voice.TryGetProperty("incoming", out var incoming) && incoming.GetProperty("allow").GetBoolean(), Is.False, "no incoming calls");
        Assert.That(token.Token, Does.Not.Contain(resident.ResidentToken!));
    }

    [Test]
    public async Task AVoiceToken_IsRefused_ToAnyoneButTheOwner_ForUnknownOrFinishedSignUps_AndWhenCommentIsClosed()
    {
        await OpenPublicComment();
        var (resident, entry) = await WebSpeaker();
        var (other, otherEntry) = await WebSpeaker("Ana Ruiz");
        await using var _ = resident;
        await using var __ = other;

        Assert.That((await AskForToken(entry, other.ResidentToken)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await AskForToken(entry, null)).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await AskForToken(Guid.NewGuid(), resident.ResidentToken)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        await other.Do("WithdrawSignUp", MeetingId, other.ResidentToken, otherEntry);
        var withdrawn = await AskForToken(otherEntry, other.ResidentToken);
        Assert.That(withdrawn.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(await withdrawn.Content.ReadAsStringAsync(), Does.Contain("voice-while-in-line"));

        await Clerk.Do("ClosePublicComment", MeetingId, CommentItem);
        Assert.That((await AskForToken(entry, resident.ResidentToken)).StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "waiting on an item closed to comment");
    }

    [Test]
    public async Task TheBrowsersCall_JoinsTheMeetingsConferenceMuted_LabelledByEntry_WithTheSameCallbacksAsCallers()
    {
        await OpenPublicComment();
        var (resident, entry) = await WebSpeaker();
        await using var _ = resident;
        var token = await TokenFor(resident, entry);
        var browser = Browser(token);

        var twiml = await browser.Parsed("/phone/voice/browser", new Dictionary<string, string> { ["lang"] = "es" });

        Assert.That(twiml.Verbs, Is.EqualTo(new[] { "Say", "Dial" }));
        Assert.That(twiml.Said.Single().Language, Is.EqualTo("es-MX"));
        Assert.That(Twiml.Attr(twiml.Dial, "hangupOnStar"), Is.Null, "a browser has no keypad menu");
        var conference = twiml.Conference!;
        Assert.That(conference.Value, Is.EqualTo($"meeting-{MeetingId:N}"));
        Assert.That(Twiml.Attr(conference, "muted"), Is.EqualTo("true"));
        Assert.That(Twiml.Attr(conference, "participantLabel"), Is.EqualTo($"entry-{entry:N}"));
        Assert.That(Twiml.Attr(conference, "startConferenceOnEnter"), Is.EqualTo("false"));
        Assert.That(Twiml.Attr(conference, "statusCallback"), Is.EqualTo($"/phone/conference-status?meeting={MeetingId}"));
        Assert.That(Twiml.Attr(conference, "statusCallbackEvent"), Is.EqualTo("join leave mute"));

        await browser.ConferenceEvent(MeetingId, "participant-join", muted: true);
        var line = (await PhoneStatus()).Callers.Single();
        Assert.That((line.Leg, line.State, line.EntryId, line.Label), Is.EqualTo(("Browser", "HandRaised", (Guid?)entry, "Rosa Delgado")));
        Assert.That((await PhoneStatus()).BrowserAudio, Is.True);
    }

    [Test]
    public async Task StartingAWebSpeakersTurn_UnmutesTheirBrowser_AndEndingItMutesIt_ExactlyAsForACaller()
    {
        await OpenPublicComment();
        var (resident, entry) = await WebSpeaker();
        await using var _ = resident;
        var browser = Browser(await TokenFor(resident, entry));
        await browser.Parsed("/phone/voice/browser");
        await browser.ConferenceEvent(MeetingId, "participant-join", muted: true);

        await Clerk.Do("StartTurn", MeetingId, entry);
        await Eventually(() => Twilio.ParticipantUpdates(browser.CallSid).Count == 1, "the unmute");
        var unmute = Twilio.ParticipantUpdates(browser.CallSid).Single();
        Assert.That(unmute.Path, Does.EndWith($"/Conferences/{browser.ConferenceSid}/Participants/{browser.CallSid}.json"));
        Assert.That(unmute.Form["Muted"], Is.EqualTo("false"));
        await Eventually(() => Twilio.Announcements(browser.CallSid).Count == 1, "the floor announcement");
        await Eventually(() => PhoneStatus().Result.Callers.Single().State == "Speaking", "connected, on the clerk's screen");

        await Clerk.Do("EndTurn", MeetingId);
        await Eventually(() => Twilio.ParticipantUpdates(browser.CallSid).Count == 2, "the mute");
        Assert.That(Twilio.ParticipantUpdates(browser.CallSid)[1].Form["Muted"], Is.EqualTo("true"));
    }

    [Test]
    public async Task ABrowserThatLeavesWhileItsSpeakerIsOnDeck_ShowsAsDropped_AndTheSpeakerKeepsTheirPlace()
    {
        await OpenPublicComment();
        var (resident, entry) = await WebSpeaker();
        await using var _ = resident;
        var browser = Browser(await TokenFor(resident, entry));
        await browser.Parsed("/phone/voice/browser");
        await browser.ConferenceEvent(MeetingId, "participant-join", muted: true);
        // The clerk's screen is sent the change after the command's answer: wait for it before reading the screen.
        await Clerk.WaitForSequence((await Clerk.Do("CallNextSpeaker", MeetingId, CommentItem)).Sequence);

        await browser.ConferenceEvent(MeetingId, "participant-leave", muted: true);

        await Eventually(() => PhoneStatus().Result.Callers.Single().State == "Dropped", "dropped, on the clerk's screen");
        Assert.That(Clerk.Snapshot.Speakers.Single().State, Is.EqualTo("OnDeck"), "the clerk decides: call next instead, or wait");
    }

    [Test]
    public async Task TheBrowserWebhook_IsSigned_AndRefusesAnIdentityThatIsNotInLine()
    {
        await OpenPublicComment();
        var (resident, entry) = await WebSpeaker();
        await using var _ = resident;
        var token = await TokenFor(resident, entry);

        var unsigned = await Host.Anonymous().PostAsync("/phone/voice/browser", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["CallSid"] = "CA1", ["From"] = "client:" + token.Identity,
        }));
        Assert.That(unsigned.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));

        var madeUp = await new FakeCaller(Host, "CA2", $"client:meeting_{MeetingId:N}_entry_{Guid.NewGuid():N}").Parsed("/phone/voice/browser");
        var notAnIdentity = await new FakeCaller(Host, "CA3", "client:somebody").Parsed("/phone/voice/browser");
        await resident.Do("WithdrawSignUp", MeetingId, resident.ResidentToken, entry);
        var withdrawn = await Browser(token).Parsed("/phone/voice/browser");

        foreach (var refused in new[] { madeUp, notAnIdentity, withdrawn })
        {
            Assert.That(refused.Verbs, Is.EqualTo(new[] { "Say", "Hangup" }));
            Assert.That(refused.Conference, Is.Null);
        }
        Assert.That((await PhoneStatus()).Callers, Is.Empty);
    }

    [Test]
    public async Task VoiceTokens_AreLimitedPerAddress_SoTheyCannotBeAskedForOverAndOverDuringAHearing()
    {
        await OpenPublicComment();
        var (resident, entry) = await WebSpeaker();
        await using var _ = resident;
        for (var i = 0; i < VoiceTokens.PerMinute; i++)
        {
            using var asked = await AskFrom("198.51.100.90", entry, "not-the-residents-token-0123");
            Assert.That(asked.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), $"ask {i + 1}");
        }
        using var refused = await AskFrom("198.51.100.90", entry, resident.ResidentToken);
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "one more from the same address, in the same minute");
        Assert.That(refused.Headers.RetryAfter?.Delta, Is.Not.Null, "with when to ask again");
        using var elsewhere = await AskFrom("198.51.100.91", entry, resident.ResidentToken);
        Assert.That(elsewhere.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the resident, from another address");
    }

    private Task<HttpResponseMessage> AskFrom(string address, Guid entry, string? residentToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/meetings/{MeetingId}/speakers/{entry}/voice-token")
        {
            Content = JsonContent.Create(new VoiceTokenRequest(residentToken), options: ApiClient.Json),
        };
        request.Headers.Add("X-Forwarded-For", address);
        return Host.Anonymous().SendAsync(request);
    }

    [Test]
    public async Task WithBrowserAudioNotSetUp_NoTokenIsIssued_AndThePublicLineSaysSo()
    {
        await OpenPublicComment();
        var line = await Host.Anonymous().Get<PhoneLine>("/api/phone");
        Assert.That((line.Enabled, line.BrowserAudio, line.CallBack), Is.EqualTo((true, true, true)));

        await using var host = new TestHost(settings: new Dictionary<string, string?>(Twilio.Settings) { ["Twilio:ApiKeySecret"] = null });
        var off = await host.Anonymous().Get<PhoneLine>("/api/phone");
        Assert.That(off.BrowserAudio, Is.False);
        var response = await host.Anonymous().PostAsJsonAsync($"/api/meetings/{MeetingId}/speakers/{Guid.NewGuid()}/voice-token",
            new VoiceTokenRequest("resident-token-0123456789"), ApiClient.Json);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("Browser audio is not set up"));
    }
}

/// <summary>The meeting's browser-audio limit (<c>Phone:BrowserLimit</c>), checked at the token and again when the browser calls.</summary>
public class BrowserLimitTests : WebSpeakerFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Phone:BrowserLimit"] = "1" };

    [Test]
    public async Task OnceTheLimitOfBrowsersIsInTheConference_NoMoreTokens_AndABrowserCallingAnywayIsTurnedAway()
    {
        await OpenPublicComment();
        var (first, firstEntry) = await WebSpeaker("First Speaker");
        var (second, secondEntry) = await WebSpeaker("Second Speaker");
        await using var _ = first;
        await using var __ = second;
        var secondToken = await TokenFor(second, secondEntry);
        var firstBrowser = Browser(await TokenFor(first, firstEntry));
        await firstBrowser.Parsed("/phone/voice/browser");
        await firstBrowser.ConferenceEvent(MeetingId, "participant-join", muted: true);

        var refused = await AskForToken(secondEntry, second.ResidentToken);
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(await refused.Content.ReadAsStringAsync(), Does.Contain("browser-limit"));
        var late = await Browser(secondToken).Parsed("/phone/voice/browser");
        Assert.That(late.Verbs, Is.EqualTo(new[] { "Say", "Hangup" }));
        Assert.That(late.Text, Does.Contain("call in by phone"));

        await firstBrowser.ConferenceEvent(MeetingId, "participant-leave", muted: true, participantCallStatus: "completed");
        Assert.That((await AskForToken(secondEntry, second.ResidentToken)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "a place is free again");
    }
}
