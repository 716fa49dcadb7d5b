using Hangfire;
using Meetings.Server.Data;
using Meetings.Server.Domain;
using Meetings.Server.Journal;
using Meetings.Server.Meetings;
using Meetings.Server.Phone;
using Meetings.Server.Privacy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Meetings.Server.Notices;

/// <summary>
/// The Hangfire job that sends one notice to everyone it is for. Safe to run twice, or on two servers at
/// once: every delivery is claimed under its unique (notice, recipient, channel) key before it is sent.
/// </summary>
public sealed class NoticeJobs(
    MeetingsDbContext db, MeetingStore store, MeetingJournal journal, EmailSender email, TwilioGateway twilio, NoticeContent content,
    PublicAddress address, Languages.Languages languages, IOptions<PhoneOptions> phone, IOptions<SmtpOptions> smtp, IBackgroundJobClient jobs,
    TimeProvider clock, ILogger<NoticeJobs> log)
{
    /// <summary>How often a notice waiting for <c>PublicBaseUrl</c> looks again.</summary>
    public static TimeSpan AddressWait { get; } = TimeSpan.FromMinutes(10);

    /// <summary>Sends a notice. Failed deliveries make the job fail, so Hangfire retries it (with growing delays) and only they are sent again.</summary>
    [AutomaticRetry(Attempts = 6, DelaysInSeconds = [30, 120, 600, 1800, 3600, 7200])]
    public async Task SendAsync(Guid noticeId)
    {
        var notice = await db.Notices.FindAsync(noticeId);
        if (notice is null || notice.State == NoticeState.Dropped) return;
        // Links that lead nowhere help nobody: the notice waits, however long the public address takes to be set (Hangfire's
        // retries would give up after a few hours and leave it unsent for good).
        if (address.Problem is { } problem)
        {
            log.LogWarning("{Problem} The notice {NoticeId} waits.", problem, notice.Id);
            notice.JobId = jobs.Schedule<NoticeJobs>(j => j.SendAsync(noticeId), clock.GetUtcNow() + AddressWait);
            await db.SaveChangesAsync();
            return;
        }
        IReadOnlyList<MeetingChange>? changes = null;
        if (notice.Kind is NoticeKind.Amended or NoticeKind.Moved)
        {
            changes = await ChangesAsync(notice);
            if (changes.Count == 0)
            {
                await DropAsync(notice);
                return;
            }
        }
        var (meeting, itemNumber) = await store.ReadAsync(notice.MeetingId, m =>
            (MeetingFacts.Of(m), notice.EntryId is { } e ? m.Item(m.Entry(e).ItemId).Number : null));
        if (meeting.Status == MeetingStatus.Cancelled && notice.Kind != NoticeKind.Cancelled)
        {
            await DropAsync(notice);
            return;
        }

        var (failures, elsewhere) = (0, 0);
        foreach (var (recipient, channel, to, language, unsubscribe) in await RecipientsAsync(notice, meeting))
        {
            var claim = await ClaimAsync(notice.Id, recipient, channel);
            if (claim == Claim.HeldElsewhere) elsewhere++;
            if (claim != Claim.Taken) continue;
            var text = content.Write(notice.Kind, meeting, languages.For(language), itemNumber, changes);
            var (state, error) = await DeliverAsync(channel, to, language, text, unsubscribe);
            await db.Deliveries.Where(d => d.NoticeId == notice.Id && d.Recipient == recipient && d.Channel == channel)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.State, state).SetProperty(d => d.Error, error)
                    .SetProperty(d => d.SentAt, state == DeliveryState.Sent ? clock.GetUtcNow() : null));
            if (state == DeliveryState.Failed) failures++;
        }
        notice.State = NoticeState.Sent;
        await db.SaveChangesAsync();
        // A delivery another run holds is looked at again later too: if that run stopped part-way, its claim runs out.
        if (failures + elsewhere > 0)
            throw new InvalidOperationException($"Of notice {notice.Key}, {failures} deliveries failed and {elsewhere} were being sent by another run; they will be looked at again.");
    }

    /// <summary>Drops a notice from its own job: no job is left for the planner to delete (<see cref="NoticePlanner"/>).</summary>
    private async Task DropAsync(Notice notice)
    {
        (notice.State, notice.JobId) = (NoticeState.Dropped, null);
        await db.SaveChangesAsync();
    }

    /// <summary>
    /// What a change notice tells: the changes since the one before it, through the journal's end when its sending began
    /// (recorded, so a retry tells the same). A change that moves the meeting makes it a notice that the meeting moved.
    /// </summary>
    private async Task<IReadOnlyList<MeetingChange>> ChangesAsync(Notice notice)
    {
        if (notice.Through is null)
        {
            // The journal's end is read and kept in one statement. The planner leaves a change to a notice whose end is
            // not kept yet (NoticePlanner.ApplyAsync), so every change it left to this one is within it. (Read first and
            // saved after, a change committed in between was left to this notice and told by none.)
            await db.Notices.Where(n => n.Id == notice.Id && n.Through == null).ExecuteUpdateAsync(s => s.SetProperty(n => n.Through,
                n => db.Journal.Where(r => r.MeetingId == n.MeetingId).Max(r => (long?)r.Sequence)));
            await db.Entry(notice).ReloadAsync();
        }
        var entries = await journal.ReadAsync(notice.MeetingId, 0, (int)notice.Through!.Value);
        var told = await db.Notices.AsNoTracking()
            .Where(n => n.MeetingId == notice.MeetingId && n.Id != notice.Id && n.Through != null && n.Through < notice.Through)
            .MaxAsync(n => n.Through);
        var published = entries.First(e => e.Type == nameof(MeetingPublished)).Sequence;
        var history = entries.Select(EventSerializer.Deserialize).ToList();
        var changes = MeetingChanges.Between(history, (int)Math.Max(told ?? 0, published));
        var kind = changes.Any(c => c is MeetingMoved) ? NoticeKind.Moved : NoticeKind.Amended;
        if (notice.Kind != kind)
        {
            notice.Kind = kind;
            await db.SaveChangesAsync();
        }
        return changes;
    }

    private async Task<List<(string Recipient, Channel Channel, string Address, string Language, string? Unsubscribe)>> RecipientsAsync(Notice notice, MeetingFacts meeting)
    {
        if (notice.Kind == NoticeKind.UpSoon)
        {
            var contact = await db.SpeakerContacts.AsNoTracking().FirstOrDefaultAsync(c => c.EntryId == notice.EntryId);
            return contact is null || !phone.Value.IsConfigured ? [] : [(contact.EntryId.ToString(), Channel.Sms, contact.Phone, contact.Language, null)];
        }
        var bodyId = (await db.Meetings.AsNoTracking().SingleAsync(m => m.Id == meeting.Id)).BodyId;
        var subscribers = await db.Subscribers.AsNoTracking().Where(s => s.BodyId == bodyId).ToListAsync();
        var list = new List<(string, Channel, string, string, string?)>();
        // One copy to a mailbox or a phone, even if it has two rows: two requests at once can both add one on a
        // database that lets them (and an address kept in other capitals before addresses were lowered is the same
        // mailbox). The oldest row is the one sent to, so a retry claims the same delivery.
        var reached = new HashSet<(Channel, string)>();
        foreach (var s in subscribers.OrderBy(s => s.CreatedAt).ThenBy(s => s.Id))
        {
            if (s.Receives(Channel.Email) && smtp.Value.IsConfigured && reached.Add((Channel.Email, s.Email!.ToLowerInvariant())))
                list.Add((s.Id.ToString(), Channel.Email, s.Email!, s.Language, content.UnsubscribeUrl(s.Token)));
            if (s.Receives(Channel.Sms) && phone.Value.IsConfigured && reached.Add((Channel.Sms, s.Phone!)))
                list.Add((s.Id.ToString(), Channel.Sms, s.Phone!, s.Language, null));
        }
        return list;
    }

    /// <summary>
    /// Far longer than sending one message takes (SMTP's 30 s, Twilio's 20 s with its retries): a delivery claimed this
    /// long ago was left by a run that stopped before it could record how the sending went.
    /// </summary>
    public static TimeSpan ClaimAbandonedAfter { get; } = TimeSpan.FromMinutes(5);

    private enum Claim { Taken, Done, HeldElsewhere }

    /// <summary>
    /// Takes a delivery for sending: a new one, one that failed before, or an e-mail whose claim a stopped run left. A
    /// text such a run left may have gone out, so it is not sent again (never twice) but recorded as unknown, as a text
    /// Twilio did not answer is. Done: sent, or given up. Held elsewhere: another run is sending it, or stopped doing so.
    /// </summary>
    private async Task<Claim> ClaimAsync(Guid noticeId, string recipient, Channel channel)
    {
        var now = clock.GetUtcNow();
        try
        {
            db.Deliveries.Add(new Delivery { NoticeId = noticeId, Recipient = recipient, Channel = channel, State = DeliveryState.Sending, Attempts = 1, ClaimedAt = now });
            await db.SaveChangesAsync();
            return Claim.Taken;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            var delivery = db.Deliveries.Where(d => d.NoticeId == noticeId && d.Recipient == recipient && d.Channel == channel);
            var abandoned = now - ClaimAbandonedAfter;
            var left = delivery.Where(d => d.State == DeliveryState.Sending && (d.ClaimedAt == null || d.ClaimedAt < abandoned));
            async Task<bool> TakeAsync(IQueryable<Delivery> one) => await one.ExecuteUpdateAsync(s => s.SetProperty(d => d.State, DeliveryState.Sending)
                .SetProperty(d => d.Attempts, d => d.Attempts + 1).SetProperty(d => d.ClaimedAt, now)) == 1;
            var email = channel == Channel.Email;
            if (await TakeAsync(delivery.Where(d => d.State == DeliveryState.Failed)) || (email && await TakeAsync(left))) return Claim.Taken;
            if (!email)
                await left.ExecuteUpdateAsync(s => s.SetProperty(d => d.State, DeliveryState.Unknown)
                    .SetProperty(d => d.Error, "The server sending it stopped part-way; not resent, to avoid a duplicate."));
            return await delivery.AnyAsync(d => d.State == DeliveryState.Sending) ? Claim.HeldElsewhere : Claim.Done;
        }
    }

    private async Task<(DeliveryState, string?)> DeliverAsync(Channel channel, string to, string language, NoticeText text, string? unsubscribe)
    {
        try
        {
            var say = languages.For(language);
            if (channel == Channel.Email) await email.SendAsync(to, text.Subject, $"{text.Body}\n\n{say.Format("notice.footer.email", unsubscribe)}\n", unsubscribe!);
            else await twilio.SendSmsAsync(to, $"{text.Sms} {say.Format("notice.footer.sms")}");
            return (DeliveryState.Sent, null);
        }
        catch (Twilio.Exceptions.ApiException e)
        {
            // Twilio answered with an error: nothing was sent, so trying again is safe.
            return (DeliveryState.Failed, ContactsMasked.In($"Twilio {e.Status}: {e.Message}"));
        }
        catch (Exception e) when (channel == Channel.Sms && TwilioHealth.NotCarriedOut(e))
        {
            // Twilio not reached (no connection, or the circuit open after failures): nothing was sent, so trying again is safe.
            return (DeliveryState.Failed, $"Twilio not reached: {TwilioHealth.Reason(e)}");
        }
        catch (Exception e) when (channel == Channel.Sms)
        {
            // No answer from Twilio: the text may or may not have gone out. Sending it again could send it twice.
            log.LogWarning(e, "A text to {Recipient} may not have been sent; not retrying it.", to[^4..]);
            return (DeliveryState.Unknown, $"No answer from Twilio ({e.GetType().Name}); not resent, to avoid a duplicate.");
        }
        catch (Exception e)
        {
            return (DeliveryState.Failed, Truncate(ContactsMasked.In(e.Message)));
        }
    }

    /// <summary>The e-mail half of the double opt-in: a confirmation link. Retried: an SMTP server that refused took nothing.</summary>
    [AutomaticRetry(Attempts = 3)]
    public async Task ConfirmEmailAsync(Guid subscriberId)
    {
        var s = await db.Subscribers.AsNoTracking().FirstOrDefaultAsync(x => x.Id == subscriberId);
        if (s?.Email is null || s.EmailConfirmedAt is not null || !smtp.Value.IsConfigured) return;
        if (address.Problem is { } problem) throw new InvalidOperationException(problem);
        var body = await BodyNameAsync(s.BodyId);
        var say = languages.For(s.Language);
        var unsubscribe = content.UnsubscribeUrl(s.Token);
        await email.SendAsync(s.Email, say.Format("notice.confirm.subject", body),
            $"{say.Format("notice.confirm.body", body, content.ConfirmUrl(s))}\n\n{say.Format("notice.footer.email", unsubscribe)}\n", unsubscribe);
    }

    /// <summary>The text half of the double opt-in: a code to reply with. Not retried, so a slow answer never means two texts.</summary>
    [AutomaticRetry(Attempts = 0)]
    public async Task ConfirmTextAsync(Guid subscriberId)
    {
        var s = await db.Subscribers.AsNoTracking().FirstOrDefaultAsync(x => x.Id == subscriberId);
        if (s?.Phone is null || s.SmsConfirmedAt is not null || !phone.Value.IsConfigured) return;
        var body = await BodyNameAsync(s.BodyId);
        await twilio.SendSmsAsync(s.Phone, languages.For(s.Language).Format("notice.confirm.sms", body, s.SmsCode));
    }

    private Task<string> BodyNameAsync(Guid bodyId) => db.Bodies.AsNoTracking().Where(b => b.Id == bodyId).Select(b => b.Name).SingleAsync();

    private static string Truncate(string text) => text.Length <= 900 ? text : text[..900];
}
