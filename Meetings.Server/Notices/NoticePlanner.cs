using Hangfire;
using Meetings.Server.Data;
using Meetings.Server.Domain;
using Microsoft.EntityFrameworkCore;

namespace Meetings.Server.Notices;

/// <summary>A notice a meeting should have, by its unique key.</summary>
public sealed record WantedNotice(string Key, NoticeKind Kind, DateTimeOffset DueAt, Guid? EntryId = null);

/// <summary>
/// The notices a meeting should have after a change, worked out from the meeting as committed: from its state at
/// <paramref name="Version"/> (its journal's sequence then).
/// </summary>
public sealed record NoticePlan(Guid MeetingId, long Version, bool Cancelled, IReadOnlyList<WantedNotice> Wanted)
{
    public static NoticePlan None { get; } = new(Guid.Empty, 0, false, []);

    /// <summary>Delay before an amended-agenda notice goes out, so a clerk's several edits make one notice.</summary>
    public static TimeSpan AmendmentQuietPeriod { get; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Published: a notice now. Each reminder offset: a notice that many hours before the start (whole days at the
    /// same local time of day, across daylight saving), unless that time had passed when the agenda was posted.
    /// Changes after publication (agenda, documents, time, place; <paramref name="amendedAt"/>: the sequence of the
    /// first such event in the change, which names the notice so that handling the same change twice plans it once):
    /// one change notice, after a quiet period so several edits make one. Cancelled: a cancellation and no more reminders.
    /// In session: a text to each speaker who asked for one, once they are close to the front of the queue.
    /// </summary>
    public static NoticePlan For(Meeting m, long? amendedAt, DateTimeOffset now)
    {
        if (m.PublishedAt is not { } published) return None;
        var wanted = new List<WantedNotice> { new($"published:{m.Id:N}", NoticeKind.Published, published) };
        if (m.Status == MeetingStatus.Cancelled)
            wanted.Add(new($"cancelled:{m.Id:N}", NoticeKind.Cancelled, now));
        if (m.Status is MeetingStatus.Published or MeetingStatus.Live or MeetingStatus.Recessed)
            foreach (var hours in m.Rules.Notice.Reminders)
            {
                var due = ReminderDue(m.Start, m.TimeZone, hours);
                if (due > published) wanted.Add(new($"reminder:{m.Id:N}:{hours}:{m.Start.UtcTicks}", NoticeKind.Reminder, due));
            }
        if (m.Status is MeetingStatus.Published or MeetingStatus.Live or MeetingStatus.Recessed && amendedAt is { } sequence)
            wanted.Add(new($"amended:{m.Id:N}:{sequence}", NoticeKind.Amended, now + AmendmentQuietPeriod));
        if (m.Status == MeetingStatus.Live)
            foreach (var item in m.Agenda)
            {
                var line = m.QueueFor(item.Id).Where(e => e.State is SpeakerState.Waiting or SpeakerState.OnDeck).ToList();
                wanted.AddRange(line.Take(m.Rules.Notice.UpSoonAhead).Where(e => e.WantsText)
                    .Select(e => new WantedNotice($"upsoon:{e.Id:N}", NoticeKind.UpSoon, now, e.Id)));
            }
        return new NoticePlan(m.Id, m.Version, m.Status == MeetingStatus.Cancelled, wanted);
    }

    /// <summary>The first event of a change that amends a posted agenda (or moves the meeting), if any.</summary>
    public static long? FirstAmendment(IEnumerable<(long Sequence, MeetingEvent Event)> change) =>
        change.Where(c => c.Event is MeetingRescheduled or AgendaItemAdded { IsAmendment: true } or AgendaItemRevised { IsAmendment: true }
                or AgendaItemMoved { IsAmendment: true } or AgendaItemRemoved { IsAmendment: true }
                or DocumentAttached { IsAmendment: true } or DocumentRemoved { IsAmendment: true })
            .Select(c => (long?)c.Sequence).FirstOrDefault();

    public static DateTimeOffset ReminderDue(DateTimeOffset start, string timeZone, int hours)
    {
        if (hours % 24 != 0) return start.AddHours(-hours);
        var local = TimeZoneInfo.ConvertTime(start, LocalTime.Zone(timeZone)).DateTime.AddDays(-hours / 24);
        try { return LocalTime.ToInstant(local, timeZone); }
        catch (InvalidInputException) { return start.AddHours(-hours); } // that local time was skipped by daylight saving
    }
}

/// <summary>
/// Makes the stored notices match a plan: creates the missing ones and schedules their jobs, moves nothing
/// that was sent, and drops reminders the meeting no longer wants (rescheduled or cancelled).
/// Every instance plans every change, each from its own read of the meeting, so plans can arrive out of order:
/// planners of one meeting take turns (<see cref="NoticePlanMark"/>), and a plan read from an older version than one
/// already applied only adds its change's notice. Before, such a plan brought back the reminders of a time the meeting
/// had been moved from.
/// </summary>
public sealed class NoticePlanner(MeetingsDbContext db, IBackgroundJobClient jobs, TimeProvider clock)
{
    public async Task ApplyAsync(NoticePlan plan)
    {
        if (plan.MeetingId == Guid.Empty) return;
        await MarkAsync(plan.MeetingId);
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync();
            var newest = await TakeTurnAsync(plan);
            var existing = await db.Notices.Where(n => n.MeetingId == plan.MeetingId).ToListAsync();
            if (newest) Reconcile(plan, existing);
            Create(plan, existing, newest);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        });
        await HandJobsOverAsync(plan.MeetingId);
    }

    /// <summary>The meeting's mark, made once (two instances may make it at once: one row stands).</summary>
    private async Task MarkAsync(Guid meetingId)
    {
        if (await db.NoticePlanMarks.AnyAsync(m => m.MeetingId == meetingId)) return;
        db.NoticePlanMarks.Add(new NoticePlanMark { MeetingId = meetingId });
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// Waits for the meeting's other planners (the mark's row is written, so it is held to the commit), records this
    /// plan's version if it is the newest, and says whether it is.
    /// </summary>
    private async Task<bool> TakeTurnAsync(NoticePlan plan)
    {
        var version = plan.Version;
        var mark = db.NoticePlanMarks.Where(m => m.MeetingId == plan.MeetingId);
        await mark.ExecuteUpdateAsync(s => s.SetProperty(m => m.PlannedFrom, m => m.PlannedFrom < version ? version : m.PlannedFrom));
        return await mark.Select(m => m.PlannedFrom).SingleAsync() == version;
    }

    /// <summary>
    /// Drops the reminders (and, for a cancelled meeting, the change notices) the plan no longer wants, keeping their
    /// jobs' ids until the jobs are deleted; brings back those wanted again.
    /// </summary>
    private static void Reconcile(NoticePlan plan, List<Notice> existing)
    {
        var wantedKeys = plan.Wanted.Select(w => w.Key).ToHashSet();
        foreach (var stale in existing.Where(n => n.State == NoticeState.Scheduled && !wantedKeys.Contains(n.Key) &&
                     (n.Kind == NoticeKind.Reminder || plan.Cancelled && n.Kind is NoticeKind.Amended or NoticeKind.Moved or NoticeKind.UpSoon)))
            stale.State = NoticeState.Dropped;
        // A meeting moved back to a time it had: the reminders dropped when it moved are wanted again (their keys name
        // the start), and they get a job with the new ones. (An old job not deleted yet may run too: it sends nothing
        // twice, as deliveries are claimed.)
        foreach (var revived in existing.Where(n => n.State == NoticeState.Dropped && n.Kind == NoticeKind.Reminder && wantedKeys.Contains(n.Key)))
            (revived.State, revived.JobId) = (NoticeState.Scheduled, null);
    }

    /// <summary>
    /// Adds the wanted notices not stored yet; from an older version, only the change notice of the change it was
    /// planned for (no other plan told of that change), unless the meeting has since been cancelled.
    /// </summary>
    private void Create(NoticePlan plan, List<Notice> existing, bool newest)
    {
        // A change notice not yet being sent will tell of this change too (it reads the journal when it goes out).
        var pendingAmendment = existing.Any(n => n.Kind is NoticeKind.Amended or NoticeKind.Moved && n.State == NoticeState.Scheduled && n.Through is null);
        var cancelled = existing.Any(n => n.Kind == NoticeKind.Cancelled);
        foreach (var want in plan.Wanted.Where(w => existing.All(n => n.Key != w.Key)))
        {
            if (want.Kind == NoticeKind.Amended ? pendingAmendment || cancelled : !newest) continue;
            db.Notices.Add(new Notice
            {
                Id = Guid.NewGuid(), Key = want.Key, MeetingId = plan.MeetingId, Kind = want.Kind, DueAt = want.DueAt,
                State = NoticeState.Scheduled, EntryId = want.EntryId, CreatedAt = clock.GetUtcNow(),
            });
        }
    }

    /// <summary>
    /// After the commit, from the notices as committed (so a plan applied twice, a retried commit, or a server that
    /// stopped before this step leave nothing behind): deletes the job of each dropped notice that still has one, and
    /// gives each scheduled notice without one a job, also a notice stored by a server that died before it handed the
    /// job over (the follower hands the same change over again). A job id is set or cleared only if it is still what
    /// was read, so two planners record one job per notice; a second job that got to run sends nothing twice.
    /// </summary>
    private async Task HandJobsOverAsync(Guid meetingId)
    {
        var notices = db.Notices.Where(n => n.MeetingId == meetingId);
        foreach (var dropped in await notices.Where(n => n.State == NoticeState.Dropped && n.JobId != null).Select(n => new { n.Id, n.JobId }).ToListAsync())
            if (await SetJobAsync(dropped.Id, NoticeState.Dropped, dropped.JobId, null)) jobs.Delete(dropped.JobId!);
        foreach (var notice in await notices.AsNoTracking().Where(n => n.State == NoticeState.Scheduled && n.JobId == null).ToListAsync())
        {
            var job = Schedule(notice);
            // A retried statement finds the id it set before: the job stands.
            if (!await SetJobAsync(notice.Id, NoticeState.Scheduled, null, job) && !await notices.AnyAsync(n => n.Id == notice.Id && n.JobId == job))
                jobs.Delete(job);
        }
    }

    private async Task<bool> SetJobAsync(Guid noticeId, NoticeState state, string? from, string? to) =>
        await db.Notices.Where(n => n.Id == noticeId && n.State == state && n.JobId == from)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.JobId, to)) == 1;

    private string Schedule(Notice notice)
    {
        var id = notice.Id;
        return notice.DueAt <= clock.GetUtcNow()
            ? jobs.Enqueue<NoticeJobs>(j => j.SendAsync(id))
            : jobs.Schedule<NoticeJobs>(j => j.SendAsync(id), notice.DueAt);
    }
}

/// <summary>The version of a meeting its notices were last planned from (see <see cref="NoticePlanner"/>).</summary>
public sealed class NoticePlanMark
{
    public Guid MeetingId { get; set; }
    public long PlannedFrom { get; set; }
}
