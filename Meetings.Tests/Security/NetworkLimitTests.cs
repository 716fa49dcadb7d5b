using System.Net;
using System.Net.Http.Json;
using Meetings.Client.Contracts;
using Meetings.Server.Identity;
using Meetings.Server.Security;
using Meetings.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using System.Threading.RateLimiting;

namespace Meetings.Tests.Security;

/// <summary>
/// An IPv6 client is counted by its /64, and anyone can be given a whole /48 (65,536 /64s) by a free tunnel broker:
/// so every limit per address also counts the /48, which gets <see cref="ClientAddress.NetworkShare"/> addresses'
/// worth. The requests here come through the loopback proxy with <c>X-Forwarded-For</c>, as from the internet.
/// </summary>
public class NetworkLimitTests
{
    private const string Network = "2001:db8:4a";

    [TestCase("2001:db8:4a:7:1:2:3:4", "2001:db8:4a:7::/64", "2001:db8:4a::/48")]
    [TestCase("2001:db8:4a:ffff::1", "2001:db8:4a:ffff::/64", "2001:db8:4a::/48")]
    [TestCase("203.0.113.9", "203.0.113.9", null)]
    [TestCase("::ffff:203.0.113.9", "203.0.113.9", null)]
    public void AnAddress_IsCountedByItself_AndAnIPv6One_ByItsNetworkToo(string address, string counted, string? network)
    {
        Assert.That(ClientAddress.Of(IPAddress.Parse(address)), Is.EqualTo(counted));
        Assert.That(ClientAddress.NetworkOf(IPAddress.Parse(address)), Is.EqualTo(network));
    }

    [Test]
    public void TheHubsBudgets_GiveAWhole48_SixteenAddressesWorth_AndARefusalCostsNothing()
    {
        var clock = new FakeTimeProvider();
        var buckets = new AddressBuckets(burst: 2, perSecond: 1, clock);
        bool Take(int n) => buckets.TryTake(IPAddress.Parse($"{Network}:{n:x}::1"));

        var spinning = Enumerable.Range(0, 10).Count(_ => Take(1));
        var others = Enumerable.Range(2, ClientAddress.NetworkShare + 3).Sum(n => Enumerable.Range(0, 2).Count(_ => Take(n)));
        var refused = Enumerable.Range(0, 5).Count(_ => Take(99));
        clock.Advance(TimeSpan.FromSeconds(2.0 / ClientAddress.NetworkShare)); // two of the network's tokens back

        Assert.That(spinning, Is.EqualTo(2), "one /64 trying ten times gets its own two");
        Assert.That(others, Is.EqualTo(2 * ClientAddress.NetworkShare - 2), "the other /64s share what is left of sixteen budgets");
        Assert.That(refused, Is.Zero);
        Assert.That(Take(99) && Take(99), Is.True, "the refusals by the network cost the /64 none of its own");
        Assert.That(buckets.TryTake(IPAddress.Parse("2001:db8:4b:1::1")), Is.True, "another /48 has its own");
        Assert.That(buckets.TryTake(IPAddress.Parse("203.0.113.9")), Is.True);
    }

    [Test]
    public async Task TheRecord_IsLimitedPer48_ToSixteenAddressesWorth_AndSaysWhenToAskAgain()
    {
        using var host = new TestHost(settings: new Dictionary<string, string?> { ["Records:PerMinute"] = "2" });
        var meeting = await host.Anonymous().DemoMeeting();
        var journal = $"/api/meetings/{meeting.Meeting.Id}/journal";
        Task<HttpResponseMessage> From(int n) => GetFrom(host, journal, $"{Network}:{n:x}::1");

        var first = new[] { await From(1), await From(1), await From(1) };
        var answers = new List<HttpStatusCode>();
        for (var n = 2; n <= ClientAddress.NetworkShare; n++)
            for (var i = 0; i < 2; i++) answers.Add((await From(n)).StatusCode);
        var refused = new[] { await From(17), await From(17) };
        host.Clock.Advance(TimeSpan.FromSeconds(2)); // the /48's budget gains a request
        using var afterAWhile = await From(17);
        using var elsewhere = await GetFrom(host, journal, "2001:db8:4b:1::1");

        Assert.That(first.Select(a => a.StatusCode), Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests }), "a /64 has its own limit");
        Assert.That(first[2].Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.FromSeconds(2)).And.LessThanOrEqualTo(TimeSpan.FromMinutes(1)), "its window's");
        Assert.That(answers, Is.All.EqualTo(HttpStatusCode.OK), "two a minute for each of sixteen /64s");
        Assert.That(refused.Select(a => a.StatusCode), Is.All.EqualTo(HttpStatusCode.TooManyRequests), "the seventeenth /64 of the same /48");
        Assert.That(refused[0].Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(2)), "when the /48 has a request again: a minute over 32");
        Assert.That(afterAWhile.StatusCode, Is.EqualTo(HttpStatusCode.OK), "its refusals cost the /64 none of its own");
        Assert.That(elsewhere.StatusCode, Is.EqualTo(HttpStatusCode.OK), "another /48 is not held up");
    }

    [Test]
    public async Task AnAddressLetGo_LetsGoOfItsWindow()
    {
        var window = new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions { PermitLimit = 1, Window = TimeSpan.FromMinutes(1), AutoReplenishment = false });
        var limiter = new AddressInNetwork(window, new TokenBuckets(16, 1, new FakeTimeProvider()), "2001:db8:4a::/48");

        Assert.That(limiter.IsAutoReplenishing, Is.False, "refilled by the rate limiter, with no timer of its own");
        await limiter.DisposeAsync(); // as the rate limiter lets an idle partition go

        Assert.Throws<ObjectDisposedException>(() => window.AttemptAcquire());
    }

    [Test]
    public async Task WrongPasswordsSpreadOverA48_ThrottleItsOtherAddresses_ButNoOtherNetwork()
    {
        using var host = new TestHost();
        var throttle = host.Services.GetRequiredService<SignInThrottle>();
        // As if sixteen /64s of the /48 had each used up their own tries on accounts of their choosing.
        var network = ClientAddress.NetworkOf(IPAddress.Parse($"{Network}::1"));
        for (var n = 1; n <= ClientAddress.NetworkShare; n++)
            for (var i = 0; i < SignInThrottle.FailuresPerAddress; i++)
                Assert.That(throttle.TryBegin(ClientAddress.Of(IPAddress.Parse($"{Network}:{n:x}::1")), network, $"GUESS{i}@CITY.GOV"), Is.True);

        using var fromTheNetwork = await SignIn(host, $"{Network}:77::1", Demo.Clerk);
        using var fromElsewhere = await SignIn(host, "2001:db8:4b:77::1", Demo.Clerk);

        Assert.That(fromTheNetwork.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "a fresh /64 of a /48 that has had its tries, even with the right password");
        Assert.That(fromElsewhere.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), "the clerk signs in from another network");
    }

    private static Task<HttpResponseMessage> GetFrom(TestHost host, string path, string address)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Forwarded-For", address);
        return host.Anonymous().SendAsync(request);
    }

    private static Task<HttpResponseMessage> SignIn(TestHost host, string address, string email)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(new SignInRequest(email, TestHost.Password)) };
        request.Headers.Add("X-Forwarded-For", address);
        return host.Anonymous().SendAsync(request);
    }
}
