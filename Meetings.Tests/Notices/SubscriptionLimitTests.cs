using System.Net;
using System.Net.Http.Json;
using Meetings.Client.Contracts;
using Meetings.Server.Notices;
using Meetings.Tests.Support;

namespace Meetings.Tests.Notices;

/// <summary>
/// Subscribing cannot be used to harass anyone: one confirmation message to an address in ten minutes and three a
/// day, a confirmed subscription left as its owner set it, confirmation only by the button (not by opening the
/// link), and confirming and unsubscribing never held up by a flood of sign-ups.
/// </summary>
public class SubscriptionLimitTests : NoticeFixture
{
    private Task<HttpResponseMessage> Subscribe(SubscribeRequest request, string from = "198.51.100.50")
    {
        var message = new HttpRequestMessage(HttpMethod.Post, $"/api/bodies/{Body.Id}/subscriptions") { Content = JsonContent.Create(request) };
        message.Headers.Add("X-Forwarded-For", from);
        return Host.Anonymous().SendAsync(message);
    }

    private Subscriber Row(Func<Subscriber, bool> which) => Host.WithDb(db => db.Subscribers.AsEnumerable().Single(which));

    private List<FakeTwilio.Recorded> TextsTo(string phone) =>
        Twilio.Requests.Where(r => r.Path.EndsWith("/Messages.json", StringComparison.Ordinal) && r.Form["To"] == phone).ToList();

    [Test]
    public async Task SubscribingOneAddressOverAndOver_SendsAConfirmationAtMostEveryTenMinutes_AndThreeADay()
    {
        var email = NewEmail();
        var batch = 0;
        async Task FiveTimes()
        {
            // From a new address each time, so the per-address rate limit is not what holds them back.
            batch++;
            for (var i = 0; i < 5; i++)
                Assert.That((await Subscribe(new SubscribeRequest(email), from: $"198.51.100.{batch}")).StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        }

        await FiveTimes();
        await SmtpSink.WaitFor(email, 1);
        Host.Clock.Advance(TimeSpan.FromMinutes(9));
        await FiveTimes();
        Assert.That(Row(s => s.Email == email).ConfirmationsInDay, Is.EqualTo(1), "nothing more within ten minutes");

        Host.Clock.Advance(TimeSpan.FromMinutes(1));
        await FiveTimes();
        await SmtpSink.WaitFor(email, 2);
        Host.Clock.Advance(SubscriptionEndpoints.ConfirmationInterval);
        await FiveTimes();
        await SmtpSink.WaitFor(email, 3);
        Host.Clock.Advance(SubscriptionEndpoints.ConfirmationInterval);
        await FiveTimes();
        Assert.That(Row(s => s.Email == email).ConfirmationsInDay, Is.EqualTo(SubscriptionEndpoints.ConfirmationsPerDay), "no fourth in a day");

        Host.Clock.Advance(TimeSpan.FromDays(1));
        await FiveTimes();
        await SmtpSink.WaitFor(email, 4);
        // 25 requests; each confirmation was claimed before its job ran, and the jobs have all run once a later one has.
        Assert.That(SmtpSink.MessagesTo(email), Has.Count.EqualTo(4));
        Assert.That(SmtpSink.MessagesTo(email).Select(m => m.Subject), Is.All.StartsWith("Confirm"));
    }

    [Test]
    public async Task OneAddressInOtherCapitals_IsTheSameSubscriber_UnderTheSameLimit()
    {
        var email = NewEmail();
        string[] spellings = [email, email.ToUpperInvariant(), char.ToUpperInvariant(email[0]) + email[1..], email.Replace("@example.org", "@Example.ORG", StringComparison.Ordinal)];
        for (var i = 0; i < spellings.Length; i++)
            Assert.That((await Subscribe(new SubscribeRequest(spellings[i]), from: $"198.51.100.{70 + i}")).StatusCode, Is.EqualTo(HttpStatusCode.Accepted));

        await SmtpSink.WaitFor(email, 1);
        var rows = Host.WithDb(db => db.Subscribers.AsEnumerable().Where(s => string.Equals(s.Email, email, StringComparison.OrdinalIgnoreCase)).ToList());
        Assert.That(rows, Has.Count.EqualTo(1), "one subscriber for the mailbox");
        Assert.That(rows[0].Email, Is.EqualTo(email));
        Assert.That(rows[0].ConfirmationsInDay, Is.EqualTo(1), "and one confirmation, as for one spelling asked four times");
    }

    [Test]
    public async Task SubscribingOneNumberOverAndOver_SendsOneConfirmationText()
    {
        const string Phone = "+15035550177";
        for (var i = 0; i < 5; i++) await Subscribe(new SubscribeRequest(Phone: Phone));
        await Wait.Until(() => TextsTo(Phone).Count >= 1, "the confirmation text");
        Assert.That(Row(s => s.Phone == Phone).ConfirmationsInDay, Is.EqualTo(1));
        // A marker after the five: once its text is out, any sixth text would have been too.
        await Subscribe(new SubscribeRequest(Phone: "+15035550178"));
        await Wait.Until(() => TextsTo("+15035550178").Count == 1, "the marker's text");
        Assert.That(TextsTo(Phone), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task AStranger_CannotChangeAConfirmedSubscription_NorItsLanguage()
    {
        var email = await SubscribedByEmail("en");
        var before = Row(s => s.Email == email);

        var stranger = await Subscribe(new SubscribeRequest(email, Language: "es"), from: "203.0.113.9");
        var newcomer = await Subscribe(new SubscribeRequest(NewEmail(), Language: "es"), from: "203.0.113.9");

        Assert.That(stranger.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(await stranger.Content.ReadAsStringAsync(), Is.EqualTo(await newcomer.Content.ReadAsStringAsync()), "the answer tells nobody it was already subscribed");
        var after = Row(s => s.Email == email);
        Assert.That(after.Language, Is.EqualTo("en"));
        Assert.That(after.EmailConfirmedAt, Is.EqualTo(before.EmailConfirmedAt));
        Assert.That(after.ConfirmationsInDay, Is.EqualTo(before.ConfirmationsInDay), "no new confirmation message to the owner");
    }

    [Test]
    public async Task ANumberOutsideTheLinesCountries_IsRefused_AndNothingIsSentOrKept()
    {
        var response = await Subscribe(new SubscribeRequest(Phone: "+44 20 7946 0958"), from: "198.51.100.70");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("\"phone\"").And.Contain("numbers starting with +1"));
        Assert.That(Host.WithDb(db => db.Subscribers.Any(s => s.Phone == "+442079460958")), Is.False);
        Assert.That(TextsTo("+442079460958"), Is.Empty);
    }

    [Test]
    public async Task ANumberInACountryThatShares1ButIsBilledAsInternational_IsRefused_AndNothingIsSentOrKept()
    {
        var response = await Subscribe(new SubscribeRequest(Phone: "+1 (876) 555-0143"), from: "198.51.100.71");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("\"phone\"").And.Contain("do not go to numbers starting with +1876"));
        Assert.That(Host.WithDb(db => db.Subscribers.Any(s => s.Phone == "+18765550143")), Is.False);
        Assert.That(TextsTo("+18765550143"), Is.Empty);

        var territory = await Subscribe(new SubscribeRequest(Phone: "+1 (787) 555-0143"), from: "198.51.100.72");
        Assert.That(territory.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), "Puerto Rico is callable");
    }

    [Test]
    public async Task OpeningTheConfirmationLink_ConfirmsNothing_OnlyItsButtonDoes()
    {
        var email = NewEmail();
        await Subscribe(new SubscribeRequest(email));
        var link = LinkIn((await SmtpSink.WaitFor(email)).Single().TextBody ?? "", "/api/subscriptions/confirm?token=");

        for (var i = 0; i < 3; i++) Assert.That((await Host.Anonymous().GetAsync(new Uri(link).PathAndQuery)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Row(s => s.Email == email).EmailConfirmedAt, Is.Null, "a mail scanner opening the link confirms nothing");

        await Confirm(link, email);
        Assert.That(Row(s => s.Email == email).EmailConfirmedAt, Is.Not.Null);
    }

    [Test]
    public async Task WhoeverHoldsTheUnsubscribeLink_CannotConfirm_NorSubscribeTheAddressAgainAfterItsOwnerStopped()
    {
        var email = NewEmail();
        await Subscribe(new SubscribeRequest(email));
        var first = LinkIn((await SmtpSink.WaitFor(email)).Single().TextBody ?? "", "/api/subscriptions/confirm?token=");
        await Confirm(first, email);
        var token = Row(s => s.Email == email).Token;
        Task<HttpResponseMessage> Try(HttpMethod method, string query) => Host.Anonymous().SendAsync(new HttpRequestMessage(method, $"/api/subscriptions/confirm?{query}"));
        // The owner stops from a notice's unsubscribe link, which carries the token (and may have been forwarded).
        Assert.That((await Host.Anonymous().PostAsync($"/api/subscriptions/unsubscribe?token={token}", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        // Someone holding that link asks for the address again and tries to confirm it with what they have.
        Host.Clock.Advance(SubscriptionEndpoints.ConfirmationInterval);
        await Subscribe(new SubscribeRequest(email), from: "198.51.100.81");
        // (Two mails within a second may list in either order: the new one is the one whose link is not the first's.)
        var second = (await SmtpSink.WaitFor(email, 2)).Select(m => LinkIn(m.TextBody ?? "", "/api/subscriptions/confirm?token=")).Single(link => link != first);
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post })
        {
            Assert.That((await Try(method, $"token={token}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), $"{method}: the token alone");
            Assert.That((await Try(method, new Uri(first).Query.TrimStart('?'))).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), $"{method}: the link of an earlier confirmation");
        }
        Assert.That(Row(s => s.Email == email).EmailConfirmedAt, Is.Null, "not subscribed again without its owner");

        await Confirm(second, email);
        Assert.That(Row(s => s.Email == email).Receives(Channel.Email), "the owner, with the new confirmation, is");
    }

    [Test]
    public async Task AfterAFloodOfSubscriptionsFromOneAddress_ItCanStillConfirmAndUnsubscribe()
    {
        var email = NewEmail();
        await Subscribe(new SubscribeRequest(email), from: "198.51.100.60");
        var link = LinkIn((await SmtpSink.WaitFor(email)).Single().TextBody ?? "", "/api/subscriptions/confirm?token=");
        var refused = 0;
        for (var i = 0; i < 25; i++)
            if ((await Subscribe(new SubscribeRequest(NewEmail()), from: "198.51.100.60")).StatusCode == HttpStatusCode.TooManyRequests) refused++;
        Assert.That(refused, Is.GreaterThan(0), "subscribing is limited");

        foreach (var (method, path) in new[] { (HttpMethod.Get, "confirm"), (HttpMethod.Post, "confirm"), (HttpMethod.Get, "unsubscribe"), (HttpMethod.Post, "unsubscribe") })
        {
            var request = new HttpRequestMessage(method, new Uri(link).PathAndQuery.Replace("/confirm?", $"/{path}?", StringComparison.Ordinal));
            request.Headers.Add("X-Forwarded-For", "198.51.100.60");
            Assert.That((await Host.Anonymous().SendAsync(request)).StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{method} {path}");
        }
        Assert.That(Row(s => s.Email == email).EmailStoppedAt, Is.Not.Null);
    }
}
