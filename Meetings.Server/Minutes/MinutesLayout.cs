using System.Globalization;
using Meetings.Server.Domain;
using Meetings.Server.Languages;

namespace Meetings.Server.Minutes;

/// <summary>A piece of the minutes on the page, the same for every format.</summary>
public abstract record Block;
public sealed record Heading(int Level, string Text) : Block;
public sealed record Paragraph(string Text) : Block;
public sealed record Bullets(IReadOnlyList<string> Items) : Block;
public sealed record Table(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows) : Block;
/// <summary>Small print: the seal, the status, the journal's head.</summary>
public sealed record Note(string Text) : Block;

/// <summary>
/// Writes the minutes out in a configured language as a list of blocks, which the HTML, Markdown and PDF renderers
/// then set. Only the words differ between languages: the facts are the document's.
/// </summary>
public sealed class MinutesLayout(Language language)
{

    // The words are the minutes.* words of the language files; the two formats say how dates and times are written
    // (Spanish minutes give the time on the 24-hour clock, "18:00 h", as official documents do there).
    private string W(string key, params object?[] args)
    {
        // A word not written yet (a vote choice the record gains later, say) reads as its own name rather than failing.
        var word = language["minutes." + key];
        return word.ResourceNotFound && word.Value == word.Name ? key[(key.IndexOf('.') + 1)..] : string.Format(language.Culture, word.Value, args);
    }

    private string Time(DateTimeOffset t) => t.ToString(language["format.minutes.time"].Value, language.Culture);
    private string Date(DateTimeOffset t) => t.ToString(language["format.minutes.date"].Value, language.Culture);

    public string Title(MinutesDocument d) => $"{d.BodyName}: {W("minutes")}, {d.Title}";

    public IReadOnlyList<Block> Lay(MinutesDocument d, string verifyUrl)
    {
        var blocks = new List<Block>();
        if (d.SealText is { } seal) blocks.Add(new Note(seal));
        blocks.Add(new Heading(1, d.BodyName));
        blocks.Add(new Heading(2, $"{W("minutes")}: {d.Title}"));
        blocks.Add(new Note(d.Version is { } v ? W("approved", Date(d.ApprovedAt!.Value), v, d.AsOfSequence) : W("draft", d.AsOfSequence)));
        if (d.Correction is not null)
            blocks.Add(new Note(W("correction", d.Version - 1, d.Correction, string.Join(", ", d.Changed.Select(Section)))));
        blocks.Add(new Paragraph(W("held", W($"kind.{d.Kind}"), Date(d.Scheduled), d.Location)));
        blocks.Add(new Paragraph(d.CalledToOrder is { } c
            ? W("called", Time(c)) + (d.Adjourned is { } a ? " " + W("adjourned", Time(a)) : "")
            : W("not.held")));
        if (d.Narrative is { } n) blocks.Add(new Paragraph(n));

        blocks.Add(new Heading(2, W("attendance")));
        blocks.Add(new Table([W("seat"), W("member"), W("roll")],
            [.. d.Attendance.Select(m => (IReadOnlyList<string>)[m.Chair ? W("chair", m.Seat) : m.Seat, m.Name, W($"presence.{m.Presence}", m.RemoteBasis)])]));
        if (d.ArrivalsAndDepartures.Count > 0)
            blocks.Add(new Bullets([.. d.ArrivalsAndDepartures.Select(x => x.Kind switch
            {
                AttendanceChangeKind.Departed => W("departed", Time(x.At), x.Name),
                AttendanceChangeKind.RollCall => W($"rollcall.{x.Presence}", Time(x.At), x.Name, x.RemoteBasis),
                _ => W($"arrived.{x.Presence}", Time(x.At), x.Name, x.RemoteBasis),
            })]));
        blocks.Add(new Heading(2, W("quorum")));
        blocks.Add(d.Quorum.Count == 0 ? new Paragraph(W("none"))
            : new Bullets([.. d.Quorum.Select(q => W(q.Present >= q.Needed ? "quorum.yes" : "quorum.no", Time(q.At), q.Present, q.Needed))]));
        if (d.Recesses.Count > 0)
        {
            blocks.Add(new Heading(2, W("recesses")));
            blocks.Add(new Bullets([.. d.Recesses.Select(r => r.To is { } to ? W("recess", Time(r.From), Time(to)) : W("recess.open", Time(r.From)))]));
        }

        blocks.Add(new Heading(2, W("items")));
        foreach (var item in d.Items) blocks.AddRange(Item(item));

        blocks.Add(new Heading(2, W("appendix")));
        if (d.WrittenComments.Count == 0) blocks.Add(new Paragraph(W("none")));
        foreach (var comment in d.WrittenComments)
        {
            blocks.Add(new Paragraph(W("comment", comment.Item, comment.Name, $"{Date(comment.At)} {Time(comment.At)}")));
            blocks.Add(new Paragraph(comment.Text));
        }
        if (d.HeadAtAdjournment is { } head) blocks.Add(new Note(W("head", head, verifyUrl)));
        return blocks;
    }

    private IEnumerable<Block> Item(MinutesItem item)
    {
        yield return new Heading(3, $"{item.Number}. {item.Title}");
        if (item.Narrative is { } n) yield return new Paragraph(n);
        yield return item.Actions.Count == 0 ? new Paragraph(W("not.taken.up"))
            : new Bullets([.. item.Actions.Select(a => W($"action.{a.Kind}", Time(a.At)))]);
        if (item.Speakers.Count > 0)
        {
            yield return new Paragraph(W("speakers"));
            yield return new Table([W("speaker"), W("source"), W("stance"), W("started"), W("spoke")],
                [.. item.Speakers.Select(s => (IReadOnlyList<string>)[s.Name, W($"source.{s.Source}"),
                    s.Stance is { } st ? W($"stance.{st}") : W("stance.none"), Time(s.StartedAt), $"{s.SecondsSpoken / 60}:{s.SecondsSpoken % 60:00}"])]);
        }
        if (item.WrittenComments > 0) yield return new Paragraph(W("written.count", item.WrittenComments));
        foreach (var motion in item.Motions)
            foreach (var block in Motion(motion)) yield return block;
    }

    private IEnumerable<Block> Motion(MinutesMotion m)
    {
        var seconded = m.Seconder is { } s ? W("seconded", s) : "";
        yield return new Paragraph(m.Amends is { } main ? W("amendment", m.Identifier, m.Text, m.Mover, seconded, main) : W("motion", m.Identifier, m.Text, m.Mover, seconded));
        if (m.MovedText is { } moved) yield return new Paragraph(W("as.moved", moved));
        if (m.VoteClosedAt is not { } closed)
        {
            yield return new Paragraph(m.State == MotionState.Withdrawn ? W("result.Withdrawn") : W("result.pending"));
            yield break;
        }
        yield return new Table([W("member"), W("vote")], [.. m.Votes.Select(v => (IReadOnlyList<string>)[v.Name, W($"vote.{v.Choice}")])]);
        // The result as the vote closed; after corrections, the result as corrected (the table shows the votes as corrected).
        var closedAs = m.AsClosed ?? new MinutesTally(m.State, m.Ayes, m.Nays, m.Abstentions, m.Recusals, m.Absent, m.NotVoting);
        yield return new Paragraph(W("tally", Outcome(closedAs.State), Time(closed), closedAs.Ayes, closedAs.Nays, closedAs.Abstentions,
            closedAs.Recusals, closedAs.Absent, Threshold(m, closedAs), closedAs.NotVoting));
        if (m.Corrections.Count == 0) yield break;
        yield return new Bullets([.. m.Corrections.Select(c => W("corrected", Time(c.At), c.Name, W($"vote.{c.From}"), W($"vote.{c.To}"), c.Reason))]);
        var corrected = new MinutesTally(m.State, m.Ayes, m.Nays, m.Abstentions, m.Recusals, m.Absent, m.NotVoting);
        yield return new Paragraph(W("tally.corrected", Outcome(m.State), m.Ayes, m.Nays, m.Abstentions, m.Recusals, m.Absent, Threshold(m, corrected), m.NotVoting));
    }

    private string Outcome(MotionState state) =>
        W($"result.{state switch { MotionState.Passed => "Passed", MotionState.Failed => "Failed", _ => "NoQuorum" }}");

    /// <summary>The threshold as applied: the share needed, of what, and how many ayes that was (nothing when there was no quorum).</summary>
    private string Threshold(MinutesMotion m, MinutesTally t)
    {
        if (t.State == MotionState.NoQuorum) return "";
        var basis = m.Basis switch
        {
            ThresholdBasis.VotesCast => t.Ayes + t.Nays,
            ThresholdBasis.Seats => m.Seats,
            _ => m.Votes.Count - t.Absent,
        };
        var half = m.Numerator * 2 == m.Denominator;
        var needed = half ? basis / 2 + 1 : (int)Math.Ceiling((double)m.Numerator * basis / m.Denominator);
        var share = W($"share.{m.Numerator}/{m.Denominator}"); // a share without words of its own reads as the fraction
        return W("threshold", share, W($"basis.{m.Basis}", basis), Math.Max(needed, 1));
    }

    private string Section(string key) => key.StartsWith("item ", StringComparison.Ordinal) ? W("section.item", key[5..]) : W($"section.{key}");
}
