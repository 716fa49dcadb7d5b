using System.Globalization;
using System.IO.Compression;
using Meetings.Server.Domain;
using Meetings.Server.Minutes;

namespace Meetings.Server.Documents;

/// <summary>
/// The agenda packet: one ZIP with the agenda first (as a printable page) and then every document in agenda order,
/// each named by its place ("03 Item 6 - Staff report.pdf"), so the files sort as the meeting runs.
/// </summary>
public static class Packet
{
    /// <summary>What a packet holds: the agenda page and each document, by entry name and content.</summary>
    public sealed record Contents(string AgendaName, string AgendaHtml, IReadOnlyList<(string Name, string ContentHash)> Documents)
    {
        /// <summary>
        /// Names what the packet holds, and nothing else: a meeting whose sign-ups, votes and timers change during a
        /// hearing keeps the same packet, which changes only with its agenda, its documents or its time and place.
        /// </summary>
        public string Key => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            string.Join('\n', Documents.Select(d => $"{d.Name}\t{d.ContentHash}").Prepend(AgendaHtml).Prepend(AgendaName)))))[..32];
    }

    public static Contents Of(Meeting m, string meetingUrl)
    {
        var documents = m.Documents.ToList();
        var width = Math.Max(2, (documents.Count + 1).ToString(CultureInfo.InvariantCulture).Length);
        string Place(int n) => n.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0');
        return new($"{Place(0)} Agenda.html", MinutesFormats.Html($"{m.BodyName}: {m.Title}", Agenda(m, documents, meetingUrl), "en"),
            [.. documents.Select((d, i) => ($"{Place(i + 1)} Item {m.Item(d.ItemId).Number} - {Clean(d.Title)}{Path.GetExtension(d.FileName)}", d.ContentHash))]);
    }

    public static async Task WriteAsync(Stream output, Contents contents, IDocumentStore files, CancellationToken ct)
    {
        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        var agenda = zip.CreateEntry(contents.AgendaName, CompressionLevel.Optimal);
        await using (var writer = new StreamWriter(await agenda.OpenAsync(ct)))
            await writer.WriteAsync(contents.AgendaHtml);

        foreach (var (name, hash) in contents.Documents)
        {
            await using var content = await files.OpenAsync(hash, ct)
                ?? throw new InvalidOperationException($"The file {name} is missing from the document store.");
            // PDFs and office files are compressed already.
            await using var entry = await zip.CreateEntry(name, CompressionLevel.NoCompression).OpenAsync(ct);
            await content.CopyToAsync(entry, ct);
        }
    }

    private static List<Block> Agenda(Meeting m, List<AgendaDocument> documents, string meetingUrl)
    {
        var culture = CultureInfo.GetCultureInfo("en-US");
        var start = m.Local(m.Start);
        var blocks = new List<Block>
        {
            new Heading(1, m.BodyName), new Heading(2, $"Agenda: {m.Title}"),
            new Paragraph($"{m.Kind} meeting, {start.ToString("dddd, MMMM d, yyyy 'at' h:mm tt", culture)}, {m.Location}. Live and on the web: {meetingUrl}"),
        };
        if (m.Status == MeetingStatus.Cancelled) blocks.Add(new Note($"Cancelled: {m.CancelReason}"));
        foreach (var item in m.Agenda)
        {
            blocks.Add(new Heading(3, $"{item.Number}. {item.Title}{(item.Amended ? " (amended)" : "")}"));
            if (item.Description is { } d) blocks.Add(new Paragraph(d));
            var attached = documents.Where(x => x.ItemId == item.Id).Select(x => $"{x.Title} ({x.FileName})").ToList();
            if (attached.Count > 0) blocks.Add(new Bullets(attached));
        }
        return blocks;
    }

    private static string Clean(string title) =>
        new string(title.Where(c => !char.IsControl(c) && c is not ('"' or '/' or '\\' or ':' or '*' or '?' or '<' or '>' or '|')).ToArray()).Trim();
}
