using System.Globalization;
using Meetings.Server.Domain;

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
/// Writes the minutes out in English or Spanish as a list of blocks, which the HTML, Markdown and PDF renderers
/// then set. Only the words differ between languages: the facts are the document's.
/// </summary>
public sealed class MinutesLayout
{
    private static readonly Dictionary<string, (string En, string Es)> Words = new()
    {
        ["minutes"] = ("Minutes", "Acta"),
        ["draft"] = ("DRAFT: not yet approved. Made from the journal up to event {0}.", "BORRADOR: aún no aprobada. Hecha del registro hasta el evento {0}."),
        ["approved"] = ("Approved on {0} as version {1}. Made from the journal up to event {2}.", "Aprobada el {0} como versión {1}. Hecha del registro hasta el evento {2}."),
        ["correction"] = ("Correction of version {0}: {1} Changed: {2}.", "Corrección de la versión {0}: {1} Cambió: {2}."),
        ["kind.Regular"] = ("Regular meeting", "Sesión ordinaria"), ["kind.Special"] = ("Special meeting", "Sesión extraordinaria"),
        ["kind.Emergency"] = ("Emergency meeting", "Sesión de emergencia"),
        ["held"] = ("{0}, {1}, at {2}.", "{0}, {1}, en {2}."),
        ["called"] = ("Called to order at {0}.", "Se abrió la sesión a las {0}."),
        ["adjourned"] = ("Adjourned at {0}.", "Se levantó la sesión a las {0}."),
        ["not.held"] = ("The meeting has not been called to order.", "La sesión no se ha abierto."),
        ["attendance"] = ("Attendance", "Asistencia"),
        ["seat"] = ("Seat", "Puesto"), ["member"] = ("Member", "Miembro"), ["roll"] = ("At the roll call", "Al pasar lista"),
        ["chair"] = ("{0} (chair)", "{0} (preside)"),
        ["presence.InRoom"] = ("In the room", "En la sala"), ["presence.Remote"] = ("Remote: {0}", "A distancia: {0}"), ["presence.Absent"] = ("Absent", "Ausente"),
        ["arrived.InRoom"] = ("{0}: {1} arrived, in the room.", "{0}: llegó {1}, en la sala."),
        ["arrived.Remote"] = ("{0}: {1} joined remotely ({2}).", "{0}: {1} se unió a distancia ({2})."),
        ["departed"] = ("{0}: {1} left.", "{0}: se retiró {1}."),
        ["quorum"] = ("Quorum", "Quórum"),
        ["quorum.yes"] = ("From {0}: {1} present, {2} needed; quorum.", "Desde las {0}: {1} presentes, {2} necesarios; hay quórum."),
        ["quorum.no"] = ("From {0}: {1} present, {2} needed; no quorum.", "Desde las {0}: {1} presentes, {2} necesarios; no hay quórum."),
        ["recesses"] = ("Recesses", "Recesos"),
        ["recess"] = ("Recess from {0} to {1}.", "Receso de las {0} a las {1}."),
        ["recess.open"] = ("Recess from {0}.", "Receso desde las {0}."),
        ["items"] = ("Proceedings", "Desarrollo de la sesión"),
        ["action.TakenUp"] = ("{0}: taken up.", "{0}: se trató."),
        ["action.CommentOpened"] = ("{0}: public comment opened.", "{0}: se abrieron los comentarios del público."),
        ["action.CommentClosed"] = ("{0}: public comment closed.", "{0}: se cerraron los comentarios del público."),
        ["not.taken.up"] = ("Not taken up.", "No se trató."),
        ["speakers"] = ("Public speakers", "Oradores del público"),
        ["speaker"] = ("Speaker (name as given)", "Orador (nombre como lo dio)"), ["source"] = ("Took part", "Participó"),
        ["stance"] = ("Position", "Posición"), ["started"] = ("Started", "Comenzó"), ["spoke"] = ("Time spoken", "Tiempo"),
        ["source.Room"] = ("In the room", "En la sala"), ["source.Web"] = ("On the web", "Por la web"), ["source.Phone"] = ("By phone", "Por teléfono"),
        ["stance.Support"] = ("Support", "A favor"), ["stance.Oppose"] = ("Oppose", "En contra"), ["stance.Neutral"] = ("Neutral", "Neutral"), ["stance.none"] = ("Not said", "No dijo"),
        ["written.count"] = ("Written comments received: {0} (in the appendix).", "Comentarios escritos recibidos: {0} (en el anexo)."),
        ["motion"] = ("Motion {0}: \u201c{1}\u201d Moved by {2}{3}.", "Moción {0}: \u201c{1}\u201d Propuesta por {2}{3}."),
        ["amendment"] = ("Amendment {0} to motion {4}: \u201c{1}\u201d Moved by {2}{3}.", "Enmienda {0} a la moción {4}: \u201c{1}\u201d Propuesta por {2}{3}."),
        ["seconded"] = (", seconded by {0}", ", secundada por {0}"),
        ["as.moved"] = ("As moved: \u201c{0}\u201d", "Tal como se propuso: \u201c{0}\u201d"),
        ["vote"] = ("Vote", "Voto"),
        ["vote.Aye"] = ("Aye", "Sí"), ["vote.Nay"] = ("Nay", "No"), ["vote.Abstain"] = ("Abstain", "Abstención"),
        ["vote.Recuse"] = ("Recused", "Se excusó"), ["vote.Absent"] = ("Absent", "Ausente"),
        ["result.Passed"] = ("PASSED", "APROBADA"), ["result.Failed"] = ("FAILED", "RECHAZADA"), ["result.NoQuorum"] = ("NO QUORUM: the vote decided nothing", "SIN QUÓRUM: la votación no decidió nada"),
        ["result.Withdrawn"] = ("Withdrawn before a vote.", "Retirada antes de votarse."),
        ["result.pending"] = ("Not put to a vote.", "No se sometió a votación."),
        ["tally"] = ("{0} at {1}: {2} aye, {3} nay, {4} abstaining, {5} recused, {6} absent. {7}",
                     "{0} a las {1}: {2} sí, {3} no, {4} abstenciones, {5} excusados, {6} ausentes. {7}"),
        ["tally.corrected"] = ("As corrected: {0}: {1} aye, {2} nay, {3} abstaining, {4} recused, {5} absent. {6}",
                               "Tras la corrección: {0}: {1} sí, {2} no, {3} abstenciones, {4} excusados, {5} ausentes. {6}"),
        ["threshold"] = ("Needed: {0} of {1} ({2} ayes).", "Se necesitaba: {0} de {1} ({2} votos a favor)."),
        ["share.1/2"] = ("more than half", "más de la mitad"), ["share.2/3"] = ("two-thirds", "dos tercios"),
        ["basis.VotesCast"] = ("{0} votes cast", "{0} votos emitidos"), ["basis.Seats"] = ("{0} seats", "{0} puestos"),
        ["basis.MembersPresent"] = ("{0} members present", "{0} miembros presentes"),
        ["corrected"] = ("{0}: the vote of {1} was corrected from {2} to {3}. Reason: {4}", "{0}: se corrigió el voto de {1} de {2} a {3}. Motivo: {4}"),
        ["appendix"] = ("Appendix: written comments", "Anexo: comentarios escritos"),
        ["comment"] = ("Item {0}, from {1}, {2}:", "Tema {0}, de {1}, {2}:"),
        ["none"] = ("None.", "Ninguno."),
        ["head"] = ("Journal head at adjournment (SHA-256): {0}. Anyone can check the record at {1}.",
                    "Último hash del registro al levantar la sesión (SHA-256): {0}. Cualquiera puede verificar el registro en {1}."),
        ["section.header"] = ("the heading", "el encabezado"), ["section.attendance"] = ("attendance", "la asistencia"),
        ["section.item"] = ("item {0}", "el tema {0}"), ["section.appendix"] = ("the appendix", "el anexo"),
    };

    private readonly bool _es;
    private readonly CultureInfo _culture;

    public MinutesLayout(string language)
    {
        _es = language == "es";
        _culture = CultureInfo.GetCultureInfo(_es ? "es-MX" : "en-US");
    }

    private string W(string key, params object?[] args)
    {
        // A word not written yet (a vote choice the record gains later, say) reads as its own name rather than failing.
        if (!Words.TryGetValue(key, out var words)) return key[(key.IndexOf('.') + 1)..];
        return string.Format(_culture, _es ? words.Es : words.En, args);
    }

    // Spanish minutes give the time on the 24-hour clock ("18:00 h"), as official documents do there.
    private string Time(DateTimeOffset t) => t.ToString(_es ? "H:mm 'h'" : "h:mm tt", _culture);
    private string Date(DateTimeOffset t) => t.ToString(_es ? "dddd d 'de' MMMM 'de' yyyy" : "dddd, MMMM d, yyyy", _culture);

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
            blocks.Add(new Bullets([.. d.ArrivalsAndDepartures.Select(x => x.Kind == AttendanceChangeKind.Departed
                ? W("departed", Time(x.At), x.Name) : W($"arrived.{x.Presence}", Time(x.At), x.Name, x.RemoteBasis))]));
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
        var closedAs = m.AsClosed ?? new MinutesTally(m.State, m.Ayes, m.Nays, m.Abstentions, m.Recusals, m.Absent);
        yield return new Paragraph(W("tally", Outcome(closedAs.State), Time(closed), closedAs.Ayes, closedAs.Nays, closedAs.Abstentions,
            closedAs.Recusals, closedAs.Absent, Threshold(m, closedAs)));
        if (m.Corrections.Count == 0) yield break;
        yield return new Bullets([.. m.Corrections.Select(c => W("corrected", Time(c.At), c.Name, W($"vote.{c.From}"), W($"vote.{c.To}"), c.Reason))]);
        var corrected = new MinutesTally(m.State, m.Ayes, m.Nays, m.Abstentions, m.Recusals, m.Absent);
        yield return new Paragraph(W("tally.corrected", Outcome(m.State), m.Ayes, m.Nays, m.Abstentions, m.Recusals, m.Absent, Threshold(m, corrected)));
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
        var share = Words.ContainsKey($"share.{m.Numerator}/{m.Denominator}") ? W($"share.{m.Numerator}/{m.Denominator}") : $"{m.Numerator}/{m.Denominator}";
        return W("threshold", share, W($"basis.{m.Basis}", basis), Math.Max(needed, 1));
    }

    private string Section(string key) => key.StartsWith("item ", StringComparison.Ordinal) ? W("section.item", key[5..]) : W($"section.{key}");
}
