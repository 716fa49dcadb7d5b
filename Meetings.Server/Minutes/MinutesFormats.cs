using System.Globalization;
using System.Net;
using System.Text;

namespace Meetings.Server.Minutes;

/// <summary>Sets the minutes' blocks as a printable HTML page or as Markdown.</summary>
public static class MinutesFormats
{
    public static string Html(string title, IReadOnlyList<Block> blocks, string language)
    {
        static string E(string text) => WebUtility.HtmlEncode(text);
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<!DOCTYPE html>\n<html lang=\"{language}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{E(title)}</title>\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<link rel=\"stylesheet\" href=\"/css/minutes.css\">\n</head>\n<body class=\"minutes\">\n<main>\n");
        foreach (var block in blocks)
        {
            switch (block)
            {
                case Heading h: html.Append(CultureInfo.InvariantCulture, $"<h{h.Level}>{E(h.Text)}</h{h.Level}>\n"); break;
                case Paragraph p: html.Append(CultureInfo.InvariantCulture, $"<p>{E(p.Text).Replace("\n", "<br>")}</p>\n"); break;
                case Note n: html.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">{E(n.Text)}</p>\n"); break;
                case Bullets b: html.Append("<ul>\n").AppendJoin("", b.Items.Select(i => $"<li>{E(i)}</li>\n")).Append("</ul>\n"); break;
                case Table t:
                    html.Append("<table>\n<thead><tr>").AppendJoin("", t.Header.Select(c => $"<th scope=\"col\">{E(c)}</th>")).Append("</tr></thead>\n<tbody>\n");
                    foreach (var row in t.Rows) html.Append("<tr>").AppendJoin("", row.Select(c => $"<td>{E(c)}</td>")).Append("</tr>\n");
                    html.Append("</tbody>\n</table>\n");
                    break;
            }
        }
        return html.Append("</main>\n</body>\n</html>\n").ToString();
    }

    public static string Markdown(IReadOnlyList<Block> blocks)
    {
        var md = new StringBuilder();
        foreach (var block in blocks)
        {
            switch (block)
            {
                case Heading h: md.Append(new string('#', h.Level)).Append(' ').Append(Escape(h.Text)).Append("\n\n"); break;
                case Paragraph p: md.Append(Escape(p.Text).Replace("\n", "  \n")).Append("\n\n"); break;
                case Note n: md.Append('*').Append(Escape(n.Text)).Append("*\n\n"); break;
                case Bullets b: md.AppendJoin("", b.Items.Select(i => $"- {Escape(i)}\n")).Append('\n'); break;
                case Table t:
                    md.Append("| ").AppendJoin(" | ", t.Header.Select(Cell)).Append(" |\n|").AppendJoin("|", t.Header.Select(_ => " --- ")).Append("|\n");
                    foreach (var row in t.Rows) md.Append("| ").AppendJoin(" | ", row.Select(Cell)).Append(" |\n");
                    md.Append('\n');
                    break;
            }
        }
        return md.ToString();
    }

    /// <summary>Words from people are text, never Markdown: every character Markdown would read is escaped.</summary>
    private static string Escape(string text)
    {
        var md = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '#' or '|' or '~') md.Append('\\');
            md.Append(c);
        }
        return md.ToString();
    }

    private static string Cell(string text) => Escape(text).Replace("\n", " ");
}
