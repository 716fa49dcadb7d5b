namespace Meetings.Server.Phone;

/// <summary>
/// Twilio settings: <c>Twilio:AccountSid</c>, <c>Twilio:AuthToken</c>, <c>Twilio:PhoneNumber</c>, and
/// <c>PublicBaseUrl</c>, the address Twilio uses to reach this server (behind a reverse proxy, the proxy's).
/// Without them the server runs with phone participation off. Browser audio needs an API key and a TwiML App
/// as well (<c>Twilio:ApiKeySid</c>, <c>Twilio:ApiKeySecret</c>, <c>Twilio:TwimlAppSid</c>); what callers hear
/// is spoken by <c>Phone:Voice:en</c> and <c>Phone:Voice:es</c>.
/// </summary>
public sealed class PhoneOptions
{
    public string? AccountSid { get; set; }
    public string? AuthToken { get; set; }
    public string? PhoneNumber { get; set; }
    public string? PublicBaseUrl { get; set; }

    /// <summary>Where Twilio's REST API is (https://api.twilio.com when unset); tests point it at a stand-in on loopback.</summary>
    public string? ApiBaseUrl { get; set; }

    /// <summary>The API key that signs browsers' access tokens (an SK… sid and its secret).</summary>
    public string? ApiKeySid { get; set; }
    public string? ApiKeySecret { get; set; }

    /// <summary>The TwiML App whose voice URL is <c>{PublicBaseUrl}/phone/voice/browser</c> (an AP… sid).</summary>
    public string? TwimlAppSid { get; set; }

    /// <summary>At most this many browsers in one meeting's conference (<c>Phone:BrowserLimit</c>).</summary>
    public int BrowserLimit { get; set; } = 40;

    /// <summary>The text-to-speech voice for English (<c>Phone:Voice:en</c>), a Twilio voice name.</summary>
    public string EnglishVoice { get; set; } = "Polly.Joanna";

    /// <summary>The text-to-speech voice for Spanish (<c>Phone:Voice:es</c>): a Spanish voice, so Spanish is not read with an English accent.</summary>
    public string SpanishVoice { get; set; } = "Polly.Mia";

    public bool IsConfigured =>
        !string.IsNullOrWhiteSpace(AccountSid) && !string.IsNullOrWhiteSpace(AuthToken) && !string.IsNullOrWhiteSpace(PublicBaseUrl);

    /// <summary>Residents on deck can be heard from their browser (Twilio's Voice SDK).</summary>
    public bool BrowserAudioEnabled =>
        IsConfigured && !string.IsNullOrWhiteSpace(ApiKeySid) && !string.IsNullOrWhiteSpace(ApiKeySecret) && !string.IsNullOrWhiteSpace(TwimlAppSid);

    /// <summary>The server can call a resident back when their turn comes (it needs a number to call from).</summary>
    public bool CallBackEnabled => IsConfigured && !string.IsNullOrWhiteSpace(PhoneNumber);

    public static PhoneOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection("Twilio").Get<PhoneOptions>() ?? new PhoneOptions();
        options.PublicBaseUrl = configuration["PublicBaseUrl"]?.TrimEnd('/');
        options.BrowserLimit = configuration.GetValue("Phone:BrowserLimit", options.BrowserLimit);
        options.EnglishVoice = configuration["Phone:Voice:en"] is { Length: > 0 } en ? en : options.EnglishVoice;
        options.SpanishVoice = configuration["Phone:Voice:es"] is { Length: > 0 } es ? es : options.SpanishVoice;
        return options;
    }

    public void CopyTo(PhoneOptions o) =>
        (o.AccountSid, o.AuthToken, o.PhoneNumber, o.PublicBaseUrl, o.ApiBaseUrl, o.ApiKeySid, o.ApiKeySecret, o.TwimlAppSid, o.BrowserLimit, o.EnglishVoice, o.SpanishVoice) =
        (AccountSid, AuthToken, PhoneNumber, PublicBaseUrl, ApiBaseUrl, ApiKeySid, ApiKeySecret, TwimlAppSid, BrowserLimit, EnglishVoice, SpanishVoice);
}
