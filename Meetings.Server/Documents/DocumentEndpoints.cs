using System.Security.Claims;
using Meetings.Server.Errors;
using Meetings.Server.Identity;
using Meetings.Server.Live;
using Meetings.Server.Records;

namespace Meetings.Server.Documents;

public static class DocumentEndpoints
{
    /// <summary>
    /// Agenda documents: <c>POST /api/meetings/{id}/agenda/{itemId}/documents</c> (a clerk's upload, multipart: <c>file</c>,
    /// <c>title</c>, <c>replaces</c>), <c>GET</c> and <c>DELETE /api/meetings/{id}/documents/{documentId}</c>, and
    /// <c>GET /api/meetings/{id}/packet</c>, the agenda and its documents in one ZIP.
    /// </summary>
    public static void MapDocumentEndpoints(this WebApplication app)
    {
        var max = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DocumentOptions>>().Value.MaxBytes;
        // The sign-in cookie is SameSite=Strict, so no other site can post a form with it: the antiforgery token adds nothing.
        // Handed over as a Delegate, so the request delegate generator leaves it to be bound at run time, as before
        // (RequestDelegateFactory): the generated code fails with a 500 on a POST with no body and no Content-Type,
        // where the run-time binding answers 415.
        Delegate attach = async (Guid id, Guid itemId, IFormFile? file, [Microsoft.AspNetCore.Mvc.FromForm] string? title,
            [Microsoft.AspNetCore.Mvc.FromForm] Guid? replaces, ClaimsPrincipal user, DocumentService documents, CancellationToken ct) =>
        {
            var document = await documents.AttachAsync(id, itemId, file, title, replaces, user, ct);
            return Results.Created(document.Url, document);
        };
#pragma warning disable RDG002 // Bound at run time on purpose (above).
        app.MapPost("/api/meetings/{id:guid}/agenda/{itemId:guid}/documents", attach)
#pragma warning restore RDG002
            .WithTags("Documents").RequireAuthorization(Roles.ClerkPolicy).DisableAntiforgery().MeetsRules()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(max + 1024 * 1024))
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestFormLimitsAttribute { MultipartBodyLengthLimit = max + 1024 * 1024 });

        var group = app.MapGroup("/api/meetings/{id:guid}").WithTags("Documents");
        group.MapGet("/documents/{documentId:guid}", async (Guid id, Guid documentId, ClaimsPrincipal user, DocumentService documents, JournalReadLimits reads,
            HttpContext http, CancellationToken ct) =>
        {
            var (document, content) = await documents.OpenAsync(id, documentId, user, () => reads.Count(http), ct);
            http.Response.Headers.XContentTypeOptions = "nosniff";
            return Results.Stream(content, document.MediaType, document.FileName, entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{document.ContentHash}\""));
        }).ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapDelete("/documents/{documentId:guid}", async (Guid id, Guid documentId, ClaimsPrincipal user, DocumentService documents, CancellationToken ct) =>
        {
            await documents.RemoveAsync(id, documentId, user, ct);
            return Results.NoContent();
        }).RequireAuthorization(Roles.ClerkPolicy).MeetsRules().Produces(StatusCodes.Status204NoContent);
        group.MapGet("/packet", async (Guid id, ClaimsPrincipal user, MeetingRecords records, PacketFiles packets, CancellationToken ct) =>
        {
            var (file, tag) = await packets.OpenAsync(await records.ReadAsync(id, user, ct), ct);
            return Results.Stream(file, "application/zip", $"packet-{id}.zip", enableRangeProcessing: true,
                entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{tag}\""));
        }).RequireRateLimiting(Records.RecordsRegistration.RateLimit);
    }
}
