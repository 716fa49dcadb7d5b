using System.Threading.Channels;
using Meetings.Server.Data;
using Meetings.Server.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Meetings.Server.Phone;

/// <summary>
/// Keeps each caller's line as the meeting says it should be: open while they have the floor, muted
/// otherwise. Turn events mark the wanted state; this service then tells Twilio, off the meeting's path,
/// and keeps trying after a failure (the clerk sees "unmute pending" or "mute pending", with Twilio's reason)
/// until it succeeds or the turn ends. It also plays what callers hear alone and places call-backs
/// (<see cref="PhoneSync"/>'s other part). Twilio's failures are logged once per outage, by <see cref="TwilioHealth"/>.
/// </summary>
public sealed partial class PhoneSync(IServiceScopeFactory scopes, IOptions<PhoneOptions> options, TimeProvider clock, ILogger<PhoneSync> log) : BackgroundService
{
    public static TimeSpan RetryInterval { get; } = TimeSpan.FromSeconds(1);

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>
    /// What a committed change means for the phone lines, worked out from the meeting as committed: a speaker's turn
    /// starting or ending changes what their lines should be (a caller's, a browser's, a call-back's), and the clerk's
    /// view changes with the queue.
    /// </summary>
    public PhoneChanges Changes(Meeting meeting, IReadOnlyList<JournalEntry> entries, IReadOnlyList<MeetingEvent> events)
    {
        if (!options.Value.IsConfigured) return PhoneChanges.None;
        var lines = events.Select(e => e switch
            {
                TurnStarted t => (EntryId: t.EntryId, Muted: false),
                TurnEnded t => (EntryId: t.EntryId, Muted: true),
                _ => (EntryId: Guid.Empty, Muted: true),
            })
            .Where(c => c.EntryId != Guid.Empty).ToList();
        var numbered = entries.Select((entry, i) => (entry.Sequence, events[i])).ToList();
        return new PhoneChanges(meeting.Id, lines, numbered);
    }

    public async Task ApplyAsync(PhoneChanges changes)
    {
        if (changes == PhoneChanges.None) return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeetingsDbContext>();
        foreach (var (entryId, muted) in changes.Lines)
            await db.PhoneCalls.Where(c => c.EntryId == entryId)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.WantMuted, muted).SetProperty(c => c.MuteApplied, false));
        var marked = await CallerAnnouncements.MarkAsync(db, changes.MeetingId, changes.Events);
        if (changes.Lines.Count > 0 || marked) Wake();
        var queueChanged = changes.Lines.Count > 0 || marked
            || changes.Events.Any(e => e.Event is SpeakerSignedUp or SpeakerWithdrawn or SpeakerCalled or SpeakerNoShow or QueueReordered);
        if (queueChanged && await db.PhoneCalls.AnyAsync(c => c.MeetingId == changes.MeetingId))
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
        foreach (var meetingId in changed)
            await scope.ServiceProvider.GetRequiredService<PhoneService>().PublishStatusAsync(meetingId);
    }
}

/// <summary>
/// The phone lines a change opens or closes (by speaker entry), the events with their sequence numbers (for what
/// callers hear and who is called), and whose meeting it was.
/// </summary>
public sealed record PhoneChanges(Guid MeetingId, IReadOnlyList<(Guid EntryId, bool Muted)> Lines, IReadOnlyList<(long Sequence, MeetingEvent Event)> Events)
{
    public static PhoneChanges None { get; } = new(Guid.Empty, [], []);
}
