using Hangfire;
using Meetings.Server.Data;
using Meetings.Server.Domain;
using Meetings.Server.Meetings;
using Meetings.Server.Phone;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Meetings.Server.Notices;

/// <summary>
/// The Hangfire job that sends one notice to everyone it is for. Safe to run twice, or on two servers at
/// once: every delivery is claimed under its unique (notice, recipient, channel) key before it is sent.
/// </summary>
public sealed class NoticeJobs(
    MeetingsDbContext db, MeetingStore store, EmailSender email, TwilioGateway twilio, NoticeContent content,
    IOptions<PhoneOptions> phone, IOptions<SmtpOptions> smtp, TimeProvider clock, ILogger<NoticeJobs> log)
{
    /// <summary>Sends a notice. Failed deliveries make the job fail, so Hangfire retries it (with growing delays) and only they are sent again.</summary>
    [AutomaticRetry(Attempts = 6, DelaysInSeconds = [30, 120, 600, 1800, 3600, 7200])]
    public async Task SendAsync(Guid noticeId)
    {
        var notice = await db.Notices.FindAsync(noticeId);
        if (notice is null || notice.State == NoticeState.Dropped) return;
        var (meeting, itemNumber) = await store.ReadAsync(notice.MeetingId, m =>
            (MeetingFacts.Of(m), notice.EntryId is { } e ? m.Item(m.Entry(e).ItemId).Number : null));
        if (meeting.Status == MeetingStatus.Cancelled && notice.Kind != NoticeKind.Cancelled)
        {
            notice.State = NoticeState.Dropped;
            await db.SaveChangesAsync();
            return;
        }

        var failures = 0;
        foreach (var (recipient, channel, address, language, unsubscribe) in await RecipientsAsync(notice, meeting))
        {
            if (!await ClaimAsync(notice.Id, recipient, channel)) continue;
            var text = content.Write(notice.Kind, meeting, language, itemNumber);
            var (state, error) = await DeliverAsync(channel, address, text, unsubscribe);
            await db.Deliveries.Where(d => d.NoticeId == notice.Id && d.Recipient == recipient && d.Channel == channel)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.State, state).SetProperty(d => d.Error, error)
                    .SetProperty(d => d.SentAt, state == DeliveryState.Sent ? clock.GetUtcNow() : null));
            if (state == DeliveryState.Failed) failures++;
        }
        notice.State = NoticeState.Sent;
        await db.SaveChangesAsync();
        if (failures > 0) throw new InvalidOperationException($"{failures} deliveries of notice {notice.Key} failed; they will be retried.");
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
        foreach (var s in subscribers)
        {
            if (s.Receives(Channel.Email) && smtp.Value.IsConfigured) list.Add((s.Id.ToString(), Channel.Email, s.Email!, s.Language, content.UnsubscribeUrl(s.Token)));
            if (s.Receives(Channel.Sms) && phone.Value.IsConfigured) list.Add((s.Id.ToString(), Channel.Sms, s.Phone!, s.Language, null));
        }
        return list;
    }

    /// <summary>Takes a delivery for sending: a new one, or one that failed before. False when another run has it or it is done.</summary>
    private async Task<bool> ClaimAsync(Guid noticeId, string recipient, Channel channel)
    {
        try
        {
            db.Deliveries.Add(new Delivery { NoticeId = noticeId, Recipient = recipient, Channel = channel, State = DeliveryState.Sending, Attempts = 1 });
            await db.SaveChangesAsync();
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return await db.Deliveries
                .Where(d => d.NoticeId == noticeId && d.Recipient == recipient && d.Channel == channel && d.State == DeliveryState.Failed)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.State, DeliveryState.Sending).SetProperty(d => d.Attempts, d => d.Attempts + 1)) == 1;
        }
    }

    private async Task<(DeliveryState, string?)> DeliverAsync(Channel channel, string address, NoticeText text, string? unsubscribe)
    {
        try
        {
            if (channel == Channel.Email) await email.SendAsync(address, text.Subject, text.Body, unsubscribe!);
            else await twilio.SendSmsAsync(address, text.Sms + " Reply STOP to stop.");
            return (DeliveryState.Sent, null);
        }
        catch (Twilio.Exceptions.ApiException e)
        {
            // Twilio answered with an error: nothing was sent, so trying again is safe.
            return (DeliveryState.Failed, $"Twilio {e.Status}: {e.Message}");
        }
        catch (Exception e) when (channel == Channel.Sms)
        {
            // No answer from Twilio: the text may or may not have gone out. Sending it again could send it twice.
            log.LogWarning(e, "A text to {Recipient} may not have been sent; not retrying it.", address[^4..]);
            return (DeliveryState.Unknown, $"No answer from Twilio ({e.GetType().Name}); not resent, to avoid a duplicate.");
        }
        catch (Exception e)
        {
            return (DeliveryState.Failed, Truncate(e.Message));
        }
    }

    /// <summary>The e-mail half of the double opt-in: a confirmation link. Retried: an SMTP server that refused took nothing.</summary>
    [AutomaticRetry(Attempts = 3)]
    public async Task ConfirmEmailAsync(Guid subscriberId)
    {
        var s = await db.Subscribers.AsNoTracking().FirstOrDefaultAsync(x => x.Id == subscriberId);
        if (s?.Email is null || s.EmailConfirmedAt is not null || !smtp.Value.IsConfigured) return;
        var body = await BodyNameAsync(s.BodyId);
        var es = s.Language == "es";
        await email.SendAsync(s.Email,
            es ? $"Confirme su suscripción a los avisos de {body}" : $"Confirm your subscription to notices of {body}",
            es ? $"Para recibir por correo los avisos de {body}, abra este enlace: {content.ConfirmUrl(s.Token)}\nSi no lo pidió, ignore este mensaje."
               : $"To receive notices of {body} by e-mail, open this link: {content.ConfirmUrl(s.Token)}\nIf you did not ask for this, ignore this message.",
            content.UnsubscribeUrl(s.Token));
    }

    /// <summary>The text half of the double opt-in: a code to reply with. Not retried, so a slow answer never means two texts.</summary>
    [AutomaticRetry(Attempts = 0)]
    public async Task ConfirmTextAsync(Guid subscriberId)
    {
        var s = await db.Subscribers.AsNoTracking().FirstOrDefaultAsync(x => x.Id == subscriberId);
        if (s?.Phone is null || s.SmsConfirmedAt is not null || !phone.Value.IsConfigured) return;
        var body = await BodyNameAsync(s.BodyId);
        await twilio.SendSmsAsync(s.Phone, s.Language == "es"
            ? $"Para recibir avisos de {body} por mensaje de texto, responda {s.SmsCode}. Responda STOP para no recibir más."
            : $"To get notices of {body} by text, reply {s.SmsCode}. Reply STOP to stop.");
    }

    private Task<string> BodyNameAsync(Guid bodyId) => db.Bodies.AsNoTracking().Where(b => b.Id == bodyId).Select(b => b.Name).SingleAsync();

    private static string Truncate(string text) => text.Length <= 900 ? text : text[..900];
}
