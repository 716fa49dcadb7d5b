using System.Net;
using Meetings.Server.Phone;
using Meetings.Tests.Support;

namespace Meetings.Tests.Phone;

/// <summary>
/// <c>Twilio:ApiBaseUrl</c> sends every call to Twilio, with the account's credentials, wherever it says: kept for
/// reaching a stand-in, but only over https, unless the stand-in is on this machine or the server runs in Development.
/// </summary>
public class TwilioSettingsTests
{
    private static Dictionary<string, string?> Settings(string apiBaseUrl) => new()
    {
        ["Twilio:AccountSid"] = FakeTwilio.AccountSid, ["Twilio:AuthToken"] = FakeTwilio.AuthToken, ["Twilio:PhoneNumber"] = FakeTwilio.PhoneNumber,
        ["PublicBaseUrl"] = FakeTwilio.PublicBaseUrl, ["Twilio:ApiBaseUrl"] = apiBaseUrl,
    };

    private static string Messages(Exception e) => e is AggregateException a
        ? string.Join(" | ", a.InnerExceptions.Select(Messages))
        : e.Message + (e.InnerException is { } inner ? " | " + Messages(inner) : "");

    [TestCase("http://twilio.example.net")]
    [TestCase("http://10.0.0.8:8080")]
    [TestCase("ftp://127.0.0.1/")]
    [TestCase("api.twilio.com")]
    public void AnApiBaseUrlThatIsNotHttps_IsRefusedAtStartUp(string url)
    {
        using var host = new TestHost(settings: Settings(url));

        var refused = Assert.Catch(() => _ = host.BaseAddress);

        Assert.That(Messages(refused!), Does.Contain("Twilio:ApiBaseUrl must be an https address"));
    }

    [TestCase("https://api.twilio.com")]
    [TestCase("http://127.0.0.1:5099")]
    public async Task AnHttpsApiBaseUrl_OrAStandInOnThisMachine_IsTaken(string url)
    {
        using var host = new TestHost(settings: Settings(url));

        var line = await host.Anonymous().GetAsync("/api/phone");

        Assert.That(line.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public void InDevelopment_PlainHttpIsTaken_AndUnsetMeansTwilioItself()
    {
        Assert.That(PhoneOptions.ApiBaseUrlIsSafe("http://twilio-standin.internal:8080", development: true), Is.True);
        Assert.That(PhoneOptions.ApiBaseUrlIsSafe("http://twilio-standin.internal:8080", development: false), Is.False);
        Assert.That(PhoneOptions.ApiBaseUrlIsSafe(null, development: false), Is.True);
        Assert.That(PhoneOptions.ApiBaseUrlIsSafe("ftp://twilio-standin.internal", development: true), Is.False);
    }
}
