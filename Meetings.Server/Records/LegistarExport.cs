using System.Globalization;
using Meetings.Server.Domain;

namespace Meetings.Server.Records;

// The Legistar Web API's shapes and field names (serialized as named). Legistar's integer ids have no counterpart
// here, so they are null and the Guid fields carry this server's ids.
public sealed record LegistarEvent(
    int? EventId, Guid EventGuid, DateTime EventLastModifiedUtc, int? EventBodyId, string EventBodyName, string EventDate,
    string EventTime, string EventAgendaStatusName, string EventMinutesStatusName, string EventLocation, string? EventAgendaFile,
    string? EventMinutesFile, DateTime? EventAgendaLastPublishedUTC, string? EventComment, string? EventVideoPath, string EventInSiteURL,
    IReadOnlyList<LegistarEventItem> EventItems);

public sealed record LegistarEventItem(
    int? EventItemId, Guid EventItemGuid, int EventItemAgendaSequence, int EventItemMinutesSequence, string EventItemAgendaNumber,
    string EventItemTitle, string? EventItemAgendaNote, string? EventItemMinutesNote, string? EventItemActionName, string? EventItemActionText,
    int? EventItemPassedFlag, string? EventItemPassedFlagName, int EventItemRollCallFlag, string? EventItemTally, int EventItemConsent,
    string? EventItemMover, string? EventItemSeconder, string EventItemMatterType,
    IReadOnlyList<LegistarAttachment> EventItemMatterAttachments, IReadOnlyList<LegistarVote> EventItemVotes);

public sealed record LegistarAttachment(string MatterAttachmentName, string MatterAttachmentHyperlink, string MatterAttachmentFileName);

public sealed record LegistarVote(int? VoteId, int? VotePersonId, string VotePersonName, string VoteValueName, int VoteSort);

/// <summary>
/// A meeting in the shape of the Legistar Web API's Event with its EventItems, for agencies moving between systems.
/// An agenda item with motions gives one EventItem per motion (as Legistar records one action per row), each with
/// its votes nested as <c>EventItemVotes</c> (Legistar serves them at <c>/EventItems/{id}/Votes</c>).
/// </summary>
public static class LegistarExport
{
    public static LegistarEvent Event(
        MeetingRecord r, RecordLinks links, bool minutesApproved, Func<Guid, string?> minutesNarrative,
        Func<Guid, IReadOnlyList<LegistarAttachment>> attachments)
    {
        var m = r.Meeting;
        var local = m.Local(m.Start);
        var rows = new List<LegistarEventItem>();
        var sequence = 0;
        foreach (var item in m.Agenda)
        {
            sequence++;
            var motions = RecordFacts.Voted(r).Where(x => x.ItemId == item.Id).ToList();
            if (motions.Count == 0) rows.Add(Row(m, item, null, sequence, rows.Count + 1, minutesNarrative(item.Id), attachments(item.Id)));
            foreach (var motion in motions)
                rows.Add(Row(m, item, motion, sequence, rows.Count + 1, minutesNarrative(item.Id), attachments(item.Id)));
        }
        return new LegistarEvent(
            null, m.Id, r.LastChangedAt.UtcDateTime, null, m.BodyName,
            local.Date.ToString("yyyy-MM-dd'T'00:00:00", CultureInfo.InvariantCulture),
            local.ToString("h:mm tt", CultureInfo.InvariantCulture),
            m.Status == MeetingStatus.Draft ? "Draft" : "Final", minutesApproved ? "Final" : "Draft", m.Location,
            m.Status == MeetingStatus.Draft ? null : links.Packet(m.Id), minutesApproved ? links.Minutes(m.Id) : null,
            m.PublishedAt?.UtcDateTime, m.Status == MeetingStatus.Cancelled ? $"Cancelled: {m.CancelReason}" : $"{m.Kind} meeting",
            m.StreamUrl, links.MeetingPage(m.Id), rows);
    }

    private static LegistarEventItem Row(
        Meeting m, AgendaItem item, Motion? motion, int agendaSequence, int minutesSequence, string? narrative,
        IReadOnlyList<LegistarAttachment> attachments)
    {
        var votes = motion is null ? [] : RecordFacts.Roll(m, motion)
            .Select((v, i) => new LegistarVote(null, null, RecordFacts.Member(m, v.Seat.Id), ValueName(v.Choice), i + 1)).ToList();
        return new LegistarEventItem(
            null, motion?.Id ?? item.Id, agendaSequence, minutesSequence, item.Number, item.Title, item.Description, narrative,
            motion is null ? null : Action(motion), motion?.Text,
            motion is null ? null : RecordFacts.Passed(motion) ? 1 : 0,
            motion is null ? null : RecordFacts.Passed(motion) ? "Pass" : "Fail",
            motion is null ? 0 : 1,
            motion is null ? null : $"{motion.Count(VoteChoice.Aye)}-{motion.Count(VoteChoice.Nay)}",
            item.Kind == AgendaItemKind.Consent ? 1 : 0,
            motion is null ? null : RecordFacts.Member(m, motion.MoverSeatId),
            motion?.SeconderSeatId is { } s ? RecordFacts.Member(m, s) : null,
            item.Kind.ToString(), attachments, votes);
    }

    private static string Action(Motion motion) => motion.State switch
    {
        MotionState.Passed => motion.AmendsMotionId is null ? "Approved" : "Amendment approved",
        MotionState.NoQuorum => "Failed for lack of quorum",
        _ => motion.AmendsMotionId is null ? "Failed" : "Amendment failed",
    };

    /// <summary>Legistar's vote value names; anything the record may gain later reads as its own name.</summary>
    public static string ValueName(VoteChoice choice) => choice switch
    {
        VoteChoice.Aye => "Aye",
        VoteChoice.Nay => "Nay",
        VoteChoice.Abstain => "Abstain",
        VoteChoice.Recuse => "Recused",
        VoteChoice.Absent => "Absent",
        _ => choice.ToString(),
    };
}
