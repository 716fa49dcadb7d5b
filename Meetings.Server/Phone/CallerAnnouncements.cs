using Meetings.Server.Data;
using Meetings.Server.Domain;
using Microsoft.EntityFrameworkCore;

namespace Meetings.Server.Phone;

/// <summary>
/// What the journal's events mean for what callers hear and who is called: a turn starting is announced to that
/// speaker's lines alone ("You have the floor. You have 3 minutes."), its end too ("Your time is up."), a web
/// speaker who asked to be called is called when put on deck, and every line hears the meeting end and is hung
/// up. Each is marked on the line (or the contact) for <see cref="PhoneSync"/> to carry out, keyed by the event's
/// sequence number, so handling the same events twice marks nothing twice.
/// </summary>
public static class CallerAnnouncements
{
    /// <summary>Marks what the events call for; true when there is anything for Twilio to do.</summary>
    public static async Task<bool> MarkAsync(MeetingsDbContext db, Guid meetingId, IEnumerable<(long Sequence, MeetingEvent Event)> events, CancellationToken ct = default)
    {
        var marked = 0;
        foreach (var (sequence, e) in events)
        {
            marked += e switch
            {
                TurnStarted t => await AnnounceAsync(db, meetingId, t.EntryId, $"{Announcements.Floor}:{t.Seconds}", sequence, ct),
                TurnEnded { Reason: TurnEndReason.Expired } t => await AnnounceAsync(db, meetingId, t.EntryId, Announcements.TimeIsUp, sequence, ct),
                TurnEnded { Reason: TurnEndReason.Clerk } t => await AnnounceAsync(db, meetingId, t.EntryId, Announcements.TurnEnded, sequence, ct),
                SpeakerCalled c => await db.SpeakerContacts
                    .Where(x => x.EntryId == c.EntryId && x.MeetingId == meetingId && x.CallMe && x.CallBack == Live.CallBackState.None)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.CallBack, Live.CallBackState.Due), ct),
                MeetingAdjourned => await EndAsync(db, meetingId, Announcements.MeetingEnded, sequence, ct),
                MeetingCancelled => await EndAsync(db, meetingId, Announcements.MeetingCancelled, sequence, ct),
                _ => 0,
            };
        }
        return marked > 0;
    }

    private static Task<int> AnnounceAsync(MeetingsDbContext db, Guid meetingId, Guid entryId, string what, long sequence, CancellationToken ct) =>
        db.PhoneCalls.Where(c => c.MeetingId == meetingId && c.EntryId == entryId && !c.HungUp && c.AnnouncementFor < sequence)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Announcement, what).SetProperty(c => c.AnnouncementFor, sequence), ct);

    private static Task<int> EndAsync(MeetingsDbContext db, Guid meetingId, string what, long sequence, CancellationToken ct) =>
        db.PhoneCalls.Where(c => c.MeetingId == meetingId && !c.HungUp && c.AnnouncementFor < sequence)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Announcement, what).SetProperty(c => c.AnnouncementFor, sequence), ct);
}
