using Meetings.Server.Data;
using Meetings.Server.Domain;
using Meetings.Server.Live;
using Meetings.Server.Meetings;
using Microsoft.EntityFrameworkCore;
using Twilio.TwiML;

namespace Meetings.Server.Phone;

/// <summary>What callers hear alone, the meeting's end, and the calls the server places: the Twilio side of each.</summary>
public sealed partial class PhoneSync
{
    /// <summary>How long before a turn's end its speaker hears the warning.</summary>
    public static TimeSpan WarningBefore { get; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How a request to Twilio went: done; refused (Twilio answered no: no such call, not in progress); failing (Twilio
    /// is in trouble, or could not be reached: not carried out, worth another try); unknown (no answer in time: it may
    /// have been carried out, so what must not happen twice is not sent again).
    /// </summary>
    private enum Sent { Done, Refused, Failing, Unknown }

    private static async Task<(Sent Outcome, string? Problem)> TryAsync(TwilioHealth health, string what, Func<Task> send, CancellationToken ct)
    {
        try
        {
            await send();
            health.Answered();
            return (Sent.Done, null);
        }
        catch (Twilio.Exceptions.ApiException e) when (e.Status is >= 400 and < 500 and not 429)
        {
            // Twilio answered, and said no: Twilio is fine, the request was not.
            health.Answered();
            return (Sent.Refused, TwilioHealth.Reason(e));
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            health.Failed(what, e);
            return (TwilioHealth.NotCarriedOut(e) ? Sent.Failing : Sent.Unknown, TwilioHealth.Reason(e));
        }
    }

    /// <summary>
    /// Plays each pending announcement to its participant alone, and says goodbye to every line when the meeting ends
    /// (then hangs up). Each is claimed before it is sent, so two passes (or two servers) never both send it, and put
    /// back only when Twilio was failing: one Twilio may have played (no answer) is not sent again. A participant away
    /// in the keypad menu hears theirs when back.
    /// </summary>
    private async Task<IEnumerable<Guid>> AnnounceAsync(MeetingsDbContext db, TwilioGateway gateway, TwilioHealth health, CancellationToken ct)
    {
        var due = await db.PhoneCalls.AsNoTracking().Where(c => c.Announcement != null && !c.HungUp).ToListAsync(ct);
        var changed = new List<Guid>();
        foreach (var call in due)
        {
            var what = call.Announcement!;
            var ending = what is Announcements.MeetingEnded or Announcements.MeetingCancelled;
            if (!ending && (!call.InConference || call.ConferenceSid is null)) continue;
            var claim = db.PhoneCalls.Where(c => c.CallSid == call.CallSid && c.AnnouncementFor == call.AnnouncementFor);
            if (await claim.Where(c => c.Announcement == what).ExecuteUpdateAsync(s => s.SetProperty(c => c.Announcement, (string?)null), ct) == 0) continue;
            var say = languages.Prompts(call.Language);
            var (outcome, _) = ending
                ? await TryAsync(health, "end a call", () => gateway.RedirectCallAsync(call.CallSid,
                    new CallScript(options).Farewell(what == Announcements.MeetingEnded ? say.Ended : say.Cancelled, say).ToString()), ct)
                : await TryAsync(health, "play an announcement", () => gateway.AnnounceAsync(call.ConferenceSid!, call.CallSid, AnnounceUrl(what, call.Language)), ct);
            // Not carried out: put it back for the next pass, unless a newer announcement took its place meanwhile.
            if (outcome == Sent.Failing)
                await claim.Where(c => c.Announcement == null).ExecuteUpdateAsync(s => s.SetProperty(c => c.Announcement, what), ct);
            else if (ending) changed.Add(call.MeetingId);
        }
        return changed;
    }

    /// <summary>"30 seconds left", once per end time, to each line of the speaker whose running turn is that close to its end.</summary>
    private async Task<IEnumerable<Guid>> WarnAsync(MeetingsDbContext db, TwilioGateway gateway, TwilioHealth health, MeetingStore store, CancellationToken ct)
    {
        var open = await db.PhoneCalls.AsNoTracking()
            .Where(c => !c.WantMuted && c.InConference && !c.HungUp && c.EntryId != null && c.ConferenceSid != null).ToListAsync(ct);
        var now = clock.GetUtcNow();
        foreach (var meeting in open.GroupBy(c => c.MeetingId))
        {
            var turn = await store.ReadAsync(meeting.Key, m => m.Speaking is { Turn: { IsPaused: false, EndsAt: { } end } } s ? (s.Id, end) : ((Guid, DateTimeOffset)?)null, ct);
            if (turn is not var (speaker, endsAt) || endsAt - now > WarningBefore || endsAt <= now) continue;
            // Whole seconds: what the database keeps of a moment is coarser than the clock's ticks.
            var warnedFor = new DateTimeOffset(endsAt.UtcTicks - endsAt.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
            foreach (var call in meeting.Where(c => c.EntryId == speaker && c.WarnedFor != warnedFor))
            {
                var claim = db.PhoneCalls.Where(c => c.CallSid == call.CallSid);
                if (await claim.Where(c => c.WarnedFor == call.WarnedFor).ExecuteUpdateAsync(s => s.SetProperty(c => c.WarnedFor, warnedFor), ct) == 0) continue;
                var (outcome, _) = await TryAsync(health, "play an announcement",
                    () => gateway.AnnounceAsync(call.ConferenceSid!, call.CallSid, AnnounceUrl(Announcements.Warning, call.Language)), ct);
                if (outcome == Sent.Failing)
                    await claim.Where(c => c.WarnedFor == warnedFor).ExecuteUpdateAsync(s => s.SetProperty(c => c.WarnedFor, call.WarnedFor), ct);
            }
        }
        return [];
    }

    /// <summary>
    /// Calls each web speaker who asked to be called and is now on deck, from the meeting line. Claimed before it is
    /// placed, so no resident is called twice for one request: a call Twilio refused outright or may have placed
    /// (no answer) shows the clerk "did not answer", who can try again.
    /// </summary>
    private async Task<IEnumerable<Guid>> CallBackAsync(MeetingsDbContext db, TwilioGateway gateway, TwilioHealth health, MeetingStore store, CancellationToken ct)
    {
        var changed = await AbandonedDiallingAsync(db, ct);
        var due = await db.SpeakerContacts.AsNoTracking().Where(c => c.CallBack == CallBackState.Due).ToListAsync(ct);
        foreach (var contact in due)
        {
            var mine = db.SpeakerContacts.Where(c => c.EntryId == contact.EntryId);
            var now = clock.GetUtcNow();
            if (await mine.Where(c => c.CallBack == CallBackState.Due)
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.CallBack, CallBackState.Dialling).SetProperty(c => c.DiallingSince, now), ct) == 0) continue;
            changed.Add(contact.MeetingId);
            try
            {
                await PlaceCallBackAsync(db, gateway, health, store, contact, mine, ct);
            }
            catch (Exception e)
            {
                // Never left "being called" for good, where the clerk could not try again; whether Twilio placed it is not known.
                await mine.ExecuteUpdateAsync(s => s.SetProperty(c => c.CallBack, CallBackState.Failed)
                    .SetProperty(c => c.CallBackProblem, "The server could not finish placing this call."), CancellationToken.None);
                if (e is OperationCanceledException) throw;
                log.LogWarning(e, "Placing the call-back for sign-up {EntryId} failed; the clerk can try again.", contact.EntryId);
            }
        }
        return changed;
    }

    /// <summary>
    /// Call-backs left dialling by a server that stopped while placing them (killed, say): shown to the clerk as not
    /// answered, who can call again, instead of "being called" for good. Whether Twilio placed the call is not known,
    /// so the server does not call again by itself.
    /// </summary>
    private async Task<List<Guid>> AbandonedDiallingAsync(MeetingsDbContext db, CancellationToken ct)
    {
        var before = clock.GetUtcNow() - DiallingAbandonedAfter;
        var abandoned = db.SpeakerContacts.Where(c => c.CallBack == CallBackState.Dialling && (c.DiallingSince == null || c.DiallingSince < before));
        var meetings = await abandoned.Select(c => c.MeetingId).Distinct().ToListAsync(ct);
        if (meetings.Count > 0)
            await abandoned.ExecuteUpdateAsync(s => s.SetProperty(c => c.CallBack, CallBackState.Failed)
                .SetProperty(c => c.CallBackProblem, "The server stopped while placing this call."), ct);
        return meetings;
    }

    /// <summary>Far longer than placing a call takes (Twilio's request and its retries), so only an abandoned one is this old.</summary>
    public static TimeSpan DiallingAbandonedAfter { get; } = TimeSpan.FromMinutes(2);

    /// <summary>Places one claimed call-back, unless the sign-up left the line meanwhile, and records how it went.</summary>
    private async Task PlaceCallBackAsync(MeetingsDbContext db, TwilioGateway gateway, TwilioHealth health, MeetingStore store, SpeakerContact contact,
        IQueryable<SpeakerContact> mine, CancellationToken ct)
    {
        var inLine = await store.ReadAsync(contact.MeetingId,
            m => m.InSessionOrRecess && m.FindEntry(contact.EntryId)?.State is SpeakerState.Waiting or SpeakerState.OnDeck, ct);
        if (!inLine)
        {
            await mine.ExecuteUpdateAsync(s => s.SetProperty(c => c.CallBack, CallBackState.None), ct);
            return;
        }
        string? callSid = null;
        var url = new Uri($"{options.Value.PublicBaseUrl}/phone/voice/callback?entry={contact.EntryId}&lang={contact.Language}");
        var (outcome, problem) = await TryAsync(health, "place a call-back",
            async () => callSid = await gateway.PlaceCallAsync(contact.Phone, url, new Uri($"{options.Value.PublicBaseUrl}/phone/call-status?entry={contact.EntryId}")), ct);
        if (outcome == Sent.Done)
        {
            await db.RecordOnceAsync(PhoneCall.CallBackTo(contact, callSid!, clock.GetUtcNow()), ct);
            await mine.ExecuteUpdateAsync(s => s.SetProperty(c => c.CallBack, CallBackState.Placed).SetProperty(c => c.CallBackProblem, (string?)null), ct);
        }
        else if (outcome == Sent.Failing)
            await mine.ExecuteUpdateAsync(s => s.SetProperty(c => c.CallBack, CallBackState.Due).SetProperty(c => c.CallBackProblem, problem), ct);
        else
            await mine.ExecuteUpdateAsync(s => s.SetProperty(c => c.CallBack, CallBackState.Failed).SetProperty(c => c.CallBackProblem, problem), ct);
    }

    private Uri AnnounceUrl(string what, string language)
    {
        var (kind, seconds) = what.Split(':') is [var k, var s] ? (k, $"&seconds={s}") : (what, "");
        return new Uri($"{options.Value.PublicBaseUrl}/phone/announce?what={kind}&lang={language}{seconds}");
    }
}
