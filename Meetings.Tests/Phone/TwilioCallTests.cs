using System.Net;
using Meetings.Server.Phone;
using Meetings.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Twilio.Exceptions;

namespace Meetings.Tests.Phone;

/// <summary>
/// The server's calls to Twilio, through the real SDK to the fake Twilio, on a network clock the test moves: 5 s an
/// attempt, 20 s in all, retries only for mute and unmute, and a circuit breaker. The fake's answers wait on the
/// same clock, so "Twilio answers in 4.9 s" and "the attempt gives up at 5 s" are exact, whatever the machine's load.
/// </summary>
public class TwilioCallTests
{
    private FakeTwilio _twilio = null!;
    private FakeTimeProvider _network = null!;
    private TestHost _host = null!;
    private IServiceScope _scope = null!;
    private TwilioGateway _gateway = null!;

    [SetUp]
    public async Task Start()
    {
        _network = new FakeTimeProvider();
        _twilio = await FakeTwilio.StartAsync();
        _twilio.Clock = _network;
        _host = new TestHost(settings: _twilio.Settings, networkClock: _network);
        _scope = _host.Services.CreateScope();
        _gateway = _scope.ServiceProvider.GetRequiredService<TwilioGateway>();
    }

    [TearDown]
    public async Task Stop()
    {
        _scope.Dispose();
        _host.Dispose();
        await _twilio.DisposeAsync();
    }

    private const string Resident = "+15035550123";

    private int Texts => _twilio.Requests.Count(r => r.Path.EndsWith("/Messages.json", StringComparison.Ordinal));

    private int Mutes => _twilio.Requests.Count(r => r.Path.Contains("/Participants/", StringComparison.Ordinal));

    private static async Task<T> Within15s<T>(Task<T> call) => await call.WaitAsync(TimeSpan.FromSeconds(15));

    private static async Task Within15s(Task call) => await call.WaitAsync(TimeSpan.FromSeconds(15));

    /// <summary>Moves the network clock a little at a time, letting the server work in between, until <paramref name="done"/> (at most <paramref name="limit"/> of network time).</summary>
    private async Task TimePassesUntil(Func<bool> done, TimeSpan limit, string what)
    {
        var end = _network.GetUtcNow() + limit;
        while (!done())
        {
            if (_network.GetUtcNow() >= end) Assert.Fail($"{what}: not within {limit} of network time");
            _network.Advance(TimeSpan.FromMilliseconds(20));
            await Task.Delay(5);
        }
    }

    [Test]
    public async Task AnAttempt_IsGivenFiveSeconds_TwilioAnsweringIn4_9SecondsIsHeard_AndIn5_1SecondsIsNot()
    {
        _twilio.Delay = TimeSpan.FromSeconds(4.9);
        var quick = _gateway.SendSmsAsync(Resident, "Your turn is near.");
        await Wait.Until(() => Texts == 1, "the text reaches Twilio");
        _network.Advance(_twilio.Delay);
        Assert.That(await Within15s(quick), Does.StartWith("SM"), "answered within the attempt's five seconds");

        _twilio.Delay = TimeSpan.FromSeconds(5.1);
        var slow = _gateway.SendSmsAsync(Resident, "Your turn is near.");
        await Wait.Until(() => Texts == 2, "the second text reaches Twilio");
        _network.Advance(_twilio.Delay);
        var failure = Assert.ThrowsAsync<ApiConnectionException>(() => Within15s(slow));
        Assert.That(failure!.InnerException, Is.InstanceOf<TimeoutRejectedException>(), "the attempt was abandoned at five seconds");
        Assert.That(Texts, Is.EqualTo(2), "a text is never tried again");
    }

    [Test]
    public async Task AMuteThatTwilioNeverAnswers_IsTriedThreeTimes_FiveSecondsEach()
    {
        _twilio.Delay = TimeSpan.FromMinutes(10);
        var mute = _gateway.SetMutedAsync("CF0001", "CA0001", true);
        await Wait.Until(() => Mutes == 1, "the mute reaches Twilio");

        // Each attempt's five seconds pass at once; the short pause before the next attempt passes a little at a time.
        foreach (var attempt in new[] { 2, 3 })
        {
            _network.Advance(TimeSpan.FromSeconds(5));
            await TimePassesUntil(() => Mutes == attempt, TimeSpan.FromSeconds(2), $"attempt {attempt}");
        }
        _network.Advance(TimeSpan.FromSeconds(5));

        var failure = Assert.ThrowsAsync<ApiConnectionException>(() => Within15s(mute));
        Assert.That(failure!.InnerException, Is.InstanceOf<TimeoutRejectedException>());
        Assert.That(Mutes, Is.EqualTo(3), "a mute sets an absolute state, so it is tried again, twice");
        Assert.That(_network.GetUtcNow() - _network.Start, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(15)), "three attempts of five seconds");
    }

    [Test]
    public async Task WhenTwilioFails_AMuteIsRetriedTwice_ButATextIsNotRetried()
    {
        _twilio.FailWith = HttpStatusCode.ServiceUnavailable;

        var text = _gateway.SendSmsAsync(Resident, "Agenda posted");
        var refused = Assert.ThrowsAsync<ApiException>(() => Within15s(text));
        Assert.That((refused!.Status, Texts), Is.EqualTo((503, 1)), "a text whose sending failed might have been sent: tried once");

        var mute = _gateway.SetMutedAsync("CF0001", "CA0001", true);
        await TimePassesUntil(() => mute.IsCompleted, TimeSpan.FromSeconds(10), "the mute given up");
        Assert.ThrowsAsync<ApiException>(() => Within15s(mute));
        Assert.That(Mutes, Is.EqualTo(3));
    }

    [Test]
    public async Task ACall_GivesUpAfterTwentySecondsInAll_EvenWhenTwilioAsksToWaitLonger()
    {
        _twilio.FailWith = HttpStatusCode.ServiceUnavailable;
        _twilio.RetryAfter = TimeSpan.FromSeconds(11);
        var mute = _gateway.SetMutedAsync("CF0001", "CA0001", false);

        await TimePassesUntil(() => mute.IsCompleted, TimeSpan.FromSeconds(30), "the unmute given up");

        var failure = Assert.ThrowsAsync<ApiConnectionException>(() => Within15s(mute));
        Assert.That(failure!.InnerException, Is.InstanceOf<TimeoutRejectedException>(), "the whole call's twenty seconds ran out");
        Assert.That(Mutes, Is.EqualTo(2), "at 0 s and 11 s; the try at 22 s would be past the twenty seconds");
        Assert.That(_network.GetUtcNow() - _network.Start, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(20)));
    }

    [Test]
    public async Task AfterTenFailures_TheCircuitOpens_AndCallsFailAtOnce_UntilFiveSecondsLaterOneIsTriedAgain()
    {
        _twilio.FailWith = HttpStatusCode.InternalServerError;
        for (var i = 0; i < 10; i++) Assert.ThrowsAsync<ApiException>(() => Within15s(_gateway.SendSmsAsync(Resident, $"Attempt {i}")));
        Assert.That(Texts, Is.EqualTo(10));

        var shortCircuited = Assert.ThrowsAsync<ApiConnectionException>(() => Within15s(_gateway.SendSmsAsync(Resident, "Attempt 11")));
        Assert.That(shortCircuited!.InnerException, Is.InstanceOf<BrokenCircuitException>());
        Assert.That(Texts, Is.EqualTo(10), "an open circuit spares Twilio the call");

        _twilio.FailWith = null;
        _network.Advance(TimeSpan.FromSeconds(5));
        Assert.That(await Within15s(_gateway.SendSmsAsync(Resident, "Attempt 12")), Does.StartWith("SM"), "five seconds on, a call is let through");
        Assert.That(await Within15s(_gateway.SendSmsAsync(Resident, "Attempt 13")), Does.StartWith("SM"), "and, answered, the circuit closes");
        Assert.That(Texts, Is.EqualTo(12));
    }
}
