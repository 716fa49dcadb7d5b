using System.Security.Claims;
using System.Text;
using Meetings.Client.Contracts;
using Meetings.Server.Domain;
using Meetings.Server.Errors;
using Meetings.Server.Identity;
using Meetings.Server.Languages;
using Meetings.Server.Records;

namespace Meetings.Server.Minutes;

public static class MinutesEndpoints
{
    /// <summary>
    /// Minutes: <c>GET /api/meetings/{id}/minutes?format=html|md|pdf&amp;lang=en|es&amp;version=n&amp;draft=true</c> (the latest
    /// approved version for anyone; the draft only for clerks), <c>GET .../minutes/versions</c>, and for clerks
    /// <c>GET .../minutes/draft</c>, <c>PUT .../minutes/narrative</c> and <c>POST .../minutes/approve</c>.
    /// </summary>
    public static void MapMinutesEndpoints(this WebApplication app)
    {
        var group = app.MapGroup("/api/meetings/{id:guid}/minutes").WithTags("Minutes");
        group.MapGet("/", Show).RequireRateLimiting(RecordsRegistration.RateLimit);
        group.MapGet("/versions", async (Guid id, ClaimsPrincipal user, MeetingRecords records, CancellationToken ct) =>
            (await records.ReadAsync(id, user, ct)).Meeting.MinutesVersions.Select(Dto)).RequireRateLimiting(RecordsRegistration.RateLimit);

        var clerk = group.MapGroup("/").RequireAuthorization(Roles.ClerkPolicy).MeetsRules();
        clerk.MapGet("/draft", async (Guid id, ClaimsPrincipal user, MinutesService minutes) =>
        {
            var (record, draft) = await minutes.DraftAsync(id, user);
            var m = record.Meeting;
            return new MinutesDraft(id, m.Status.ToString(), m.Status == MeetingStatus.Adjourned, draft.Narrative,
                [.. m.Agenda.Zip(draft.Items, (i, d) => new ItemNarrative(i.Id, i.Number, i.Title, d.Narrative))],
                [.. m.MinutesVersions.Select(Dto)]);
        });
        clerk.MapPut("/narrative", async (Guid id, NarrativeRequest request, ClaimsPrincipal user, MinutesService minutes) =>
        {
            await minutes.EditNarrativeAsync(id, request, user);
            return Results.NoContent();
        });
        clerk.MapPost("/approve", async (Guid id, ApproveMinutesRequest? request, ClaimsPrincipal user, MinutesService minutes) =>
        {
            var version = await minutes.ApproveAsync(id, request ?? new(), user);
            return Results.Created($"/api/meetings/{id}/minutes?version={version.Version}", Dto(version));
        });
    }

    private static MinutesVersionDto Dto(MinutesVersion v) => new(v.Version, v.ApprovedAt, v.Correction, v.DocumentHash, v.AsOfSequence);

    private static async Task<IResult> Show(
        Guid id, string? format, string? lang, int? version, bool? draft, ClaimsPrincipal user, MinutesService minutes,
        MeetingRecords records, RecordLinks links, MinutesFonts fonts, MinutesRenderings renderings, Languages.Languages languages, HttpRequest request,
        CancellationToken ct)
    {
        if (lang is not null && !languages.Has(lang))
            throw new InvalidInputException("lang", $"The language is one of {string.Join(", ", languages.All.Select(l => l.Code))}.");
        var say = languages.FromRequest(request);
        if (format is not (null or "html" or "md" or "pdf")) throw new InvalidInputException("format", "The format is html, md or pdf.");
        if (draft == true && version is not null) throw new InvalidInputException("version", "Ask for a version or for the draft, not both.");

        MinutesDocument document;
        if (draft == true) document = await Draft(id, user, minutes);
        else
        {
            var record = await records.ReadAsync(id, user, ct);
            document = await minutes.ApprovedAsync(record, version, ct)
                ?? (version is not null ? throw new NotFoundException($"There is no version {version} of these minutes.")
                    : user.IsClerk() ? (await minutes.DraftAsync(id, user, ct)).Document
                    : throw new NotFoundException("The minutes of this meeting have not been approved yet."));
        }
        if (format == "pdf" && !fonts.Available)
            return Results.Problem(statusCode: 503,
                title: "PDF minutes need the DejaVu Serif fonts (Debian's fonts-dejavu-core) or Minutes:FontFolder; HTML and Markdown work without them.");

        var verify = $"{links.Base}/api/meetings/{id}/journal/verify";
        var minutesAsSent = document.Version is { } approved
            ? await renderings.GetAsync(id, approved, format ?? "html", say.Code, () => Render(document, format, say, verify))
            : Render(document, format, say, verify);
        return minutesAsSent.FileName is { } name
            ? Results.File(minutesAsSent.Body, minutesAsSent.ContentType, name)
            : Results.Bytes(minutesAsSent.Body, minutesAsSent.ContentType);
    }

    private static RenderedMinutes Render(MinutesDocument document, string? format, Language say, string verify)
    {
        var layout = new MinutesLayout(say);
        var title = layout.Title(document);
        var blocks = layout.Lay(document, verify);
        var name = $"minutes-{document.MeetingId}-{(document.Version is { } v ? $"v{v}" : "draft")}-{say.Code}";
        return format switch
        {
            "md" => new(Encoding.UTF8.GetBytes(MinutesFormats.Markdown(blocks)), "text/markdown; charset=utf-8", null),
            "pdf" => new(MinutesPdf.Render(title, blocks), "application/pdf", name + ".pdf"),
            _ => new(Encoding.UTF8.GetBytes(MinutesFormats.Html(title, blocks, say.Code)), "text/html; charset=utf-8", null),
        };
    }

    private static async Task<MinutesDocument> Draft(Guid id, ClaimsPrincipal user, MinutesService minutes) =>
        user.IsClerk() ? (await minutes.DraftAsync(id, user)).Document : throw new ForbiddenException("Draft minutes are for clerks.");
}
