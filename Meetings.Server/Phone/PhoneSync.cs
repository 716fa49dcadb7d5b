using System.Threading.Channels;
using Meetings.Server.Data;
using Meetings.Server.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Meetings.Server.Phone;

/// <summary>
/// Keeps each caller's line as the meeting says it should be: open while they have the floor, muted
/// otherwise, hung up once the clerk drops them. Turn events mark the wanted state; this service then tells
/// Twilio, off the meeting's path, and keeps trying after a failure (the clerk sees "unmute pending") until
/// it succeeds or the turn ends (a drop, until the call is gone).
/// </summary>
public sealed class PhoneSync(IServiceScopeFactory scopes, IOptions<PhoneOptions> options, TimeProvider clock, ILogger<PhoneSync> log) : BackgroundService
{
    public static TimeSpan RetryInterval { get; } = TimeSpan.FromSeconds(1);

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>
    /// What a committed change means for the phone lines, worked out from the meeting as committed: a phone
    /// speaker's turn starting or ending changes what their line should be, and the clerk's view changes with the queue.
    /// </summary>
    public PhoneChanges Changes(Meeting meeting, IReadOnlyList<MeetingEvent> events)
    {
        if (!options.Value.IsConfigured) return PhoneChanges.None;
        var lines = events.Select(e => e switch
            {
                TurnStarted t => (EntryId: t.EntryId, Muted: false),
                TurnEnded t => (EntryId: t.EntryId, Muted: true),
                _ => (EntryId: Guid.Empty, Muted: true),
            })
            .Where(c => c.EntryId != Guid.Empty && meeting.Entry(c.EntryId).Source == SpeakerSource.Phone).ToList();
        // A dropped speaker's calls (a phone caller's, or a browser's leg into the conference) are hung up.
        var drops = events.OfType<TurnEnded>().Where(t => t.Reason == TurnEndReason.Dropped).Select(t => t.EntryId).ToList();
        var queueChanged = lines.Count > 0 || drops.Count > 0 || events.Any(e => e is SpeakerSignedUp or SpeakerWithdrawn or SpeakerCalled or SpeakerNoShow or QueueReordered);
        return queueChanged ? new PhoneChanges(meeting.Id, lines, drops) : PhoneChanges.None;
    }

    public async Task ApplyAsync(PhoneChanges changes)
    {
        if (changes == PhoneChanges.None) return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeetingsDbContext>();
        foreach (var (entryId, muted) in changes.Lines)
            await db.PhoneCalls.Where(c => c.EntryId == entryId)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.WantMuted, muted).SetProperty(c => c.MuteApplied, false));
        foreach (var entryId in changes.Drops)
            await db.PhoneCalls.Where(c => c.EntryId == entryId && !c.HungUp).ExecuteUpdateAsync(s => s.SetProperty(c => c.DropWanted, true));
        if (changes.Lines.Count > 0 || changes.Drops.Count > 0) Wake();
        if (await db.PhoneCalls.AnyAsync(c => c.MeetingId == changes.MeetingId))
            await scope.ServiceProvider.GetRequiredService<PhoneService>().PublishStatusAsync(changes.MeetingId);
    }

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
                await Task.WhenAny(delay, _wake.Reader.ReadAsync(stoppingToken).AsTask());
                await retry.CancelAsync();
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
        var dropped = await DropAsync(db, gateway, ct);
        foreach (var meetingId in pending.Select(c => c.MeetingId).Concat(dropped).Distinct())
            await scope.ServiceProvider.GetRequiredService<PhoneService>().PublishStatusAsync(meetingId);
    }

    /// <summary>Hangs up every call the clerk dropped that is still up; a call Twilio no longer has counts as gone.</summary>
    private async Task<List<Guid>> DropAsync(MeetingsDbContext db, TwilioGateway gateway, CancellationToken ct)
    {
        var wanted = await db.PhoneCalls.AsNoTracking().Where(c => c.DropWanted && !c.HungUp).ToListAsync(ct);
        foreach (var call in wanted)
        {
            try
            {
                await gateway.HangUpAsync(call.CallSid);
            }
            catch (Twilio.Exceptions.ApiException e) when (e.Status is 404 or 400)
            {
                // Not found, or no longer in progress: the caller is gone already.
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                log.LogWarning(e, "Twilio did not hang up {Caller}; will retry.", call.Label);
                continue;
            }
            await db.PhoneCalls.Where(c => c.CallSid == call.CallSid)
                .ExecuteUpdateAsync(x => x.SetProperty(c => c.HungUp, true).SetProperty(c => c.InConference, false), ct);
        }
        return [.. wanted.Select(c => c.MeetingId)];
    }
}

/// <summary>The phone lines a change opens or closes, and the calls it drops (by speaker entry), and whose meeting it was.</summary>
public sealed record PhoneChanges(Guid MeetingId, IReadOnlyList<(Guid EntryId, bool Muted)> Lines, IReadOnlyList<Guid> Drops)
{
    public static PhoneChanges None { get; } = new(Guid.Empty, [], []);
}
