using System.Security.Claims;
using Meetings.Client.Contracts;
using Meetings.Server.Domain;
using Meetings.Server.Errors;
using Meetings.Server.Identity;
using Meetings.Server.Meetings;
using Microsoft.Extensions.Options;

namespace Meetings.Server.Documents;

/// <summary>
/// <c>Documents:MaxMegabytes</c> (25) per file; <c>Documents:Folder</c> for the file store (default <c>documents/</c> in the
/// data folder), or <c>Documents:S3:Bucket</c> with <c>ServiceUrl</c>, <c>Region</c>, <c>AccessKey</c>, <c>SecretKey</c> and
/// <c>Prefix</c> for an S3-compatible store.
/// </summary>
public sealed class DocumentOptions
{
    public int MaxMegabytes { get; set; } = 25;
    public string? Folder { get; set; }
    public S3Options S3 { get; set; } = new();

    public long MaxBytes => MaxMegabytes * 1024L * 1024L;
}

public sealed class S3Options
{
    public string? Bucket { get; set; }
    public string? ServiceUrl { get; set; }
    public string Region { get; set; } = "us-east-1";
    public string? AccessKey { get; set; }
    public string? SecretKey { get; set; }
    public string Prefix { get; set; } = "documents/";
}

/// <summary>Agenda documents: a clerk's upload checked and kept, then attached through the meeting's one path of change.</summary>
public sealed class DocumentService(IDocumentStore files, MeetingStore store, IOptions<DocumentOptions> options)
{
    public async Task<DocumentDto> AttachAsync(Guid meetingId, Guid itemId, IFormFile? file, string? title, Guid? replaces, ClaimsPrincipal user, CancellationToken ct)
    {
        if (file is null || file.Length == 0) throw new InvalidInputException("file", "Choose a file to upload.");
        var max = options.Value.MaxBytes;
        if (file.Length > max) throw new InvalidInputException("file", $"The file is {Megabytes(file.Length)}; the limit is {options.Value.MaxMegabytes} MB.");
        var content = new byte[file.Length];
        await using (var stream = file.OpenReadStream()) await stream.ReadExactlyAsync(content, ct);
        var type = DocumentTypes.Of(content, file.FileName)
            ?? throw new InvalidInputException("file", $"The content of '{Path.GetFileName(file.FileName)}' is not one of the accepted kinds: {DocumentTypes.Accepted}.");
        var name = SafeName(file.FileName, type);
        var documentId = Guid.NewGuid();
        Func<Meeting, DateTimeOffset, MeetingEvent[]> attach = (m, now) => m.AttachDocument(now, documentId, itemId,
            string.IsNullOrWhiteSpace(title) ? Path.GetFileNameWithoutExtension(name) : title, name, type.MediaType, content.Length, ContentHash.Of(content), replaces);
        // The file is kept before the meeting names it, and only if the meeting would take it.
        await store.CheckAsync(meetingId, attach, ct);
        await files.KeepAsync(content, ct);
        var result = await store.ExecuteAsync(meetingId, Actors.For(user), attach, m => MeetingViews.Document(meetingId, m.Document(documentId)), ct);
        return result.View;
    }

    public Task RemoveAsync(Guid meetingId, Guid documentId, ClaimsPrincipal user, CancellationToken ct) =>
        store.ExecuteAsync(meetingId, Actors.For(user), (m, now) => m.RemoveDocument(now, documentId), ct);

    /// <summary>
    /// A document's file, for those who may see the meeting (the public once the agenda is posted). <paramref name="loading"/>
    /// is called before a meeting not held here is loaded for anyone but a clerk (<see cref="MeetingStore.ReadWatchedAsync"/>).
    /// </summary>
    public async Task<(AgendaDocument Document, Stream Content)> OpenAsync(Guid meetingId, Guid documentId, ClaimsPrincipal user, Action loading, CancellationToken ct)
    {
        AgendaDocument? Find(Meeting m) => MeetingEndpoints.Visible(m, user) ? m.Documents.FirstOrDefault(d => d.Id == documentId) : null;
        // A clerk reads the journal's latest, so a document they just uploaded through another instance is found.
        var document = await (user.IsClerk() ? store.ReadAsync(meetingId, Find, ct) : store.ReadWatchedAsync(meetingId, Find, loading, ct))
            ?? throw new NotFoundException("No such document.");
        var content = await files.OpenAsync(document.ContentHash, ct)
            ?? throw new NotFoundException("The document's file is missing from the document store.");
        return (document, content);
    }

    /// <summary>The name as uploaded, without any folder or odd characters, ending in the extension its content has.</summary>
    private static string SafeName(string uploaded, DocumentType type)
    {
        var stem = new string(Path.GetFileNameWithoutExtension(Path.GetFileName(uploaded.Replace('\\', '/')))
            .Where(c => !char.IsControl(c) && c is not ('"' or '/' or '\\' or ':' or '*' or '?' or '<' or '>' or '|')).ToArray()).Trim();
        if (stem.Length == 0) stem = "document";
        return (stem.Length > 150 ? stem[..150] : stem) + type.Extension;
    }

    private static string Megabytes(long bytes) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024.0:0.#} MB");
}
