using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace Meetings.Server.Minutes;

/// <summary>
/// Finds the TrueType fonts the PDF is set in. PDFsharp reads no system fonts on Linux, so it is given files:
/// DejaVu Serif (Debian's fonts-dejavu-core) from <c>Minutes:FontFolder</c> or the usual font folders.
/// </summary>
public sealed class MinutesFonts : IFontResolver
{
    private static readonly string[] Folders = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts", "C:\\Windows\\Fonts"];
    private readonly Dictionary<string, string> _files = [];

    public MinutesFonts(string? folder)
    {
        foreach (var (face, file) in new[] { ("regular", "DejaVuSerif.ttf"), ("bold", "DejaVuSerif-Bold.ttf") })
            if (new[] { folder }.Concat(Folders).OfType<string>().Select(f => Path.Combine(f, file)).FirstOrDefault(File.Exists) is { } path)
                _files[face] = path;
    }

    /// <summary>Whether every face was found; without them there is no PDF, and the minutes say so.</summary>
    public bool Available => _files.Count == 2;

    // Small print is set small rather than in italics, so the two faces of fonts-dejavu-core are all it needs.
    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) => new(bold ? "bold" : "regular");

    public byte[]? GetFont(string faceName) => _files.TryGetValue(faceName, out var path) ? File.ReadAllBytes(path) : null;

    private static readonly Lock Gate = new();
    private static MinutesFonts? _installed;

    /// <summary>PDFsharp keeps one resolver per process; the first host to ask installs it.</summary>
    public static MinutesFonts Install(string? folder)
    {
        lock (Gate)
        {
            if (_installed is not null) return _installed;
            _installed = new MinutesFonts(folder);
            if (_installed.Available) GlobalFontSettings.FontResolver = _installed;
            return _installed;
        }
    }
}

/// <summary>Sets the minutes' blocks on US Letter pages with PDFsharp: wrapped text, tables with borders, page numbers.</summary>
public static class MinutesPdf
{
    private const double Margin = 56, Width = 612, Height = 792;

    public static byte[] Render(string title, IReadOnlyList<Block> blocks)
    {
        using var document = new PdfDocument();
        document.Info.Title = title;
        var page = new Page(document);
        foreach (var block in blocks)
        {
            switch (block)
            {
                case Heading h:
                    if (h.Level > 1) page.Space(6);
                    page.Text(h.Text, new XFont("serif", h.Level switch { 1 => 18, 2 => 14, _ => 12 }, XFontStyleEx.Bold), h.Level == 1, 8); break;
                case Paragraph p: page.Text(p.Text, new XFont("serif", 10.5), false, 6); break;
                case Note n: page.Text(n.Text, new XFont("serif", 8.5), true, 6); break;
                case Bullets b:
                    foreach (var item in b.Items) page.Text("\u2022 " + item, new XFont("serif", 10.5), false, 2, 12);
                    page.Space(4);
                    break;
                case Table t: page.Table(t); break;
            }
        }
        page.Finish();
        using var stream = new MemoryStream();
        document.Save(stream, false);
        return stream.ToArray();
    }

    /// <summary>The page being written, and where on it; a new page begins when the next line would not fit.</summary>
    private sealed class Page(PdfDocument document)
    {
        private XGraphics? _gfx;
        private double _y;
        private int _number;

        private XGraphics Gfx => _gfx ?? NewPage();

        private XGraphics NewPage()
        {
            Finish();
            var page = document.AddPage();
            (page.Width, page.Height) = (XUnit.FromPoint(Width), XUnit.FromPoint(Height));
            _gfx = XGraphics.FromPdfPage(page);
            _y = Margin;
            _number++;
            return _gfx;
        }

        public void Finish()
        {
            if (_gfx is null) return;
            _gfx.DrawString($"{_number}", new XFont("serif", 8.5), XBrushes.Gray, new XRect(0, Height - Margin / 2, Width, 10), XStringFormats.TopCenter);
            _gfx.Dispose();
            _gfx = null;
        }

        public void Space(double points) => _y += points;

        public void Text(string text, XFont font, bool centered, double after, double indent = 0)
        {
            var width = Width - 2 * Margin - indent;
            foreach (var line in Wrap(Gfx, text, font, width))
            {
                var height = font.GetHeight();
                if (_y + height > Height - Margin) NewPage();
                var rect = new XRect(Margin + indent, _y, width, height);
                Gfx.DrawString(line, font, XBrushes.Black, rect, centered ? XStringFormats.TopCenter : XStringFormats.TopLeft);
                _y += height;
            }
            _y += after;
        }

        public void Table(Table table)
        {
            var font = new XFont("serif", 9.5);
            var bold = new XFont("serif", 9.5, XFontStyleEx.Bold);
            var width = (Width - 2 * Margin) / table.Header.Count;
            foreach (var (row, isHeader) in table.Rows.Select(r => (r, false)).Prepend((table.Header, true)))
            {
                var cells = row.Select(c => Wrap(Gfx, c, isHeader ? bold : font, width - 6)).ToList();
                var height = cells.Max(c => c.Count) * font.GetHeight() + 4;
                if (_y + height > Height - Margin) NewPage();
                for (var i = 0; i < cells.Count; i++)
                {
                    var x = Margin + i * width;
                    Gfx.DrawRectangle(XPens.Gray, x, _y, width, height);
                    for (var l = 0; l < cells[i].Count; l++)
                        Gfx.DrawString(cells[i][l], isHeader ? bold : font, XBrushes.Black, new XRect(x + 3, _y + 2 + l * font.GetHeight(), width - 6, font.GetHeight()), XStringFormats.TopLeft);
                }
                _y += height;
            }
            _y += 8;
        }

        /// <summary>Breaks text into lines that fit, at spaces where it can and inside a word (a hash, say) where it must.</summary>
        private static List<string> Wrap(XGraphics gfx, string text, XFont font, double width)
        {
            var lines = new List<string>();
            foreach (var paragraph in text.Split('\n'))
            {
                var line = "";
                foreach (var word in paragraph.Split(' '))
                {
                    var candidate = line.Length == 0 ? word : line + " " + word;
                    if (gfx.MeasureString(candidate, font).Width <= width) { line = candidate; continue; }
                    if (line.Length > 0) lines.Add(line);
                    line = word;
                    while (line.Length > 1 && gfx.MeasureString(line, font).Width > width)
                    {
                        var fit = Fitting(gfx, line, font, width);
                        lines.Add(line[..fit]);
                        line = line[fit..];
                    }
                }
                lines.Add(line);
            }
            return lines;
        }

        /// <summary>
        /// How much of a word too wide for the line fits on it (at least one character). Found by halving, since a
        /// longer start is never narrower: one character at a time, a 3,000-character comment with no space cost
        /// tens of millions of measurements.
        /// </summary>
        private static int Fitting(XGraphics gfx, string word, XFont font, double width)
        {
            var (fits, tooWide) = (1, word.Length);
            while (tooWide - fits > 1)
            {
                var middle = (fits + tooWide) / 2;
                if (gfx.MeasureString(word[..middle], font).Width <= width) fits = middle;
                else tooWide = middle;
            }
            return fits;
        }
    }
}
