using Meetings.Server.Domain;
using Meetings.Server.Minutes;

namespace Meetings.Server.Records;

/// <summary>What the exports link to beside the journal: the agenda's documents and the approved minutes.</summary>
public sealed class RecordDocuments(MinutesService minutes, RecordLinks links)
{
    public async Task<IReadOnlyList<OcdDocument>> OcdAsync(MeetingRecord record)
    {
        var m = record.Meeting;
        var documents = m.Documents.Select(d => new OcdDocument($"Item {m.Item(d.ItemId).Number}: {d.Title}", links.Document(m.Id, d.Id), d.MediaType,
            m.Local(d.At).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))).ToList();
        if (m.Status != MeetingStatus.Draft) documents.Insert(0, new OcdDocument("Agenda packet", links.Packet(m.Id), "application/zip", ""));
        if (await minutes.ApprovedAsync(record, null) is { } approved)
            documents.Add(new OcdDocument($"Minutes, version {approved.Version}", links.Minutes(m.Id), "text/html",
                approved.ApprovedAt!.Value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        return documents;
    }

    public static IReadOnlyDictionary<Guid, IReadOnlyList<LegistarAttachment>> Legistar(MeetingRecord record, RecordLinks links) =>
        record.Meeting.Documents.GroupBy(d => d.ItemId).ToDictionary(g => g.Key,
            g => (IReadOnlyList<LegistarAttachment>)[.. g.Select(d => new LegistarAttachment(d.Title, links.Document(record.Meeting.Id, d.Id), d.FileName))]);

    /// <summary>Whether minutes are approved, and each item's narrative in the latest approved version.</summary>
    public async Task<MinutesStatus> MinutesAsync(MeetingRecord record)
    {
        var approved = await minutes.ApprovedAsync(record, null);
        return new MinutesStatus(approved is not null,
            itemId => approved?.Items.FirstOrDefault(i => i.Number == record.Meeting.Item(itemId).Number)?.Narrative);
    }
}

public sealed record MinutesStatus(bool Approved, Func<Guid, string?> Narrative);
