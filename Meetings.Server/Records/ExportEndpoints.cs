using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Meetings.Server.Data;
using Meetings.Server.Domain;
using Meetings.Server.Errors;
using Meetings.Server.Identity;
using Meetings.Server.Meetings;
using Microsoft.EntityFrameworkCore;

namespace Meetings.Server.Records;

public static class ExportEndpoints
{
    // Files for people and programs to download, never embedded in a page: plain characters rather than \u escapes.
    private static readonly JsonSerializerOptions Ocd = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
    private static readonly JsonSerializerOptions Legistar = new(Ocd) { PropertyNamingPolicy = null };

    /// <summary>
    /// Open data, public for every meeting that is not a draft: <c>GET /api/meetings/{id}/exports/ocd-event</c>,
    /// <c>/exports/ocd-votes</c>, <c>/exports/legistar</c>, <c>/exports/votes.csv</c>, and a body's voting record over a
    /// period at <c>GET /api/bodies/{id}/exports/votes.csv?from=yyyy-MM-dd&amp;to=yyyy-MM-dd</c> (meeting dates, local, inclusive).
    /// </summary>
    public static void MapExportEndpoints(this WebApplication app)
    {
        var meeting = app.MapGroup("/api/meetings/{id:guid}/exports").WithTags("Open data").RequireRateLimiting(RecordsRegistration.RateLimit);
        meeting.MapGet("/ocd-event", async (Guid id, ClaimsPrincipal user, MeetingRecords records, RecordLinks links, RecordDocuments documents, CancellationToken ct) =>
        {
            var record = await records.ReadAsync(id, user, ct);
            return Results.Json(OcdExport.Event(record, links, await documents.OcdAsync(record)), Ocd);
        });
        meeting.MapGet("/ocd-votes", async (Guid id, ClaimsPrincipal user, MeetingRecords records, RecordLinks links, CancellationToken ct) =>
            Results.Json(OcdExport.Votes(await records.ReadAsync(id, user, ct), links), Ocd));
        meeting.MapGet("/legistar", async (Guid id, ClaimsPrincipal user, MeetingRecords records, RecordLinks links, RecordDocuments documents, CancellationToken ct) =>
        {
            var record = await records.ReadAsync(id, user, ct);
            var minutes = await documents.MinutesAsync(record);
            var attachments = RecordDocuments.Legistar(record, links);
            return Results.Json(LegistarExport.Event(record, links, minutes.Approved, minutes.Narrative,
                item => attachments.GetValueOrDefault(item) ?? []), Legistar);
        });
        meeting.MapGet("/votes.csv", async (Guid id, ClaimsPrincipal user, MeetingRecords records, CancellationToken ct) =>
        {
            var csv = new StringBuilder(VotesCsv.Header);
            VotesCsv.AppendRows(csv, await records.ReadAsync(id, user, ct));
            return Csv(csv, $"votes-{id}.csv");
        });

        app.MapGet("/api/bodies/{id:guid}/exports/votes.csv", BodyVotes).WithTags("Open data").RequireRateLimiting(RecordsRegistration.RateLimit);
    }

    private static async Task<IResult> BodyVotes(Guid id, DateOnly? from, DateOnly? to, ClaimsPrincipal user, MeetingsDbContext db, MeetingRecords records, VoteRows votes,
        CancellationToken ct)
    {
        if (from > to) throw new InvalidInputException("from", "The period starts after it ends.");
        if (!await db.Bodies.AnyAsync(b => b.Id == id, ct)) throw new NotFoundException("No such body.");
        var rows = await db.Meetings.AsNoTracking()
            .Where(m => m.BodyId == id && m.Status != MeetingStatus.Draft && m.Status != MeetingStatus.Cancelled).ToListAsync(ct);
        var csv = new StringBuilder(VotesCsv.Header);
        foreach (var row in rows.Where(m => m.Posted || user.IsClerk()).OrderBy(m => m.Start))
        {
            var date = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(row.Start, LocalTime.Zone(row.TimeZone)).DateTime);
            if (date < from || date > to) continue;
            csv.Append(await votes.ForAsync(row.Id, row.LastSequence, records, user, ct));
        }
        var period = $"{from?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "start"}-to-{to?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "now"}";
        return Csv(csv, $"votes-{id}-{period}.csv");
    }

    private static IResult Csv(StringBuilder csv, string fileName) =>
        Results.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", fileName);
}
