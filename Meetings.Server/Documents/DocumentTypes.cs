using System.IO.Compression;
using System.Text;

namespace Meetings.Server.Documents;

/// <summary>A kind of file an agenda document may be, told from its content.</summary>
public sealed record DocumentType(string MediaType, string Extension);

/// <summary>
/// Tells a file's type from its first bytes and, for the zipped office formats, from the parts inside; the name
/// only chooses among the old binary Office formats, which share one signature. Anything else is refused.
/// </summary>
public static class DocumentTypes
{
    private static readonly byte[] Pdf = "%PDF-"u8.ToArray();
    private static readonly byte[] Zip = [0x50, 0x4B, 0x03, 0x04];
    private static readonly byte[] Ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

    private static readonly Dictionary<string, DocumentType> OpenDocument = new()
    {
        ["application/vnd.oasis.opendocument.text"] = new("application/vnd.oasis.opendocument.text", ".odt"),
        ["application/vnd.oasis.opendocument.spreadsheet"] = new("application/vnd.oasis.opendocument.spreadsheet", ".ods"),
        ["application/vnd.oasis.opendocument.presentation"] = new("application/vnd.oasis.opendocument.presentation", ".odp"),
    };

    private static readonly Dictionary<string, DocumentType> LegacyOffice = new(StringComparer.OrdinalIgnoreCase)
    {
        [".doc"] = new("application/msword", ".doc"),
        [".xls"] = new("application/vnd.ms-excel", ".xls"),
        [".ppt"] = new("application/vnd.ms-powerpoint", ".ppt"),
    };

    public const string Accepted = "PDF, Word (.docx, .doc), Excel (.xlsx, .xls), PowerPoint (.pptx, .ppt) and OpenDocument (.odt, .ods, .odp)";

    /// <summary>The file's type, or null when its content is none of the accepted kinds.</summary>
    public static DocumentType? Of(byte[] content, string fileName)
    {
        var start = content.AsSpan();
        if (start.StartsWith(Pdf)) return new("application/pdf", ".pdf");
        if (start.StartsWith(Ole)) return LegacyOffice.GetValueOrDefault(Path.GetExtension(fileName));
        return start.StartsWith(Zip) ? Zipped(content) : null;
    }

    private static DocumentType? Zipped(byte[] content)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(content, writable: false), ZipArchiveMode.Read);
            if (zip.GetEntry("mimetype") is { Length: < 200 } entry)
            {
                using var reader = new StreamReader(entry.Open(), Encoding.ASCII);
                return OpenDocument.GetValueOrDefault(reader.ReadToEnd().Trim());
            }
            if (zip.GetEntry("[Content_Types].xml") is null) return null;
            bool Has(string folder) => zip.Entries.Any(e => e.FullName.StartsWith(folder, StringComparison.Ordinal));
            return Has("word/") ? new("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
                : Has("xl/") ? new("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")
                : Has("ppt/") ? new("application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx")
                : null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
