using Meetings.Server.Domain;

namespace Meetings.Server.Records;

// Open Civic Data shapes, with the field names of pupa's event and vote_event schemas (serialized snake_case).
public sealed record OcdEvent(
    string Name, bool AllDay, string StartDate, string EndDate, string Status, string Classification, string Description,
    OcdLocation Location, IReadOnlyList<OcdMedia> Media, IReadOnlyList<OcdDocument> Documents, IReadOnlyList<OcdLink> Links,
    IReadOnlyList<OcdParticipant> Participants, IReadOnlyList<OcdAgendaItem> Agenda, IReadOnlyList<OcdLink> Sources,
    IReadOnlyDictionary<string, string> Extras);
public sealed record OcdLocation(string Name, string Note, string? Url);
public sealed record OcdMedia(string Name, string Type, IReadOnlyList<OcdMediaLink> Links);
public sealed record OcdMediaLink(string MediaType, string Url);
public sealed record OcdDocument(string Note, string Url, string MediaType, string Date);
public sealed record OcdLink(string Url, string Note);
public sealed record OcdParticipant(string Name, string Type, string Note);
public sealed record OcdAgendaItem(
    string Order, string Description, IReadOnlyList<string> Classification, IReadOnlyList<string> Subjects,
    IReadOnlyList<string> Notes, IReadOnlyList<OcdRelatedEntity> RelatedEntities);
public sealed record OcdRelatedEntity(string EntityType, string Name, string? Note);

public sealed record OcdVoteEvent(
    string Identifier, string MotionText, IReadOnlyList<string> MotionClassification, string StartDate, string EndDate,
    string Result, string Organization, IReadOnlyList<OcdVote> Votes, IReadOnlyList<OcdCount> Counts, IReadOnlyList<OcdLink> Sources,
    IReadOnlyDictionary<string, string> Extras);
public sealed record OcdVote(string Option, string VoterName, string VoterId, string Note);
public sealed record OcdCount(string Option, int Value);

/// <summary>
/// A meeting as Open Civic Data: the Event (pupa's event.py) and its VoteEvents (vote_event.py). Residents appear
/// only as counts: no speaker, commenter or caller is named, so nothing links a resident across meetings.
/// </summary>
public static class OcdExport
{
    /// <summary>The vote options of Open Civic Data, in the order counts are given.</summary>
    public static IReadOnlyList<string> Options { get; } = ["yes", "no", "abstain", "not voting", "absent"];

    public static OcdEvent Event(MeetingRecord r, RecordLinks links, IReadOnlyList<OcdDocument> documents)
    {
        var m = r.Meeting;
        var page = links.MeetingPage(m.Id);
        return new OcdEvent(
            m.Title, false, RecordFacts.Iso(m, r.CalledToOrderAt ?? m.Start), r.AdjournedAt is { } end ? RecordFacts.Iso(m, end) : "",
            Status(m.Status), $"{m.Kind.ToString().ToLowerInvariant()}-meeting",
            m.Status == MeetingStatus.Cancelled ? $"{m.Kind} meeting of the {m.BodyName}, cancelled: {m.CancelReason}" : $"{m.Kind} meeting of the {m.BodyName}",
            new OcdLocation(m.Location, "In person, and live on the web at the meeting's page.", page),
            [.. Media(m, page)],
            documents,
            [new OcdLink(links.Calendar(m.BodyId), "the body's meetings as a calendar feed"),
             new OcdLink(links.Journal(m.Id), "the meeting's tamper-evident journal")],
            [new OcdParticipant(m.BodyName, "organization", "host"), .. m.Rules.Seats.Select(s => Participant(m, s))],
            [.. m.Agenda.Select(i => AgendaItem(r, i))],
            [new OcdLink(page, "meeting page"), new OcdLink(links.Journal(m.Id), "journal")],
            new Dictionary<string, string> { ["meeting_id"] = m.Id.ToString(), ["time_zone"] = m.TimeZone });
    }

    /// <summary>The livestream when the clerk gave one, and the live page, which carries it beside the agenda.</summary>
    private static IEnumerable<OcdMedia> Media(Meeting m, string page)
    {
        if (m.StreamUrl is { } stream)
            yield return new OcdMedia("Livestream", "stream", [new OcdMediaLink(stream.EndsWith(".m3u8", StringComparison.OrdinalIgnoreCase) ? "application/vnd.apple.mpegurl" : "text/html", stream)]);
        yield return new OcdMedia("Live meeting page", "stream", [new OcdMediaLink("text/html", page)]);
    }

    public static IReadOnlyList<OcdVoteEvent> Votes(MeetingRecord r, RecordLinks links) =>
        [.. RecordFacts.Voted(r).Select(motion => VoteEvent(r, motion, links))];

    private static OcdVoteEvent VoteEvent(MeetingRecord r, Motion motion, RecordLinks links)
    {
        var m = r.Meeting;
        var vote = r.VoteOn(motion.Id)!;
        var votes = RecordFacts.Roll(m, motion).Select(v => new OcdVote(
            Option(v.Choice), RecordFacts.Member(m, v.Seat.Id), v.Seat.Id.ToString(), Note(r, motion, v.Seat.Id, v.Choice))).ToList();
        var extras = new Dictionary<string, string>
        {
            ["motion_id"] = motion.Id.ToString(), ["meeting_id"] = m.Id.ToString(), ["agenda_item"] = m.Item(motion.ItemId).Number,
            ["threshold"] = motion.Threshold.ToString(), ["mover"] = RecordFacts.Member(m, motion.MoverSeatId),
            ["outcome"] = motion.State.ToString(),
        };
        if (motion.SeconderSeatId is { } seconder) extras["seconder"] = RecordFacts.Member(m, seconder);
        if (motion.AmendsMotionId is { } main) extras["amends"] = RecordFacts.Identifier(m, m.Motion(main));
        return new OcdVoteEvent(
            RecordFacts.Identifier(m, motion), motion.Text, Classification(m, motion),
            RecordFacts.Iso(m, vote.OpenedAt), RecordFacts.Iso(m, vote.ClosedAt), RecordFacts.Passed(motion) ? "pass" : "fail",
            m.BodyName, votes, [.. Options.Select(o => new OcdCount(o, votes.Count(v => v.Option == o)))],
            [new OcdLink(links.MeetingPage(m.Id), "meeting page"), new OcdLink(links.Journal(m.Id), "journal")], extras);
    }

    /// <summary>A recusal is "not voting" with a note saying so; any choice the record may gain later reads "other".</summary>
    public static string Option(VoteChoice choice) => choice switch
    {
        VoteChoice.Aye => "yes",
        VoteChoice.Nay => "no",
        VoteChoice.Abstain => "abstain",
        VoteChoice.Recuse => "not voting",
        VoteChoice.Absent => "absent",
        _ => "other",
    };

    private static string Note(MeetingRecord r, Motion motion, Guid seatId, VoteChoice choice)
    {
        var notes = new List<string>();
        if (choice == VoteChoice.Recuse) notes.Add("recused");
        notes.AddRange(r.Corrections.Where(c => c.MotionId == motion.Id && c.SeatId == seatId)
            .Select(c => $"corrected from {c.From} to {c.To}: {c.Reason}"));
        return string.Join("; ", notes);
    }

    private static string[] Classification(Meeting m, Motion motion) =>
        motion.AmendsMotionId is not null ? ["amendment"]
        : m.Item(motion.ItemId).Kind == AgendaItemKind.Consent ? ["consent-calendar"] : ["passage"];

    private static OcdParticipant Participant(Meeting m, SeatInfo seat) =>
        new(seat.MemberName ?? seat.Title, "person", m.Rules.ChairSeatId == seat.Id ? $"{seat.Title}, chair" : seat.Title);

    private static OcdAgendaItem AgendaItem(MeetingRecord r, AgendaItem item)
    {
        var m = r.Meeting;
        var notes = new List<string>();
        if (item.Description is { } d) notes.Add(d);
        var speakers = m.QueueFor(item.Id).Count(e => e.Turn is not null);
        if (speakers > 0) notes.Add($"{speakers} public speaker{(speakers == 1 ? "" : "s")}");
        var written = m.WrittenComments.Count(c => c.ItemId == item.Id);
        if (written > 0) notes.Add($"{written} written comment{(written == 1 ? "" : "s")}");
        var motions = m.Motions.Where(x => x.ItemId == item.Id).ToList();
        notes.AddRange(motions.Select(x => $"Motion {RecordFacts.Identifier(m, x)}: {x.Text} ({x.State.ToString().ToLowerInvariant()})"));
        return new OcdAgendaItem(
            item.Number, item.Title, [Kebab(item.Kind.ToString())], [], notes,
            [.. motions.Where(x => r.VoteOn(x.Id) is not null)
                .Select(x => new OcdRelatedEntity("vote_event", RecordFacts.Identifier(m, x), RecordFacts.Passed(x) ? "passed" : "failed"))]);
    }

    private static string Status(MeetingStatus status) => status switch
    {
        MeetingStatus.Adjourned => "passed",
        MeetingStatus.Cancelled => "cancelled",
        MeetingStatus.Draft => "tentative",
        _ => "confirmed",
    };

    private static string Kebab(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
