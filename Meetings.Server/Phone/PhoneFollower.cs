using Meetings.Server.Data;
using Meetings.Server.Domain;
using Meetings.Server.Followers;
using Meetings.Server.Meetings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Meetings.Server.Phone;

/// <summary>
/// Keeps the phone lines as the journal says they should be. After a change to the floor or the queue it sets
/// what each caller's line should be from the meeting as it now stands (open while the caller has the floor,
/// muted otherwise), marks the lines that differ as pending for <see cref="PhoneSync"/> to tell Twilio, and shows
/// the clerks the callers' new states. It also marks what callers hear alone (the floor, time up, the meeting's
/// end) and which web speakers are due a call-back, for <see cref="PhoneSync"/> to carry out. Setting a state rather than flipping one makes handling a change twice harmless.
/// </summary>
public sealed class PhoneFollower(IServiceScopeFactory scopes, MeetingStore store, PhoneSync sync, IOptions<PhoneOptions> options) : IJournalFollower
{
    public string Name => "phone";

    public async Task FollowAsync(FollowedEvents batch, CancellationToken ct)
    {
        if (!options.Value.IsConfigured) return;
        var floorChanged = batch.Events.Any(e => e is TurnStarted or TurnEnded);
        var queueChanged = floorChanged || batch.Events.Any(e => e is SpeakerSignedUp or SpeakerWithdrawn or SpeakerCalled or SpeakerNoShow or QueueReordered);
        if (!queueChanged && !batch.Events.Any(e => e is MeetingAdjourned or MeetingCancelled)) return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeetingsDbContext>();
        if (!await db.PhoneCalls.AnyAsync(c => c.MeetingId == batch.MeetingId, ct)
            && !await db.SpeakerContacts.AnyAsync(c => c.MeetingId == batch.MeetingId && c.CallMe, ct)) return;
        // What callers hear alone, hang-ups at the end and call-backs are keyed on the event's sequence,
        // so handling a batch again marks nothing twice.
        var marked = await CallerAnnouncements.MarkAsync(db, batch.MeetingId, batch.Numbered, ct);
        var linesChanged = floorChanged && await SetLinesAsync(db, batch.MeetingId, ct);
        var dropped = await DropAsync(db, batch, ct);
        if (marked || linesChanged || dropped) sync.Wake();
        if (queueChanged || marked) await scope.ServiceProvider.GetRequiredService<PhoneService>().PublishStatusAsync(batch.MeetingId);
    }

    /// <summary>Marks the calls of each speaker the clerk dropped (a caller's, or a browser's leg) to be hung up.</summary>
    private static async Task<bool> DropAsync(MeetingsDbContext db, FollowedEvents batch, CancellationToken ct)
    {
        var dropped = false;
        foreach (var t in batch.Events.OfType<TurnEnded>().Where(t => t.Reason == TurnEndReason.Dropped))
            dropped |= await db.PhoneCalls.Where(c => c.MeetingId == batch.MeetingId && c.EntryId == t.EntryId && !c.HungUp && !c.DropWanted)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.DropWanted, true), ct) > 0;
        return dropped;
    }

    /// <summary>Sets each of the meeting's lines from the floor as it now stands (a line whose wanted state changes is pending); true when any was set.</summary>
    private async Task<bool> SetLinesAsync(MeetingsDbContext db, Guid meetingId, CancellationToken ct)
    {
        var (speaking, floorAt) = await store.ReadAsync(meetingId, m => (m.Speaking?.Id, m.Version), ct);
        // Compared in the database, so a line another instance already set is left alone (and stays applied), and one
        // it set from a newer floor is not set back.
        return await db.PhoneCalls.Where(c => c.MeetingId == meetingId && c.EntryId != null).FollowTheFloorAsync(speaking, floorAt, ct);
    }
}
