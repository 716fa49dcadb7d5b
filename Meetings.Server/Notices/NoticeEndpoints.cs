using System.Globalization;
using System.Text;
using Meetings.Client.Contracts;
using Meetings.Server.Data;
using Meetings.Server.Domain;
using Meetings.Server.Errors;
using Meetings.Server.Identity;
using Meetings.Server.Meetings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Meetings.Server.Notices;

public static class NoticeEndpoints
{
    /// <summary>
    /// The clerk's delivery report, <c>GET /api/meetings/{id}/notices</c>, and the public calendar feed,
    /// <c>GET /api/bodies/{id}/calendar.ics</c>.
    /// </summary>
    public static void MapNoticeEndpoints(this WebApplication app)
    {
        app.MapGet("/api/meetings/{id:guid}/notices", Report).WithTags("Notices").RequireAuthorization(Roles.ClerkPolicy);
        app.MapGet("/api/notices/status", (PublicAddress address, IOptions<SmtpOptions> smtp, IOptions<Phone.PhoneOptions> phone) =>
            new NoticeStatus(address.Problem, smtp.Value.IsConfigured, phone.Value.IsConfigured)).WithTags("Notices").RequireAuthorization(Roles.ClerkPolicy);
        app.MapGet("/api/bodies/{id:guid}/calendar.ics", Calendar).WithTags("Notices").Produces<string>(StatusCodes.Status200OK, "text/calendar")
            .Produces(StatusCodes.Status304NotModified);
    }

    private static async Task<IEnumerable<NoticeReport>> Report(Guid id, MeetingsDbContext db)
    {
        var notices = await db.Notices.AsNoTracking().Where(n => n.MeetingId == id).ToListAsync();
        var ids = notices.Select(n => n.Id).ToList();
        var deliveries = await db.Deliveries.AsNoTracking().Where(d => ids.Contains(d.NoticeId)).ToListAsync();
        return notices.OrderBy(n => n.DueAt).Select(n =>
        {
            var mine = deliveries.Where(d => d.NoticeId == n.Id).ToList();
            int Count(DeliveryState s) => mine.Count(d => d.State == s);
            return new NoticeReport(n.Kind.ToString(), n.DueAt, n.State.ToString(), Count(DeliveryState.Sent), Count(DeliveryState.Failed),
                Count(DeliveryState.Sending), Count(DeliveryState.Unknown),
                mine.Where(d => d.State is DeliveryState.Failed or DeliveryState.Unknown)
                    .Select(d => new DeliveryProblem(d.Channel.ToString(), d.State.ToString(), d.Attempts, d.Error)).ToList());
        });
    }

    /// <summary>
    /// RFC 5545 events for a body's posted meetings: a stable UID, a SEQUENCE that grows when the meeting
    /// changes, STATUS:CANCELLED when cancelled, times in UTC (the end from the agenda's estimated length, or the
    /// body's usual meeting length), and RFC 7986 CONFERENCE lines for the web page, the livestream and the dial-in,
    /// each with the features it really offers. Links use the public address, or without one the address the feed
    /// was fetched at. Made again only when something in it changed (<see cref="CalendarFeeds"/>); its ETag answers 304.
    /// </summary>
    private static async Task<IResult> Calendar(Guid id, HttpRequest request, MeetingsDbContext db, MeetingStore store, PublicAddress address,
        IOptions<Phone.PhoneOptions> phone, Languages.Languages languages, TimeProvider clock, CalendarFeeds feeds)
    {
        var site = address.BaseUrl ?? $"{request.Scheme}://{request.Host}";
        var body = await db.Bodies.AsNoTracking().FirstOrDefaultAsync(b => b.Id == id) ?? throw new NotFoundException("No such body.");
        var meetings = (await db.Meetings.AsNoTracking().Where(m => m.BodyId == id && m.Posted)
            .Select(m => new { m.Id, m.LastSequence }).ToListAsync()).OrderBy(m => m.Id).ToList();
        var version = CalendarFeeds.Version(site, body.Name, phone.Value, meetings.Select(m => (m.Id, m.LastSequence)));
        request.HttpContext.Response.Headers.ETag = version;
        request.HttpContext.Response.Headers.CacheControl = "no-cache"; // keep it, but ask each time: a 304 costs the server almost nothing
        if (CalendarFeeds.Holds(request, version)) return Results.StatusCode(StatusCodes.Status304NotModified);
        var ics = await feeds.GetAsync(id, version, () => MakeCalendar(body.Name, [.. meetings.Select(m => (m.Id, m.LastSequence))], site, store, feeds, phone.Value, languages, clock));
        return Results.Text(ics, "text/calendar; charset=utf-8");
    }

    private static async Task<string> MakeCalendar(string bodyName, List<(Guid Id, long Sequence)> meetings, string site, MeetingStore store,
        CalendarFeeds feeds, Phone.PhoneOptions phone, Languages.Languages languages, TimeProvider clock)
    {
        var say = languages.Default;
        var ics = new StringBuilder();
        void Line(string text) => Fold(ics, text);
        Line("BEGIN:VCALENDAR");
        Line("VERSION:2.0");
        Line("PRODID:-//Meetings//Public meetings//EN");
        Line("CALSCALE:GREGORIAN");
        Line("METHOD:PUBLISH");
        Line($"X-WR-CALNAME:{Escape(bodyName)}");
        foreach (var (meetingId, sequence) in meetings)
        {
            var m = await feeds.EntryAsync(meetingId, sequence, () => store.ReadAsync(meetingId, x => new CalendarEntry(
                x.Id, x.Start, x.CalendarRevision, x.Status, x.BodyName, x.Title, x.Location, x.AccessCode, x.StreamUrl, x.CaptionsUrl,
                x.EstimatedLength ?? TimeSpan.FromMinutes(x.Rules.Notice.MeetingMinutes))));
            var link = $"{site}/meetings/{m.Id}";
            var stamp = Utc(clock.GetUtcNow());
            Line("BEGIN:VEVENT");
            Line($"UID:{m.Id:D}@meetings");
            Line($"DTSTAMP:{stamp}");
            Line($"DTSTART:{Utc(m.Start)}");
            // A start stored before starts were checked could sit at the end of time; the end must not overflow past it.
            Line($"DTEND:{Utc(m.Start < DateTimeOffset.MaxValue - m.Length ? m.Start + m.Length : m.Start)}");
            Line($"SEQUENCE:{m.CalendarRevision}");
            Line($"STATUS:{(m.Status == MeetingStatus.Cancelled ? "CANCELLED" : "CONFIRMED")}");
            Line($"SUMMARY:{Escape($"{m.BodyName}: {m.Title}")}");
            Line($"LOCATION:{Escape(m.Location)}");
            Line($"URL:{link}");
            // A cancelled meeting has nothing to join.
            if (m.Status != MeetingStatus.Cancelled)
            {
                Line($"DESCRIPTION:{Escape(say.Format("calendar.web", link) +
                    (m.StreamUrl is { } watch ? "\n" + say.Format("calendar.stream", watch) : "") +
                    (m.CaptionsUrl is { } captions ? "\n" + say.Format("calendar.captions", captions) : "") +
                    (phone.PhoneNumber is { } n ? "\n" + say.Format("calendar.phone", n, m.AccessCode) : ""))}");
                // FEATURE says what each address really offers (RFC 7986): the page carries audio only when speakers can be
                // heard from the browser; video only where there is a stream; the phone line is audio.
                // Parameter values with commas or colons are quoted (RFC 5545 section 3.2), not backslash-escaped.
                Line($"CONFERENCE;VALUE=URI;{(phone.BrowserAudioEnabled ? "FEATURE=AUDIO;" : "")}LABEL=\"{Quoted(say["calendar.webLabel"])}\":{link}");
                if (m.StreamUrl is { } stream)
                    Line($"CONFERENCE;VALUE=URI;FEATURE=AUDIO,VIDEO;LABEL=\"{Quoted(say["calendar.streamLabel"])}\":{stream}");
                if (phone.IsConfigured && phone.PhoneNumber is { } number)
                    Line($"CONFERENCE;VALUE=URI;FEATURE=AUDIO,PHONE;LABEL=\"{Quoted(say.Format("calendar.phoneLabel", m.AccessCode))}\":tel:{number},,{m.AccessCode}%23");
            }
            Line("END:VEVENT");
        }
        Line("END:VCALENDAR");
        return ics.ToString();
    }

    /// <summary>A quoted parameter value cannot hold a double quote (RFC 5545 section 3.1).</summary>
    private static string Quoted(string text) => text.Replace("\"", "'", StringComparison.Ordinal);

    private static string Utc(DateTimeOffset t) => t.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    private static string Escape(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(";", "\\;", StringComparison.Ordinal)
            .Replace(",", "\\,", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>Lines longer than 75 octets are folded, continuing with a space (RFC 5545 section 3.1).</summary>
    private static void Fold(StringBuilder ics, string line)
    {
        var bytes = 0;
        foreach (var rune in line.EnumerateRunes())
        {
            var size = rune.Utf8SequenceLength;
            if (bytes + size > 75)
            {
                ics.Append("\r\n ");
                bytes = 1;
            }
            ics.Append(rune.ToString());
            bytes += size;
        }
        ics.Append("\r\n");
    }
}
