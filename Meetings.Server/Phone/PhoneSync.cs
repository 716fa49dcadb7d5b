using System.Threading.Channels;
using Meetings.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Meetings.Server.Phone;

/// <summary>
/// Tells Twilio what each caller's line should be, as <see cref="PhoneFollower"/> marked it from the journal:
/// off the meeting's path, and again after a failure (the clerk sees "unmute pending") until it succeeds or the
/// turn ends. Mute and unmute set an absolute state, so sending one twice (a crash before it was marked done) is harmless.
/// </summary>
public sealed class PhoneSync(IServiceScopeFactory scopes, IOptions<PhoneOptions> options, TimeProvider clock, ILogger<PhoneSync> log) : BackgroundService
{
    public static TimeSpan RetryInterval { get; } = TimeSpan.FromSeconds(1);

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Wake() => _wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.IsConfigured) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SyncAsync(stoppingToken);
                using var retry = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var delay = Task.Delay(RetryInterval, clock, retry.Token);
                // Waits for the bell without taking it, and stops waiting when the delay wins: a read left pending
                // would swallow the next wake-up and leave a line waiting for the retry interval.
                await Task.WhenAny(delay, _wake.Reader.WaitToReadAsync(retry.Token).AsTask());
                await retry.CancelAsync();
                _wake.Reader.TryRead(out _);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogWarning(e, "Syncing phone lines failed; retrying.");
            }
        }
    }

    /// <summary>Applies every pending mute or unmute once. Public so tests can drive it.</summary>
    public async Task SyncAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeetingsDbContext>();
        var gateway = scope.ServiceProvider.GetRequiredService<TwilioGateway>();
        var pending = await db.PhoneCalls.AsNoTracking().Where(c => !c.MuteApplied && c.InConference && !c.HungUp && c.ConferenceSid != null).ToListAsync(ct);
        foreach (var call in pending)
        {
            try
            {
                var sent = call.WantMuted;
                await gateway.SetMutedAsync(call.ConferenceSid!, call.CallSid, sent);
                // Marked done only if nobody changed what the line should be while Twilio was answering.
                await db.PhoneCalls.Where(c => c.CallSid == call.CallSid && c.WantMuted == sent)
                    .ExecuteUpdateAsync(x => x.SetProperty(c => c.MuteApplied, true), ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                log.LogWarning(e, "Twilio did not {Change} {Caller}; will retry.", call.WantMuted ? "mute" : "unmute", call.Label);
            }
        }
        foreach (var meetingId in pending.Select(c => c.MeetingId).Distinct())
            await scope.ServiceProvider.GetRequiredService<PhoneService>().PublishStatusAsync(meetingId);
    }
}
