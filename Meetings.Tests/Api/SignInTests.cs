using System.Net;
using System.Net.Http.Json;
using System.Text;
using Meetings.Client.Contracts;
using Meetings.Server.Identity;
using Meetings.Tests.Support;

namespace Meetings.Tests.Api;

/// <summary>
/// Accounts: only sign-in, sign-out and who-am-I exist; wrong passwords are throttled per address and per
/// (account, address) so that nobody can lock a clerk out; every failure reads the same; signing out ends the session.
/// </summary>
public class SignInTests
{
    private TestHost _host = null!;

    [OneTimeSetUp]
    public void StartHost() => _host = new TestHost();

    [OneTimeTearDown]
    public void StopHost() => _host.Dispose();

    private static readonly string[] RemovedRoutes =
    [
        "register", "refresh", "confirmEmail", "resendConfirmationEmail", "forgotPassword", "resetPassword",
        "manage/info", "manage/2fa", "manage/email", "manage/password",
    ];

    /// <summary>Each route as written, in capitals, in lower case, with a trailing slash, and both.</summary>
    private static IEnumerable<string> Variants(string route) =>
        [route, route.ToUpperInvariant(), route.ToLowerInvariant(), route + "/", route.ToUpperInvariant() + "/", char.ToUpperInvariant(route[0]) + route[1..]];

    [Test]
    public async Task IdentityRoutesTheProductDoesNotUse_DoNotExist_InAnyCasingOrWithATrailingSlash()
    {
        var admin = await _host.SignInAsync(Demo.Admin);
        var anonymous = _host.Anonymous();
        var answers = new List<string>();
        foreach (var route in RemovedRoutes)
            foreach (var path in Variants(route).Select(v => "/api/auth/" + v))
                foreach (var client in new[] { anonymous, admin })
                    foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post })
                    {
                        var response = await client.SendAsync(new HttpRequestMessage(method, path)
                        {
                            Content = method == HttpMethod.Post
                                ? JsonContent.Create(new { email = "someone@example.com", password = "a-long-password-1", refreshToken = "x" }) : null,
                        });
                        if (response.StatusCode != HttpStatusCode.NotFound) answers.Add($"{method} {path}: {(int)response.StatusCode}");
                    }
        Assert.That(answers, Is.Empty);
        var signIn = await anonymous.PostAsJsonAsync("/api/auth/login", new { email = "someone@example.com", password = "a-long-password-1" });
        Assert.That(signIn.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "registration made no account");
    }

    [Test]
    public async Task TheOpenApiDocument_ListsOnlySignInSignOutAndMe_UnderAuth()
    {
        var document = await _host.Anonymous().GetStringAsync("/openapi/v1.json");
        var paths = System.Text.Json.JsonDocument.Parse(document).RootElement.GetProperty("paths").EnumerateObject()
            .Select(p => p.Name).Where(p => p.StartsWith("/api/auth", StringComparison.Ordinal)).Order();
        Assert.That(paths, Is.EqualTo(new[] { "/api/auth/login", "/api/auth/logout", "/api/auth/me" }));
    }

    [Test]
    public async Task TheWebClientsRequest_SignsIn_AndMeNamesTheUser()
    {
        var client = _host.Anonymous();
        var response = await client.PostAsJsonAsync("/api/auth/login?useCookies=true", new SignInRequest(Demo.Clerk, TestHost.Password));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await client.Get<UserInfo>("/api/auth/me")).Email, Is.EqualTo(Demo.Clerk));
    }

    [TestCase("{\"email\": null, \"password\": \"x\"}")]
    [TestCase("{\"email\": \"clerk@demo.city\", \"password\": null}")]
    [TestCase("{\"email\": null, \"password\": null}")]
    [TestCase("{}")]
    [TestCase("null")]
    [TestCase("[]")]
    [TestCase("{\"email\": 5, \"password\": \"x\"}")]
    [TestCase("{\"email\": \"clerk@demo.city\", \"password\": {\"a\": 1}}")]
    [TestCase("{\"email\": [\"clerk@demo.city\"], \"password\": true}")]
    [TestCase("{\"email\": \"clerk@demo.city\"")]
    public async Task NullsAndWrongTypes_ToSignIn_AreABadRequest(string body)
    {
        var response = await _host.Anonymous().PostAsync("/api/auth/login", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), await response.Content.ReadAsStringAsync());
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task UnknownAccounts_WrongPasswords_LockedAndThrottledAccounts_AllGetTheSameAnswer()
    {
        var admin = await _host.SignInAsync(Demo.Admin);
        await admin.Send<UserInfo>(HttpMethod.Post, "/api/users", new CreateUserRequest("same@city.gov", "Same Answer", "right-password-1", "Clerk"), HttpStatusCode.Created);
        await admin.Send<UserInfo>(HttpMethod.Post, "/api/users", new CreateUserRequest("locked@city.gov", "Locked", "right-password-1", "Clerk"), HttpStatusCode.Created);
        _host.WithDb(db =>
        {
            var user = db.Users.Single(u => u.Email == "locked@city.gov");
            (user.LockoutEnabled, user.LockoutEnd) = (true, _host.Clock.GetUtcNow().AddDays(1));
            return db.SaveChanges();
        });

        var unknown = await SignIn("198.51.100.1", "nobody@city.gov", "right-password-1");
        var wrong = await SignIn("198.51.100.2", "same@city.gov", "wrong-password");
        var locked = await SignIn("198.51.100.3", "locked@city.gov", "right-password-1");
        for (var i = 0; i < SignInThrottle.FailuresPerAccountAndAddress; i++) await SignIn("198.51.100.4", "same@city.gov", "wrong-password");
        var throttled = await SignIn("198.51.100.4", "same@city.gov", "right-password-1");

        var answers = new[] { unknown, wrong, locked, throttled };
        Assert.That(answers.Select(a => a.StatusCode), Is.All.EqualTo(HttpStatusCode.Unauthorized));
        var bodies = await Task.WhenAll(answers.Select(a => a.Content.ReadAsStringAsync()));
        Assert.That(bodies.Distinct(), Has.Exactly(1).Items, string.Join("\n", bodies));
        Assert.That(answers.Select(a => a.Content.Headers.ContentType?.ToString()).Distinct(), Has.Exactly(1).Items);
        Assert.That(bodies[0], Does.Not.Contain("Locked").And.Not.Contain("NotAllowed"));
    }

    [Test]
    public async Task AFloodOfWrongPasswordsFromOneAddress_NeverStopsTheClerkSigningInFromAnother()
    {
        const string attacker = "203.0.113.66", clerkAtHome = "198.51.100.20";
        for (var i = 0; i < 20; i++)
            Assert.That((await SignIn(attacker, Demo.Clerk, $"guess-{i}")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await SignIn(attacker, Demo.Clerk, TestHost.Password)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized),
            "the attacker's address is throttled for this account, even with the right password");

        var response = await SignIn(clerkAtHome, Demo.Clerk, TestHost.Password);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), "the clerk signs in from another address");
        Assert.That(_host.WithDb(db => db.Users.Single(u => u.Email == Demo.Clerk).AccessFailedCount), Is.Zero, "no lockout counted against the account");
    }

    [Test]
    public async Task OneAddressTryingManyAccounts_IsThrottled_ForEveryAccount_ButOnlyThere()
    {
        const string sprayer = "203.0.113.77";
        for (var i = 0; i < SignInThrottle.FailuresPerAddress; i++) await SignIn(sprayer, $"guess{i}@city.gov", "a-wrong-password");
        Assert.That((await SignIn(sprayer, Demo.Mayor, TestHost.Password)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await SignIn("198.51.100.77", Demo.Mayor, TestHost.Password)).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
    }

    [Test]
    public async Task AnotherSpellingOfTheSameAccount_SharesItsCount()
    {
        const string address = "203.0.113.91";
        for (var i = 0; i < SignInThrottle.FailuresPerAccountAndAddress; i++) await SignIn(address, "okafor@demo.city", "a-wrong-password");
        // A Kelvin sign (U+212A) for the K: Identity finds the same account by it.
        Assert.That((await SignIn(address, "O\u212AAFOR@demo.city", TestHost.Password)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized),
            "throttled as the account it signs in to");
        Assert.That((await SignIn("198.51.100.91", "O\u212AAFOR@demo.city", TestHost.Password)).StatusCode, Is.EqualTo(HttpStatusCode.NoContent),
            "from elsewhere, that spelling signs in: it is the same account");
    }

    [Test]
    public void TriesStillBeingChecked_AreCounted_SoGuessesSentAtOnceGetNoMoreThanOneByOne()
    {
        var throttle = new SignInThrottle(new Microsoft.Extensions.Time.Testing.FakeTimeProvider());
        var begun = Enumerable.Range(0, 20).Count(_ => throttle.TryBegin("203.0.113.92", null, "CLERK@DEMO.CITY"));
        Assert.That(begun, Is.EqualTo(SignInThrottle.FailuresPerAccountAndAddress), "twenty at once, before any password is checked: five begin");

        // A success takes its try back: a city hall's clerks signing in through one address never use up its allowance.
        for (var i = 0; i < 2 * SignInThrottle.FailuresPerAddress; i++)
        {
            Assert.That(throttle.TryBegin("198.51.100.92", null, $"OFFICIAL{i % 9}@DEMO.CITY"), $"sign-in {i}");
            throttle.Succeeded("198.51.100.92", null, $"OFFICIAL{i % 9}@DEMO.CITY");
        }
    }

    [Test]
    public async Task AThrottledAddress_MaySignInAgain_OnceTheWindowHasPassed()
    {
        const string address = "203.0.113.88";
        for (var i = 0; i < SignInThrottle.FailuresPerAccountAndAddress; i++) await SignIn(address, "tran@demo.city", "a-wrong-password");
        Assert.That((await SignIn(address, "tran@demo.city", TestHost.Password)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        _host.Clock.Advance(SignInThrottle.Window);
        Assert.That((await SignIn(address, "tran@demo.city", TestHost.Password)).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
    }

    [Test]
    public async Task SigningOut_EndsTheSessionOnTheServer_ACookieSavedBeforeNoLongerWorks()
    {
        var jar = new CookieContainer();
        var client = await _host.SignInAsync("haines@demo.city", jar);
        var saved = jar.GetCookieHeader(_host.BaseAddress);
        Assert.That(saved, Does.Contain("meetings.auth="));

        Assert.That((await client.PostAsync("/api/auth/logout", null)).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));

        var replay = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = _host.BaseAddress };
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
        request.Headers.Add("Cookie", saved);
        Assert.That((await replay.SendAsync(request)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task SigningOut_AlsoEndsTheClerksOpenConsole_ItsConnectionActsForNobody()
    {
        var jar = new CookieContainer();
        var http = await _host.SignInAsync(Demo.Clerk, jar);
        var meeting = await _host.Anonymous().DemoMeetingAnyState();
        await using var console = await LiveClient.ConnectAsync(_host.BaseAddress, jar, "clerk", meeting.Meeting.Id);
        Assert.That(await console.Invoke<ModerationView>("Moderation", meeting.Meeting.Id), Is.Not.Null, "the clerk's console works");

        Assert.That((await http.PostAsync("/api/auth/logout", null)).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));

        // Refused, and the connection closed (it was in the clerks' group): the console comes back as nobody in particular.
        Assert.CatchAsync(() => console.Invoke<ModerationView>("Moderation", meeting.Meeting.Id), "the command does not run");
    }

    /// <summary>A sign-in as it arrives through the reverse proxy (loopback, trusted by default) from a client address.</summary>
    private async Task<HttpResponseMessage> SignIn(string clientAddress, string email, string password)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(new SignInRequest(email, password)) };
        request.Headers.Add("X-Forwarded-For", clientAddress);
        return await _host.Anonymous().SendAsync(request);
    }
}
