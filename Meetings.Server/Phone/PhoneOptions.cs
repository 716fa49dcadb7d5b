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

    public const string ApiBaseUrlRule =
        "Twilio:ApiBaseUrl must be an https address: every request to it carries the account's credentials. " +
        "Plain http is taken only for a stand-in on this machine (localhost, 127.0.0.1, ::1) or in Development.";

    /// <summary>
    /// <c>Twilio:ApiBaseUrl</c> redirects every call to Twilio, with the account's credentials: outside Development
    /// it must be https, or a stand-in on loopback whose traffic never leaves the machine.
    /// </summary>
    public static bool ApiBaseUrlIsSafe(string? apiBaseUrl, bool development) =>
        string.IsNullOrWhiteSpace(apiBaseUrl) ||
        Uri.TryCreate(apiBaseUrl, UriKind.Absolute, out var uri) &&
        (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp && (development || uri.IsLoopback));

    /// <summary>The API key that signs browsers' access tokens (an SK… sid and its secret).</summary>
    public string? ApiKeySid { get; set; }
    public string? ApiKeySecret { get; set; }

    /// <summary>The TwiML App whose voice URL is <c>{PublicBaseUrl}/phone/voice/browser</c> (an AP… sid).</summary>
    public string? TwimlAppSid { get; set; }

    /// <summary>At most this many browsers in one meeting's conference (<c>Phone:BrowserLimit</c>).</summary>
    public int BrowserLimit { get; set; } = 40;

    /// <summary>
    /// The numbers the meeting line texts and calls back for residents who leave one (<c>Phone:CallablePrefixes</c>,
    /// comma-separated, "+1" by default): anyone can type a number, so not one anywhere in the world at the city's cost.
    /// </summary>
    public string[] CallablePrefixes { get; set; } = ["+1"];

    /// <summary>
    /// Numbers within <see cref="CallablePrefixes"/> the line still does not text or call (<c>Phone:UncallablePrefixes</c>,
    /// comma-separated). By default the countries that share +1 with the United States and Canada but are billed as
    /// international (the Caribbean and Bermuda): a favourite of scripts that sign up numbers by the thousand to be
    /// paid per text. The US territories (Puerto Rico, the Virgin Islands, Guam) stay callable.
    /// </summary>
    public string[] UncallablePrefixes { get; set; } =
    [
        "+1242", "+1246", "+1264", "+1268", "+1284", "+1345", "+1441", "+1473", "+1649", "+1658", "+1664", "+1721",
        "+1758", "+1767", "+1784", "+1809", "+1829", "+1849", "+1868", "+1869", "+1876",
    ];

    /// <summary>A normalized number (+…) the line may text or call, or the clear error that says which it may.</summary>
    public string? Callable(string? phone)
    {
        if (phone is null) return null;
        if (!CallablePrefixes.Any(p => phone.StartsWith(p, StringComparison.Ordinal)))
            throw new Domain.InvalidInputException("phone", $"Texts and calls go only to numbers starting with {string.Join(" or ", CallablePrefixes)}.");
        return UncallablePrefixes.FirstOrDefault(p => phone.StartsWith(p, StringComparison.Ordinal)) is { } refused
            ? throw new Domain.InvalidInputException("phone", $"Texts and calls do not go to numbers starting with {refused}.")
            : phone;
    }

    /// <summary>The text-to-speech voice for English (<c>Phone:Voice:en</c>), a Twilio voice name.</summary>
    public string EnglishVoice { get; set; } = "Polly.Joanna";

    /// <summary>The text-to-speech voice for Spanish (<c>Phone:Voice:es</c>): a Spanish voice, so Spanish is not read with an English accent.</summary>
    public string SpanishVoice { get; set; } = "Polly.Mia";

    /// <summary>The voices of other languages (<c>Phone:Voice:{code}</c>); a language with none is spoken by Twilio's default voice for it.</summary>
    public Dictionary<string, string> OtherVoices { get; set; } = [];

    public string? VoiceFor(string language) => language switch
    {
        "en" => EnglishVoice,
        "es" => SpanishVoice,
        _ => OtherVoices.GetValueOrDefault(language),
    };

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
        if (configuration["Phone:CallablePrefixes"] is { Length: > 0 } prefixes)
            options.CallablePrefixes = prefixes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (configuration["Phone:UncallablePrefixes"] is { } uncallable)
            options.UncallablePrefixes = uncallable.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        options.EnglishVoice = configuration["Phone:Voice:en"] is { Length: > 0 } en ? en : options.EnglishVoice;
        options.SpanishVoice = configuration["Phone:Voice:es"] is { Length: > 0 } es ? es : options.SpanishVoice;
        foreach (var voice in configuration.GetSection("Phone:Voice").GetChildren().Where(v => v.Key is not ("en" or "es") && v.Value is { Length: > 0 }))
            options.OtherVoices[voice.Key] = voice.Value!;
        return options;
    }

    public void CopyTo(PhoneOptions o) =>
        (o.AccountSid, o.AuthToken, o.PhoneNumber, o.PublicBaseUrl, o.ApiBaseUrl, o.ApiKeySid, o.ApiKeySecret, o.TwimlAppSid, o.BrowserLimit, o.CallablePrefixes, o.UncallablePrefixes, o.EnglishVoice, o.SpanishVoice, o.OtherVoices) =
        (AccountSid, AuthToken, PhoneNumber, PublicBaseUrl, ApiBaseUrl, ApiKeySid, ApiKeySecret, TwimlAppSid, BrowserLimit, CallablePrefixes, UncallablePrefixes, EnglishVoice, SpanishVoice, OtherVoices);
}
