using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Meetings.Bench;

/// <summary>
/// Residents calling in, as Twilio carries them to the server: the call arrives (<c>/phone/voice</c>), the caller keys
/// the meeting's access code (<c>/phone/voice/code</c>) and is put in the conference, then presses * and 9 to raise a
/// hand (<c>/phone/voice/star</c>, twice: the * and then the digit). Each webhook is signed as Twilio signs it, with the
/// auth token and public address bench.sh gives the server, and carries its own idempotency token. How long each
/// took is kept for <c>webhook_p50_ms</c> and <c>webhook_p99_ms</c>.
/// </summary>
internal sealed class Callers(Uri server, string accessCode) : IDisposable
{
    private const string PublicBaseUrl = "https://meetings.example.gov";
    private const string AuthToken = "bench-token";

    /// <summary>The webhooks a call makes, in order.</summary>
    public static readonly string[] Paths = ["/phone/voice", "/phone/voice/code", "/phone/voice/star"];
    private readonly HttpClient _http = new() { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
    private readonly List<(string Path, double Ms)> _times = [];

    /// <summary>Milliseconds each webhook took, in no particular order.</summary>
    public List<double> Times
    {
        get { lock (_times) return [.. _times.Select(t => t.Ms)]; }
    }

    /// <summary>Milliseconds each webhook to <paramref name="path"/> took (the * and the *9 both count as the star's).</summary>
    public List<double> TimesOf(string path)
    {
        lock (_times) return [.. _times.Where(t => t.Path == path).Select(t => t.Ms)];
    }

    /// <summary>One caller, from dialling in to a raised hand; throws unless the server says the hand is raised.</summary>
    public async Task CallAsync(int n, CancellationToken ct)
    {
        var call = new Dictionary<string, string>
        {
            ["AccountSid"] = "AC00000000000000000000000000000001", ["CallSid"] = $"CA{n:x32}", ["From"] = $"+1503{n:D7}", ["To"] = "+15550100100",
        };
        await WebhookAsync("/phone/voice", call, ct);
        await WebhookAsync("/phone/voice/code?lang=en&attempt=1", new(call) { ["Digits"] = accessCode }, ct);
        await WebhookAsync("/phone/voice/star?lang=en", call, ct);
        var raised = await WebhookAsync("/phone/voice/star?lang=en", new(call) { ["Digits"] = "9" }, ct);
        if (!raised.Contains("Your hand is raised", StringComparison.Ordinal)) throw new InvalidOperationException($"*9 was not taken: {raised}");
    }

    private async Task<string> WebhookAsync(string pathAndQuery, Dictionary<string, string> form, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, pathAndQuery) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", Signature(PublicBaseUrl + pathAndQuery, form));
        request.Headers.Add("I-Twilio-Idempotency-Token", Guid.NewGuid().ToString());
        var started = Stopwatch.GetTimestamp();
        using var response = await _http.SendAsync(request, ct);
        var twiml = await response.Content.ReadAsStringAsync(ct);
        var took = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"{pathAndQuery} answered {(int)response.StatusCode}");
        lock (_times) _times.Add((pathAndQuery.Split('?')[0], took));
        return twiml;
    }

    /// <summary>Twilio's signature: HMAC-SHA1 with the auth token of the URL followed by each parameter's name and value, sorted by name.</summary>
    private static string Signature(string url, Dictionary<string, string> form)
    {
        var data = url + string.Concat(form.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + p.Value));
#pragma warning disable CA5350 // Twilio signs its webhooks with HMAC-SHA1; the server checks exactly that.
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(AuthToken), Encoding.UTF8.GetBytes(data)));
#pragma warning restore CA5350
    }

    public void Dispose() => _http.Dispose();
}
