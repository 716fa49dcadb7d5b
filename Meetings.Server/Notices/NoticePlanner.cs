using Hangfire;
using Meetings.Server.Data;
using Meetings.Server.Domain;
using Microsoft.EntityFrameworkCore;

namespace Meetings.Server.Notices;

/// <summary>A notice a meeting should have, by its unique key.</summary>
public sealed record WantedNotice(string Key, NoticeKind Kind, DateTimeOffset DueAt, Guid? EntryId = null);

/// <summary>The notices a meeting should have after a change, worked out from the meeting as committed.</summary>
public sealed record NoticePlan(Guid MeetingId, bool Cancelled, IReadOnlyList<WantedNotice> Wanted)
{
    public static NoticePlan None { get; } = new(Guid.Empty, false, []);

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
        return new NoticePlan(m.Id, m.Status == MeetingStatus.Cancelled, wanted);
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
/// </summary>
public sealed class NoticePlanner(MeetingsDbContext db, IBackgroundJobClient jobs, TimeProvider clock)
{
    public async Task ApplyAsync(NoticePlan plan)
    {
        if (plan.MeetingId == Guid.Empty) return;
        var existing = await db.Notices.Where(n => n.MeetingId == plan.MeetingId).ToListAsync();
        var wantedKeys = plan.Wanted.Select(w => w.Key).ToHashSet();
        foreach (var stale in existing.Where(n => n.State == NoticeState.Scheduled && !wantedKeys.Contains(n.Key) &&
                     (n.Kind == NoticeKind.Reminder || plan.Cancelled && n.Kind is NoticeKind.Amended or NoticeKind.Moved or NoticeKind.UpSoon)))
        {
            if (stale.JobId is not null) jobs.Delete(stale.JobId);
            stale.State = NoticeState.Dropped;
        }
        // A meeting moved back to a time it had: the reminders dropped when it moved are wanted again (their keys name
        // the start), and they get a job with the orphans below.
        foreach (var revived in existing.Where(n => n.State == NoticeState.Dropped && n.Kind == NoticeKind.Reminder && wantedKeys.Contains(n.Key)))
            (revived.State, revived.JobId) = (NoticeState.Scheduled, null);
        // A notice stored by a server that died before it handed the job to Hangfire gets its job now (the follower
        // hands the same change over again). A second job for one notice sends nothing twice: deliveries are claimed.
        foreach (var orphan in existing.Where(n => n.State == NoticeState.Scheduled && n.JobId is null)) orphan.JobId = Schedule(orphan);
        await db.SaveChangesAsync();

        // A change notice not yet being sent will tell of this change too (it reads the journal when it goes out).
        var pendingAmendment = existing.Any(n => n.Kind is NoticeKind.Amended or NoticeKind.Moved && n.State == NoticeState.Scheduled && n.Through is null);
        foreach (var want in plan.Wanted.Where(w => existing.All(n => n.Key != w.Key)))
        {
            if (want.Kind == NoticeKind.Amended && pendingAmendment) continue;
            await CreateAsync(plan.MeetingId, want);
        }
    }

    private async Task CreateAsync(Guid meetingId, WantedNotice want)
    {
        var notice = new Notice
        {
            Id = Guid.NewGuid(), Key = want.Key, MeetingId = meetingId, Kind = want.Kind, DueAt = want.DueAt,
            State = NoticeState.Scheduled, EntryId = want.EntryId, CreatedAt = clock.GetUtcNow(),
        };
        db.Notices.Add(notice);
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException)
        {
            // Another instance planned the same notice first: it exists once, which is the point.
            db.ChangeTracker.Clear();
            return;
        }
        notice.JobId = Schedule(notice);
        await db.SaveChangesAsync();
    }

    private string Schedule(Notice notice)
    {
        var id = notice.Id;
        return notice.DueAt <= clock.GetUtcNow()
            ? jobs.Enqueue<NoticeJobs>(j => j.SendAsync(id))
            : jobs.Schedule<NoticeJobs>(j => j.SendAsync(id), notice.DueAt);
    }
}
