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
/// participant updates (mute and unmute set an absolute state, so repeating one is harmless).
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

    public async Task<string> SendSmsAsync(string to, string body) =>
        (await MessageResource.CreateAsync(new CreateMessageOptions(new Twilio.Types.PhoneNumber(to))
        {
            From = new Twilio.Types.PhoneNumber(options.Value.PhoneNumber), Body = body,
        }, Client())).Sid;

    /// <summary>The HttpClient Twilio's SDK uses, with its resilience pipeline.</summary>
    public static void Register(IServiceCollection services)
    {
        services.AddTransient<ApiBaseHandler>();
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
                    ShouldHandle = args => ValueTask.FromResult(IsParticipantUpdate(args.Context) && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
                });
                pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = 0.8, MinimumThroughput = 10, SamplingDuration = TimeSpan.FromSeconds(30), BreakDuration = TimeSpan.FromSeconds(5),
                });
                pipeline.AddTimeout(TimeSpan.FromSeconds(5));
            });
        services.AddHttpClient(HttpClientName).AddHttpMessageHandler<ApiBaseHandler>();
    }

    private static bool IsParticipantUpdate(ResilienceContext context) =>
        context.GetRequestMessage()?.RequestUri?.AbsolutePath.Contains("/Participants/", StringComparison.Ordinal) == true;

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
