using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Meetings.Tests.Support;

namespace Meetings.Tests.Phone;

/// <summary>Twilio's Voice SDK ships with the client, from the repository: served by the server, unchanged, with its licence.</summary>
public class VoiceSdkTests
{
    private static readonly string Folder = Path.Combine(Architecture.DomainPurityTests.SolutionFolder(), "Meetings.Client", "wwwroot", "lib", "twilio-voice-sdk");

    [Test]
    public void TheVendoredSdk_IsTheReleaseItsReadmeNames_WithItsLicence()
    {
        var readme = File.ReadAllText(Path.Combine(Folder, "README.md"));
        var named = Regex.Match(readme, "sha256 `([0-9a-f]{64})`").Groups[1].Value;
        var actual = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(Folder, "twilio.min.js"))));
        Assert.That(actual, Is.EqualTo(named), "twilio.min.js is the file the README names");
        Assert.That(File.ReadAllText(Path.Combine(Folder, "LICENSE.md")), Does.Contain("Apache License, Version 2.0"));
    }

    [Test]
    public async Task TheServer_ServesTheSdk_WithTheClient_NotFromACdn()
    {
        using var host = new TestHost();
        var response = await host.Anonymous().GetAsync("/lib/twilio-voice-sdk/twilio.min.js");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/javascript"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(body, Does.Contain("Device"));
        var voice = await host.Anonymous().GetStringAsync("/js/voice.js");
        Assert.That(voice, Does.Contain("'lib/twilio-voice-sdk/twilio.min.js'").And.Not.Contain("//sdk.twilio.com").And.Not.Contain("cdn"));
    }
}
