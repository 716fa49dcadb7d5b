namespace Meetings.Server.Phone;

/// <summary>
/// Twilio settings: <c>Twilio:AccountSid</c>, <c>Twilio:AuthToken</c>, <c>Twilio:PhoneNumber</c>, and
/// <c>PublicBaseUrl</c>, the address Twilio uses to reach this server (behind a reverse proxy, the proxy's).
/// Without them the server runs with phone participation off.
/// </summary>
public sealed class PhoneOptions
{
    public string? AccountSid { get; set; }
    public string? AuthToken { get; set; }
    public string? PhoneNumber { get; set; }
    public string? PublicBaseUrl { get; set; }

    /// <summary>Where Twilio's REST API is; only tests change it, to a fake on loopback.</summary>
    public string? ApiBaseUrl { get; set; }

    public bool IsConfigured =>
        !string.IsNullOrWhiteSpace(AccountSid) && !string.IsNullOrWhiteSpace(AuthToken) && !string.IsNullOrWhiteSpace(PublicBaseUrl);

    public static PhoneOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection("Twilio").Get<PhoneOptions>() ?? new PhoneOptions();
        options.PublicBaseUrl = configuration["PublicBaseUrl"]?.TrimEnd('/');
        return options;
    }
}
