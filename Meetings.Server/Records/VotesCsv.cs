using System.Globalization;
using System.Text;
using Meetings.Server.Domain;

namespace Meetings.Server.Records;

/// <summary>Votes as CSV (RFC 4180): one row per member per vote, corrections applied and noted.</summary>
public static class VotesCsv
{
    public static readonly string[] Columns =
    [
        "meeting_id", "meeting_date", "body", "meeting_title", "item_number", "item_title", "motion", "motion_text",
        "threshold", "result", "vote_closed_at", "seat", "member", "vote", "note",
    ];

    public static string Header => string.Join(',', Columns) + "\r\n";

    public static void AppendRows(StringBuilder csv, MeetingRecord r)
    {
        var m = r.Meeting;
        foreach (var motion in RecordFacts.Voted(r))
        {
            var item = m.Item(motion.ItemId);
            foreach (var (seat, choice) in RecordFacts.Roll(m, motion))
            {
                var notes = new List<string>();
                if (choice == VoteChoice.Recuse) notes.Add("recused");
                notes.AddRange(r.Corrections.Where(c => c.MotionId == motion.Id && c.SeatId == seat.Id)
                    .Select(c => $"corrected from {c.From} to {c.To}: {c.Reason}"));
                Row(csv,
                    m.Id.ToString(), m.Local(m.Start).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), m.BodyName, m.Title,
                    item.Number, item.Title, RecordFacts.Identifier(m, motion), motion.Text, motion.Threshold.ToString(),
                    motion.State.ToString(), RecordFacts.Iso(m, r.VoteOn(motion.Id)!.ClosedAt), seat.Title, RecordFacts.Member(m, seat.Id),
                    choice.ToString(), string.Join("; ", notes));
            }
        }
    }

    private static void Row(StringBuilder csv, params string[] cells)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0) csv.Append(',');
            csv.Append(Cell(cells[i]));
        }
        csv.Append("\r\n");
    }

    /// <summary>
    /// One cell, quoted where RFC 4180 needs it. A text that a spreadsheet would take for a formula (a motion or title
    /// typed as <c>=HYPERLINK(…)</c>) starts with an apostrophe, so opening the open-data file runs nothing.
    /// </summary>
    internal static string Cell(string text)
    {
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r') text = "'" + text;
        return text.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{text.Replace("\"", "\"\"")}\"" : text;
    }
}
