using System.Net;
using System.Net.Http.Json;
using Meetings.Client.Contracts;
using Meetings.Server.Identity;
using Meetings.Server.Security;
using Meetings.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

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
    public void TheHubsBudgets_GiveAWhole48_SixteenAddressesWorth()
    {
        var buckets = new AddressBuckets(burst: 2, perSecond: 1, new FakeTimeProvider());

        var taken = Enumerable.Range(1, ClientAddress.NetworkShare + 4)
            .Sum(n => Enumerable.Range(0, 2).Count(_ => buckets.TryTake(IPAddress.Parse($"{Network}:{n:x}::1"))));

        Assert.That(taken, Is.EqualTo(2 * ClientAddress.NetworkShare), "twenty /64s of one /48 share sixteen budgets");
        Assert.That(buckets.TryTake(IPAddress.Parse("2001:db8:4b:1::1")), Is.True, "another /48 has its own");
        Assert.That(buckets.TryTake(IPAddress.Parse("203.0.113.9")), Is.True);
    }

    [Test]
    public async Task TheRecord_IsLimitedPer48_ToSixteenAddressesWorth_AndSaysWhenToAskAgain()
    {
        using var host = new TestHost(settings: new Dictionary<string, string?> { ["Records:PerMinute"] = "1" });
        var meeting = await host.Anonymous().DemoMeeting();
        var journal = $"/api/meetings/{meeting.Meeting.Id}/journal";

        var answers = new List<HttpStatusCode>();
        for (var n = 1; n <= ClientAddress.NetworkShare + 1; n++)
            answers.Add((await GetFrom(host, journal, $"{Network}:{n:x}::1")).StatusCode);
        using var refused = await GetFrom(host, journal, $"{Network}:99::1");
        using var again = await GetFrom(host, journal, $"{Network}:1::2");
        using var elsewhere = await GetFrom(host, journal, "2001:db8:4b:1::1");

        Assert.That(answers.Take(ClientAddress.NetworkShare), Is.All.EqualTo(HttpStatusCode.OK), "one a minute for each of sixteen /64s");
        Assert.That(answers[^1], Is.EqualTo(HttpStatusCode.TooManyRequests), "the seventeenth /64 of the same /48");
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(refused.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, Is.GreaterThan(TimeSpan.Zero).And.LessThanOrEqualTo(TimeSpan.FromMinutes(1)), "when to ask again");
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "a /64 still has its own limit");
        Assert.That(elsewhere.StatusCode, Is.EqualTo(HttpStatusCode.OK), "another /48 is not held up");
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
