using Meetings.Server.Data;
using Meetings.Server.Domain;
using Meetings.Server.Errors;
using Meetings.Server.Meetings;
using Microsoft.EntityFrameworkCore;

namespace Meetings.Server.Privacy;

/// <summary>
/// Keeps residents' phone numbers no longer than the meeting needs them. A number kept for a sign-up that never
/// reached the journal (refused, or lost in a crash between keeping the number and the sign-up) is deleted once
/// it is older than <see cref="Grace"/>; every speaker's number and every caller's record of a meeting is deleted
/// <c>Privacy:PhoneNumberDays</c> (default 7) days after the meeting is adjourned or cancelled. Runs at start-up
/// and every hour on each instance; deleting twice is harmless.
/// </summary>
public sealed class ContactSweep(IServiceScopeFactory scopes, MeetingStore store, IConfiguration configuration, TimeProvider clock, ILogger<ContactSweep> log)
    : BackgroundService
{
    /// <summary>How long a number may wait for its sign-up to be committed.</summary>
    public static TimeSpan Grace { get; } = TimeSpan.FromMinutes(10);

    public TimeSpan Retention => TimeSpan.FromDays(configuration.GetValue("Privacy:PhoneNumberDays", 7));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Sweeping phone numbers failed; will try again in an hour.");
            }
            try
            {
                await Task.Delay(TimeSpan.FromHours(1), clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One sweep; answers how many numbers (speakers' and callers') it deleted. Public so tests can drive it.</summary>
    public async Task<int> SweepAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeetingsDbContext>();
        var now = clock.GetUtcNow();
        var deleted = await DeleteOrphansAsync(db, now - Grace, ct);

        var holding = (await db.SpeakerContacts.Select(c => c.MeetingId).Distinct().ToListAsync(ct))
            .Union(await db.PhoneCalls.Select(c => c.MeetingId).Distinct().ToListAsync(ct)).ToList();
        var cutoff = now - Retention;
        var ended = await db.Journal.AsNoTracking()
            .Where(r => holding.Contains(r.MeetingId) && (r.Type == nameof(MeetingAdjourned) || r.Type == nameof(MeetingCancelled)) && r.At < cutoff)
            .Select(r => r.MeetingId).Distinct().ToListAsync(ct);
        deleted += await db.SpeakerContacts.Where(c => ended.Contains(c.MeetingId)).ExecuteDeleteAsync(ct);
        deleted += await db.PhoneCalls.Where(c => ended.Contains(c.MeetingId)).ExecuteDeleteAsync(ct);
        if (deleted > 0) log.LogInformation("Deleted {Count} phone numbers no longer needed.", deleted);
        return deleted;
    }

    private async Task<int> DeleteOrphansAsync(MeetingsDbContext db, DateTimeOffset savedBefore, CancellationToken ct)
    {
        var old = await db.SpeakerContacts.AsNoTracking().Where(c => c.SavedAt < savedBefore).Select(c => new { c.MeetingId, c.EntryId }).ToListAsync(ct);
        var orphans = new List<Guid>();
        foreach (var meeting in old.GroupBy(c => c.MeetingId))
        {
            try
            {
                orphans.AddRange(await store.ReadAsync(meeting.Key, m => meeting.Where(c => m.FindEntry(c.EntryId) is null).Select(c => c.EntryId).ToList(), ct));
            }
            catch (NotFoundException)
            {
                orphans.AddRange(meeting.Select(c => c.EntryId));
            }
        }
        return orphans.Count == 0 ? 0 : await db.SpeakerContacts.Where(c => orphans.Contains(c.EntryId)).ExecuteDeleteAsync(ct);
    }
}
