using System.Threading.Channels;
using Meetings.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Meetings.Server.Phone;

/// <summary>
/// Keeps each caller's line as the meeting says it should be: open while they have the floor, muted
/// otherwise. The journal's follower (<see cref="PhoneFollower"/>) marks the wanted state (and the calls the clerk dropped); this service then tells Twilio, off the meeting's path,
/// and keeps trying after a failure (the clerk sees "unmute pending" or "mute pending", with Twilio's reason)
/// until it succeeds or the turn ends. It also plays what callers hear alone and places call-backs
/// (<see cref="PhoneSync"/>'s other part). Twilio's failures are logged once per outage, by <see cref="TwilioHealth"/>.
/// </summary>
public sealed partial class PhoneSync(IServiceScopeFactory scopes, IOptions<PhoneOptions> options, Languages.Languages languages, TimeProvider clock, ILogger<PhoneSync> log) : BackgroundService
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

    /// <summary>
    /// One pass: every pending mute or unmute, then every announcement, warning, hang-up and call-back due, each tried
    /// once. Public so tests can drive it.
    /// </summary>
    public async Task SyncAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeetingsDbContext>();
        var gateway = scope.ServiceProvider.GetRequiredService<TwilioGateway>();
        var health = scope.ServiceProvider.GetRequiredService<TwilioHealth>();
        var changed = new HashSet<Guid>();
        var pending = await db.PhoneCalls.AsNoTracking().Where(c => !c.MuteApplied && c.InConference && !c.HungUp && c.ConferenceSid != null).ToListAsync(ct);
        foreach (var call in pending)
        {
            var sent = call.WantMuted;
            var (outcome, problem) = await TryAsync(health, sent ? "mute a line" : "unmute a line", () => gateway.SetMutedAsync(call.ConferenceSid!, call.CallSid, sent), ct);
            // Marked done only if nobody changed what the line should be while Twilio was answering.
            var mine = db.PhoneCalls.Where(c => c.CallSid == call.CallSid && c.WantMuted == sent);
            if (outcome == Sent.Done)
                await mine.ExecuteUpdateAsync(x => x.SetProperty(c => c.MuteApplied, true).SetProperty(c => c.Problem, (string?)null), ct);
            else if (problem != call.Problem)
                await mine.ExecuteUpdateAsync(x => x.SetProperty(c => c.Problem, problem), ct);
            else continue;
            changed.Add(call.MeetingId);
        }
        changed.UnionWith(await AnnounceAsync(db, gateway, health, ct));
        changed.UnionWith(await WarnAsync(db, gateway, health, scope.ServiceProvider.GetRequiredService<Meetings.MeetingStore>(), ct));
        changed.UnionWith(await CallBackAsync(db, gateway, health, scope.ServiceProvider.GetRequiredService<Meetings.MeetingStore>(), ct));
        changed.UnionWith(await DropAsync(db, gateway, health, ct));
        foreach (var meetingId in changed)
            await scope.ServiceProvider.GetRequiredService<PhoneService>().PublishStatusAsync(meetingId);
    }

    /// <summary>Hangs up every call the clerk dropped that is still up; a call Twilio no longer has counts as gone.</summary>
    private static async Task<List<Guid>> DropAsync(MeetingsDbContext db, TwilioGateway gateway, TwilioHealth health, CancellationToken ct)
    {
        var wanted = await db.PhoneCalls.AsNoTracking().Where(c => c.DropWanted && !c.HungUp).ToListAsync(ct);
        var gone = new List<Guid>();
        foreach (var call in wanted)
        {
            // Refused means Twilio has no such call in progress: the caller is gone already.
            var (outcome, _) = await TryAsync(health, "hang up a call", () => gateway.HangUpAsync(call.CallSid), ct);
            if (outcome is not (Sent.Done or Sent.Refused)) continue;
            await db.PhoneCalls.Where(c => c.CallSid == call.CallSid)
                .ExecuteUpdateAsync(x => x.SetProperty(c => c.HungUp, true).SetProperty(c => c.InConference, false), ct);
            gone.Add(call.MeetingId);
        }
        return gone;
    }
}
