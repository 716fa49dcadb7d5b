using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Meetings.Tests.Support;

/// <summary>
/// Twilio's REST API as far as Meetings uses it, on a loopback port: participant updates (mute, unmute,
/// announcements), calls (placing a call-back, redirecting a call, hanging one up) and messages. Like Twilio, it refuses a
/// request without the account's credentials (401) and a text not sent from the account's number (400). It
/// records every request and can answer with errors or delays. The server reaches it through the real Twilio SDK.
/// </summary>
public sealed class FakeTwilio : IAsyncDisposable
{
    public const string AccountSid = "AC00000000000000000000000000000001";
    public const string AuthToken = "test-auth-token-0123456789abcdef";
    public const string PhoneNumber = "+15550100100";
    public const string PublicBaseUrl = "https://meetings.example.gov";
    public const string ApiKeySid = "SK00000000000000000000000000000002";
    public const string ApiKeySecret = "test-api-key-secret-fedcba9876543210";
    public const string TwimlAppSid = "AP00000000000000000000000000000003";

    private readonly WebApplication _app;

    private FakeTwilio(WebApplication app) => _app = app;

    public ConcurrentQueue<Recorded> Requests { get; } = new();

    /// <summary>While set, every request is answered with this status (a Twilio outage).</summary>
    public HttpStatusCode? FailWith { get; set; }

    /// <summary>With <see cref="FailWith"/>, a Retry-After header asking the caller to wait this long.</summary>
    public TimeSpan? RetryAfter { get; set; }

    /// <summary>How long each answer takes, on <see cref="Clock"/> (a test's fake network clock, or real time).</summary>
    public TimeSpan Delay { get; set; }

    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>
    /// A number the account may not call: a call to it is refused as Twilio refuses it (21215), in words that quote
    /// the number.
    /// </summary>
    public string? NotAuthorizedToCall { get; set; }

    /// <summary>Requests refused for their credentials or their sender.</summary>
    public ConcurrentQueue<Recorded> Refused { get; } = new();

    public string BaseUrl => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    /// <summary>Settings that point a test host at this fake.</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Twilio:AccountSid"] = AccountSid, ["Twilio:AuthToken"] = AuthToken, ["Twilio:PhoneNumber"] = PhoneNumber,
        ["Twilio:ApiBaseUrl"] = BaseUrl, ["PublicBaseUrl"] = PublicBaseUrl,
        ["Twilio:ApiKeySid"] = ApiKeySid, ["Twilio:ApiKeySecret"] = ApiKeySecret, ["Twilio:TwimlAppSid"] = TwimlAppSid,
    };

    /// <summary>Mutes and unmutes of one participant (announcements are counted apart).</summary>
    public IReadOnlyList<Recorded> ParticipantUpdates(string callSid) =>
        Requests.Where(r => r.Path.EndsWith($"/Participants/{callSid}.json", StringComparison.Ordinal) && !r.Form.ContainsKey("AnnounceUrl")).ToList();

    /// <summary>What one participant was made to hear alone: the announce URLs, in order.</summary>
    public IReadOnlyList<string> Announcements(string callSid) =>
        Requests.Where(r => r.Path.EndsWith($"/Participants/{callSid}.json", StringComparison.Ordinal) && r.Form.ContainsKey("AnnounceUrl"))
            .Select(r => r.Form["AnnounceUrl"]).ToList();

    /// <summary>Calls the server placed (call-backs).</summary>
    public IReadOnlyList<Recorded> CallsPlaced => Requests.Where(r => r.Path.EndsWith("/Calls.json", StringComparison.Ordinal)).ToList();

    /// <summary>Changes to one call in progress (new TwiML, such as a goodbye and a hang-up).</summary>
    public IReadOnlyList<Recorded> CallUpdates(string callSid) =>
        Requests.Where(r => r.Path.EndsWith($"/Calls/{callSid}.json", StringComparison.Ordinal)).ToList();

    /// <summary>The requests that hung up a call.</summary>
    public IReadOnlyList<Recorded> HangUps(string callSid) =>
        Requests.Where(r => r.Path.EndsWith($"/Calls/{callSid}.json", StringComparison.Ordinal) && r.Form.GetValueOrDefault("Status") == "completed").ToList();

    public static async Task<FakeTwilio> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeTwilio(app);
        app.MapPost("/2010-04-01/Accounts/{account}/Conferences/{conference}/Participants/{call}.json",
            (HttpContext http, string account, string conference, string call) => fake.Answer(http, $$"""
                {"account_sid":"{{account}}","call_sid":"{{call.Replace(".json", "", StringComparison.Ordinal)}}","conference_sid":"{{conference}}","muted":{{(http.Request.Form["Muted"] == "true" ? "true" : "false")}},"hold":false,"status":"connected"}
                """));
        app.MapPost("/2010-04-01/Accounts/{account}/Calls.json", (HttpContext http, string account) => fake.Answer(http, $$"""
                {"account_sid":"{{account}}","sid":"CA{{Guid.NewGuid():N}}","to":"{{http.Request.Form["To"]}}","from":"{{http.Request.Form["From"]}}","status":"queued","direction":"outbound-api"}
                """));
        app.MapPost("/2010-04-01/Accounts/{account}/Calls/{call}.json", (HttpContext http, string account, string call) => fake.Answer(http, $$"""
                {"account_sid":"{{account}}","sid":"{{call.Replace(".json", "", StringComparison.Ordinal)}}","status":"{{(http.Request.Form["Status"].Count > 0 ? http.Request.Form["Status"].ToString() : "in-progress")}}"}
                """));
        app.MapPost("/2010-04-01/Accounts/{account}/Messages.json", (HttpContext http, string account) => fake.Answer(http, $$"""
                {"account_sid":"{{account}}","sid":"SM{{Guid.NewGuid():N}}","to":"{{http.Request.Form["To"]}}","body":"","status":"queued","direction":"outbound-api"}
                """));
        await app.StartAsync();
        return fake;
    }

    private async Task<IResult> Answer(HttpContext http, string json)
    {
        var form = await http.Request.ReadFormAsync();
        var recorded = new Recorded(http.Request.Method, http.Request.Path, form.ToDictionary(f => f.Key, f => f.Value.ToString()),
            http.Request.Headers.Authorization.ToString(), FailWith is null ? json : null);
        if ((Problem(http, recorded) ?? NotAuthorized(recorded)) is { } refusal)
        {
            Refused.Enqueue(recorded);
            return refusal;
        }
        // The wait starts before the request is recorded, so a test that sees the request can move the clock past it.
        var answer = Delay > TimeSpan.Zero ? Task.Delay(Delay, Clock, http.RequestAborted) : Task.CompletedTask;
        Requests.Enqueue(recorded);
        try { await answer; }
        catch (OperationCanceledException) { return Results.Empty; } // the caller gave up
        if (FailWith is not { } status) return Results.Content(json, "application/json");
        if (RetryAfter is { } wait) http.Response.Headers.RetryAfter = ((int)wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Results.Json(new { code = 20500, message = "Service unavailable", status = (int)status }, statusCode: (int)status);
    }

    /// <summary>What Twilio would refuse: another account, wrong credentials, or a text not from the account's number.</summary>
    private static IResult? Problem(HttpContext http, Recorded request)
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}"));
        if (!http.Request.Path.StartsWithSegments($"/2010-04-01/Accounts/{AccountSid}", StringComparison.Ordinal) || request.Authorization != expected)
            return Results.Json(new { code = 20003, message = "Authenticate", status = 401 }, statusCode: 401);
        if (request.Path.EndsWith("/Messages.json", StringComparison.Ordinal) &&
            (request.Form.GetValueOrDefault("From") != PhoneNumber || string.IsNullOrEmpty(request.Form.GetValueOrDefault("To")) || string.IsNullOrEmpty(request.Form.GetValueOrDefault("Body"))))
            return Results.Json(new { code = 21212, message = "The 'From' number is not a valid phone number of this account.", status = 400 }, statusCode: 400);
        return null;
    }

    private IResult? NotAuthorized(Recorded request) =>
        request.Path.EndsWith("/Calls.json", StringComparison.Ordinal) && NotAuthorizedToCall is { } number && request.Form.GetValueOrDefault("To") == number
            ? Results.Json(new
            {
                code = 21215, status = 400,
                message = $"Account not authorized to call {number}. Perhaps you need to enable some international permissions: https://www.twilio.com/console/voice/calls/geo-permissions/low-risk",
            }, statusCode: 400)
            : null;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>A request as received, and the JSON answered (null when it was failed).</summary>
    public sealed record Recorded(string Method, string Path, IReadOnlyDictionary<string, string> Form, string Authorization, string? Response)
    {
        /// <summary>The sid Twilio gave what was created (a placed call's CallSid).</summary>
        public string? Sid => Response is null ? null : System.Text.Json.JsonDocument.Parse(Response).RootElement.GetProperty("sid").GetString();
    }

    /// <summary>
    /// Twilio's documented request signature, computed here independently of the server: HMAC-SHA1, keyed by
    /// the auth token, of the full URL followed by each form parameter's name and value in name order, in base64.
    /// </summary>
    public static string Sign(string authToken, string url, IReadOnlyDictionary<string, string> form)
    {
        var data = new StringBuilder(url);
        foreach (var (key, value) in form.OrderBy(f => f.Key, StringComparer.Ordinal)) data.Append(key).Append(value);
#pragma warning disable CA5350 // Twilio's signature is defined with SHA-1; the test must compute exactly that.
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
#pragma warning restore CA5350
    }
}

/// <summary>A phone caller as Twilio presents them to the server: signed webhooks for each step of the call.</summary>
public sealed class FakeCaller(TestHost host, string callSid, string from)
{
    private int _sequence;

    public string CallSid { get; } = callSid;
    public string From { get; } = from;
    public string ConferenceSid { get; private set; } = "CF" + Guid.NewGuid().ToString("N");

    /// <summary>Twilio starts the meeting's conference again (everyone had left it): a new sid, its events numbered from 1.</summary>
    public void NewConference() => (ConferenceSid, _sequence) = ("CF" + Guid.NewGuid().ToString("N"), 0);

    public Task<HttpResponseMessage> PostAsync(string pathAndQuery, IReadOnlyDictionary<string, string>? extra = null, string? signWith = null)
    {
        var form = new Dictionary<string, string>
        {
            ["AccountSid"] = FakeTwilio.AccountSid, ["CallSid"] = CallSid, ["From"] = From, ["To"] = FakeTwilio.PhoneNumber, ["CallStatus"] = "in-progress",
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string>()) form[k] = v;
        var request = new HttpRequestMessage(HttpMethod.Post, pathAndQuery) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", FakeTwilio.Sign(signWith ?? FakeTwilio.AuthToken, FakeTwilio.PublicBaseUrl + pathAndQuery, form));
        return host.Anonymous().SendAsync(request);
    }

    public async Task<string> TwimlAsync(string pathAndQuery, IReadOnlyDictionary<string, string>? extra = null)
    {
        var response = await PostAsync(pathAndQuery, extra);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/xml"));
        return await response.Content.ReadAsStringAsync();
    }

    public async Task<Twiml> Parsed(string pathAndQuery, IReadOnlyDictionary<string, string>? extra = null) =>
        Twiml.Parse(await TwimlAsync(pathAndQuery, extra));

    public Task<string> Dial() => TwimlAsync("/phone/voice");

    public Task<string> EnterCode(string digits, string lang = "en", int attempt = 1) =>
        TwimlAsync($"/phone/voice/code?lang={lang}&attempt={attempt}", new Dictionary<string, string> { ["Digits"] = digits });

    public Task<string> PressStar(string lang = "en") => TwimlAsync($"/phone/voice/star?lang={lang}", new Dictionary<string, string> { ["DialCallStatus"] = "completed" });

    public Task<string> PressDigit(string digit, string lang = "en") => TwimlAsync($"/phone/voice/star?lang={lang}", new Dictionary<string, string> { ["Digits"] = digit });

    /// <summary>A conference status callback with the next sequence number (or a given one, to replay or reorder).</summary>
    public async Task<HttpResponseMessage> ConferenceEvent(Guid meetingId, string kind, bool muted, string? participantCallStatus = null, int? sequence = null, string? conferenceSid = null)
    {
        var number = sequence ?? ++_sequence;
        var form = new Dictionary<string, string>
        {
            ["ConferenceSid"] = conferenceSid ?? ConferenceSid, ["FriendlyName"] = $"meeting-{meetingId:N}", ["StatusCallbackEvent"] = kind,
            ["SequenceNumber"] = number.ToString(System.Globalization.CultureInfo.InvariantCulture), ["Muted"] = muted ? "true" : "false",
        };
        if (participantCallStatus is not null) form["ParticipantCallStatus"] = participantCallStatus;
        var response = await PostAsync($"/phone/conference-status?meeting={meetingId}", form);
        Assert.That((int)response.StatusCode, Is.LessThan(300));
        return response;
    }
}
