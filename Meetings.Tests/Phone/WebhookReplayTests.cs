using System.Net;
using Meetings.Client.Contracts;
using Meetings.Server.Phone;
using Meetings.Tests.Support;

namespace Meetings.Tests.Phone;

/// <summary>
/// Twilio retries a webhook with the same <c>I-Twilio-Idempotency-Token</c>: each token is applied once, and every
/// repeat, even after a restart, gets the answer the first delivery got.
/// </summary>
public class WebhookReplayTests : PhoneFixture
{
    /// <summary>*9 pressed once, delivered by Twilio with this token (correctly signed, as a retry would be).</summary>
    private static async Task<HttpResponseMessage> StarNine(TestHost host, string callSid, string token)
    {
        const string path = "/phone/voice/star?lang=en";
        var form = new Dictionary<string, string>
        {
            ["AccountSid"] = FakeTwilio.AccountSid, ["CallSid"] = callSid, ["From"] = "+15035554821", ["To"] = FakeTwilio.PhoneNumber,
            ["CallStatus"] = "in-progress", ["Digits"] = "9",
        };
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", FakeTwilio.Sign(FakeTwilio.AuthToken, FakeTwilio.PublicBaseUrl + path, form));
        request.Headers.Add(WebhookReceipts.Header, token);
        return await host.Anonymous().SendAsync(request);
    }

    private async Task<int> HandEvents(TestHost host) =>
        (await host.Anonymous().Get<List<JournalEventDto>>($"/api/meetings/{MeetingId}/journal"))
            .Count(e => e.Type is nameof(Meetings.Server.Domain.SpeakerSignedUp) or nameof(Meetings.Server.Domain.SpeakerWithdrawn));

    private async Task<FakeCaller> CallerAtTheKeypad()
    {
        await OpenPublicComment();
        var caller = await CallIn();
        await caller.PressStar();
        await caller.ConferenceEvent(MeetingId, "participant-leave", muted: true, participantCallStatus: "in-progress");
        return caller;
    }

    [Test]
    public async Task AStarNineDeliveredFourTimesWithOneToken_RaisesTheHandOnce_AndEachDeliveryGetsTheSameAnswer()
    {
        var caller = await CallerAtTheKeypad();
        var token = "idem-" + Guid.NewGuid().ToString("N");

        var answers = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var response = await StarNine(Host, caller.CallSid, token);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            answers.Add(await response.Content.ReadAsStringAsync());
        }

        Assert.That(await HandEvents(Host), Is.EqualTo(1));
        Assert.That(answers.Distinct(), Has.Exactly(1).Items, "a retry hears what the first delivery said, and is put back in the conference");
        Assert.That(answers[0], Does.Contain("<Conference"));
        Assert.That((await PhoneStatus()).Callers.Single().EntryId, Is.Not.Null, "the hand is up");
    }

    [Test]
    public async Task ADeliveryWhoseServerDiedWhileHandlingIt_IsHandledByTheRetry_NotRefusedForADay()
    {
        var caller = await CallerAtTheKeypad();
        var token = "idem-" + Guid.NewGuid().ToString("N");
        // What a server killed while handling the first delivery leaves: the claim, with no answer, older than a
        // delivery is ever handled for.
        Host.WithDb(db =>
        {
            db.WebhookReceipts.Add(new WebhookReceipt { Token = token, ReceivedAt = Host.Clock.GetUtcNow() - WebhookReceipts.Abandoned - TimeSpan.FromSeconds(1) });
            return db.SaveChanges();
        });

        var retry = await StarNine(Host, caller.CallSid, token);
        Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await retry.Content.ReadAsStringAsync(), Does.Contain("<Conference"));
        Assert.That(await HandEvents(Host), Is.EqualTo(1), "the hand is raised, once");
        Assert.That(await (await StarNine(Host, caller.CallSid, token)).Content.ReadAsStringAsync(), Does.Contain("<Conference"));
        Assert.That(await HandEvents(Host), Is.EqualTo(1), "and the answer kept for later retries");
    }

    [Test]
    public async Task TwoPressesWithTwoTokens_AreTwoPresses()
    {
        var caller = await CallerAtTheKeypad();
        await StarNine(Host, caller.CallSid, "first-" + Guid.NewGuid().ToString("N"));
        await StarNine(Host, caller.CallSid, "second-" + Guid.NewGuid().ToString("N"));
        Assert.That(await HandEvents(Host), Is.EqualTo(2), "raised, then lowered");
    }

    [Test]
    public async Task ARetryAfterARestart_IsStillAppliedOnce()
    {
        var caller = await CallerAtTheKeypad();
        var token = "idem-" + Guid.NewGuid().ToString("N");
        var first = await (await StarNine(Host, caller.CallSid, token)).Content.ReadAsStringAsync();

        await Clerk.DisposeAsync();
        Host.Dispose();
        using var restarted = new TestHost(Host.DataFolder, settings: Twilio.Settings);

        var retry = await StarNine(restarted, caller.CallSid, token);
        Assert.That(await retry.Content.ReadAsStringAsync(), Is.EqualTo(first));
        Assert.That(await HandEvents(restarted), Is.EqualTo(1));
    }
}
