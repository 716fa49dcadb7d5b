using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Twilio.Clients;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Rest.Api.V2010.Account.Conference;

namespace Meetings.Server.Phone;

/// <summary>
/// Calls out to Twilio's REST API through the Twilio SDK, over an HttpClient from the factory with a
/// resilience pipeline: a timeout per attempt and overall, a circuit breaker, and retries only for
/// mutes and unmutes (they set an absolute state, so repeating one is harmless; an announcement, a call or a
/// message repeated would be heard or received twice).
/// </summary>
public sealed class TwilioGateway(IHttpClientFactory http, IOptions<PhoneOptions> options)
{
    public const string HttpClientName = "twilio";

    /// <summary>
    /// The clock of the calls' timeouts, retries and circuit breaker: real time, even when a test fakes the meeting
    /// clock (a meeting's minutes and the network's seconds are separate); a test of the timeouts gives it one of its own.
    /// </summary>
    public const string NetworkClock = "twilio-network";

    private TwilioRestClient Client()
    {
        var o = options.Value;
        return new TwilioRestClient(o.AccountSid, o.AuthToken, httpClient: new Twilio.Http.SystemNetHttpClient(http.CreateClient(HttpClientName)));
    }

    public Task SetMutedAsync(string conferenceSid, string callSid, bool muted) =>
        ParticipantResource.UpdateAsync(new UpdateParticipantOptions(conferenceSid, callSid) { Muted = muted }, Client());

    /// <summary>Plays what <paramref name="announceUrl"/> answers (TwiML) to one participant of a conference, alone.</summary>
    public Task AnnounceAsync(string conferenceSid, string callSid, Uri announceUrl) =>
        ParticipantResource.UpdateAsync(new UpdateParticipantOptions(conferenceSid, callSid)
        {
            AnnounceUrl = announceUrl, AnnounceMethod = Twilio.Http.HttpMethod.Post,
        }, Client());

    /// <summary>
    /// Calls a number from the meeting line; once answered Twilio fetches the TwiML at <paramref name="url"/>, telling
    /// it whether a person or a machine answered. The call's end is reported to <paramref name="statusCallback"/>.
    /// </summary>
    public async Task<string> PlaceCallAsync(string to, Uri url, Uri statusCallback) =>
        (await CallResource.CreateAsync(new CreateCallOptions(new Twilio.Types.PhoneNumber(to), new Twilio.Types.PhoneNumber(options.Value.PhoneNumber))
        {
            Url = url, Method = Twilio.Http.HttpMethod.Post, StatusCallback = statusCallback, StatusCallbackMethod = Twilio.Http.HttpMethod.Post,
            MachineDetection = "Enable", Timeout = 30,
        }, Client())).Sid;

    /// <summary>Replaces what a call in progress is doing with <paramref name="twiml"/> (a goodbye, then a hang-up).</summary>
    public Task RedirectCallAsync(string callSid, string twiml) =>
        CallResource.UpdateAsync(new UpdateCallOptions(callSid) { Twiml = new Twilio.Types.Twiml(twiml) }, Client());

    /// <summary>Hangs up a call (a caller's, or a browser's leg) by setting its status to completed.</summary>
    public Task HangUpAsync(string callSid) =>
        CallResource.UpdateAsync(new UpdateCallOptions(callSid) { Status = CallResource.UpdateStatusEnum.Completed }, Client());

    public async Task<string> SendSmsAsync(string to, string body) =>
        (await MessageResource.CreateAsync(new CreateMessageOptions(new Twilio.Types.PhoneNumber(to))
        {
            From = new Twilio.Types.PhoneNumber(options.Value.PhoneNumber), Body = body,
        }, Client())).Sid;

    /// <summary>The HttpClient Twilio's SDK uses, with its resilience pipeline.</summary>
    public static void Register(IServiceCollection services)
    {
        services.AddTransient<ApiBaseHandler>();
        // Each attempt, retry and opened circuit would be a warning line of its own: an outage of a minute wrote
        // hundreds. TwilioHealth tells the log once per outage instead, so Polly's own events go to Debug.
        services.Configure<Polly.Telemetry.TelemetryOptions>(o =>
        {
            var standard = o.SeverityProvider;
            o.SeverityProvider = args => args.Source.PipelineName?.StartsWith(HttpClientName, StringComparison.Ordinal) == true
                ? Polly.Telemetry.ResilienceEventSeverity.Debug
                : standard?.Invoke(args) ?? args.Event.Severity;
        });
        services.TryAddKeyedSingleton(NetworkClock, TimeProvider.System);
        services.AddHttpClient(HttpClientName)
            .AddResilienceHandler("twilio", (pipeline, context) =>
            {
                pipeline.TimeProvider = context.ServiceProvider.GetRequiredKeyedService<TimeProvider>(NetworkClock);
                pipeline.AddTimeout(TimeSpan.FromSeconds(20));
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = 2,
                    Delay = TimeSpan.FromMilliseconds(200),
                    BackoffType = DelayBackoffType.Exponential,
                    ShouldHandle = async args => HttpClientResiliencePredicates.IsTransient(args.Outcome) && await IsMuteOrUnmuteAsync(args.Context),
                });
                pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = 0.8, MinimumThroughput = 10, SamplingDuration = TimeSpan.FromSeconds(30), BreakDuration = TimeSpan.FromSeconds(5),
                });
                pipeline.AddTimeout(TimeSpan.FromSeconds(5));
            });
        services.AddHttpClient(HttpClientName).AddHttpMessageHandler<ApiBaseHandler>();
    }

    /// <summary>A participant update that only mutes or unmutes (not one that plays an announcement).</summary>
    private static async Task<bool> IsMuteOrUnmuteAsync(ResilienceContext context) =>
        context.GetRequestMessage() is { RequestUri.AbsolutePath: var path } request
        && path.Contains("/Participants/", StringComparison.Ordinal)
        && (request.Content is null || !(await request.Content.ReadAsStringAsync(context.CancellationToken)).Contains("AnnounceUrl=", StringComparison.Ordinal));

    /// <summary>Sends the SDK's requests to <c>Twilio:ApiBaseUrl</c> when set (a fake Twilio in tests); otherwise leaves them alone.</summary>
    internal sealed class ApiBaseHandler(IOptions<PhoneOptions> options) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (options.Value.ApiBaseUrl is { Length: > 0 } baseUrl && request.RequestUri is { } uri)
                request.RequestUri = new Uri(new Uri(baseUrl), uri.PathAndQuery);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
