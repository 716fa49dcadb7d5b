using System.Net;
using System.Net.Http.Json;
using System.Text;
using Meetings.Tests.Support;

namespace Meetings.Tests.Security;

/// <summary>
/// Behind the reverse proxy the README recommends: forwarded headers believed from the configured proxy only, the
/// sign-in cookie Secure and HSTS sent behind TLS, the security headers on every answer, and small bodies from anyone.
/// </summary>
public class ProxyAndHeaderTests
{
    private TestHost _host = null!;

    [OneTimeSetUp]
    public void StartHost() => _host = new TestHost(settings: new Dictionary<string, string?>
    {
        ["ForwardedHeaders:KnownProxies"] = "127.0.0.1", ["Display:FrameAncestors"] = "https://tv.city.example",
    });

    [OneTimeTearDown]
    public void StopHost() => _host.Dispose();

    [Test]
    public async Task BehindTheTrustedProxysTls_TheSignInCookieIsSecure_AndHstsIsSent()
    {
        var response = await SignIn(_host, proto: "https");
        Assert.That(response.IsSuccessStatusCode, Is.True, response.StatusCode.ToString());
        Assert.That(response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("meetings.auth=", StringComparison.Ordinal)), Does.Contain("secure").IgnoreCase);
        Assert.That(response.Headers.GetValues("Strict-Transport-Security").Single(), Does.Contain("max-age=31536000"));
    }

    [Test]
    public async Task AForwardedProtoFromAnUntrustedAddress_IsIgnored_SoNothingPretendsToBeTls()
    {
        using var elsewhere = new TestHost(settings: new Dictionary<string, string?> { ["ForwardedHeaders:KnownProxies"] = "10.0.0.7" });
        var response = await SignIn(elsewhere, proto: "https");
        Assert.That(response.IsSuccessStatusCode, Is.True, response.StatusCode.ToString());
        Assert.That(response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("meetings.auth=", StringComparison.Ordinal)), Does.Not.Contain("secure").IgnoreCase);
        Assert.That(response.Headers.Contains("Strict-Transport-Security"), Is.False);
    }

    [TestCase("/")]
    [TestCase("/api/meetings")]
    [TestCase("/api/no-such-thing")]
    [TestCase("/meetings/00000000-0000-0000-0000-000000000001")]
    public async Task EveryAnswer_CarriesTheSecurityHeaders_AndMayNotBeFramed(string path)
    {
        var response = await _host.Anonymous().GetAsync(path);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.That(csp, Does.Contain("default-src 'self'").And.Contain("script-src 'self' 'wasm-unsafe-eval'").And.Contain("frame-ancestors 'none'"));
        Assert.That(response.Headers.GetValues("X-Content-Type-Options").Single(), Is.EqualTo("nosniff"));
        Assert.That(response.Headers.GetValues("Referrer-Policy").Single(), Is.EqualTo("no-referrer"));
        Assert.That(response.Headers.GetValues("X-Frame-Options").Single(), Is.EqualTo("DENY"));
    }

    [Test]
    public async Task TheChamberDisplay_MayBeFramed_OnlyByTheConfiguredOrigins()
    {
        var response = await _host.Anonymous().GetAsync("/display/00000000-0000-0000-0000-000000000001");
        Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain("frame-ancestors https://tv.city.example"));
        Assert.That(response.Headers.Contains("X-Frame-Options"), Is.False);
    }

    [Test]
    public async Task AnAnonymousBodyOver16KB_IsRefusedWith413_BeforeItIsRead()
    {
        var body = await _host.Anonymous().DemoBody();
        var big = new StringContent($"{{\"email\":\"{new string('a', 20_000)}@example.org\"}}", Encoding.UTF8, "application/json");
        var response = await _host.Anonymous().PostAsync($"/api/bodies/{body.Id}/subscriptions", big);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("at most 16 KB"));
    }

    /// <summary>Signs in as the clerk through the proxy on loopback, which says the client came over TLS to the public host.</summary>
    private static async Task<HttpResponseMessage> SignIn(TestHost host, string proto)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login?useCookies=true")
        {
            Content = JsonContent.Create(new { email = Demo.Clerk, password = TestHost.Password }),
        };
        request.Headers.Add("X-Forwarded-Proto", proto);
        request.Headers.Add("X-Forwarded-For", "198.51.100.23");
        request.Headers.Host = "meetings.city.example"; // HSTS is never sent to localhost or a loopback address
        return await host.Anonymous().SendAsync(request);
    }
}
