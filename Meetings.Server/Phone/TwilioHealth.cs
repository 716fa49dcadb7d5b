using Meetings.Server.Privacy;

namespace Meetings.Server.Phone;

/// <summary>
/// Whether Twilio is answering, told to the log once per change: the first failure (with its reason) and the
/// recovery (with how many attempts failed meanwhile), never a line per retry. An outage of a minute with a line
/// every second used to bury the log in stack traces.
/// </summary>
public sealed class TwilioHealth(TimeProvider clock, ILogger<TwilioHealth> log)
{
    private readonly Lock _gate = new();
    private DateTimeOffset? _failingSince;
    private int _failures;

    public bool IsFailing { get { lock (_gate) return _failingSince is not null; } }

    /// <summary>Failed attempts since the first failure of the current outage.</summary>
    public int Failures { get { lock (_gate) return _failures; } }

    /// <summary>
    /// Twilio's error answer, an open circuit breaker, or no connection at all: the request was not carried out, so
    /// making it again cannot do it twice. (The SDK wraps the last two in an ApiConnectionException, as it does a
    /// timeout, after which the request may have been carried out.)
    /// </summary>
    public static bool NotCarriedOut(Exception e)
    {
        // Looked for along the whole chain: a refused connection's innermost exception is the socket's, and an open
        // circuit carries the failure that opened it inside.
        for (Exception? link = e; link is not null; link = link.InnerException)
            if (link is Twilio.Exceptions.ApiException or Polly.CircuitBreaker.BrokenCircuitException
                or HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError })
                return true;
        return false;
    }

    public void Failed(string what, Exception error)
    {
        lock (_gate)
        {
            _failures++;
            if (_failingSince is not null) return;
            _failingSince = clock.GetUtcNow();
        }
        log.LogWarning("Twilio did not {What}: {Reason}. The server keeps trying; further failures are counted, not logged, until Twilio answers again.",
            what, Reason(error));
    }

    public void Answered()
    {
        int failures;
        DateTimeOffset since;
        lock (_gate)
        {
            if (_failingSince is not { } start) return;
            (failures, since, _failingSince, _failures) = (_failures, start, null, 0);
        }
        log.LogInformation("Twilio answers again, after {Failures} failed attempts over {Seconds:0} s.", failures, (clock.GetUtcNow() - since).TotalSeconds);
    }

    /// <summary>Twilio's own words for a refusal, or what went wrong on the way, without the number it may quote.</summary>
    public static string Reason(Exception error) => ContactsMasked.In(error switch
    {
        Twilio.Exceptions.ApiException api => $"{api.Status} {api.Message}".Trim(),
        _ => error.GetBaseException().Message,
    });
}
