using Meetings.Server.Domain;
using Meetings.Server.Minutes;

namespace Meetings.Server.Records;

/// <summary>What the exports link to beside the journal: the agenda's documents and the approved minutes.</summary>
public sealed class RecordDocuments(MinutesService minutes, RecordLinks links)
{
    public async Task<IReadOnlyList<OcdDocument>> OcdAsync(MeetingRecord record)
    {
        var m = record.Meeting;
        var documents = new List<OcdDocument>();
        if (await minutes.ApprovedAsync(record, null) is { } approved)
            documents.Add(new OcdDocument($"Minutes, version {approved.Version}", links.Minutes(m.Id), "text/html",
                approved.ApprovedAt!.Value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        return documents;
    }

    public Task<IReadOnlyDictionary<Guid, IReadOnlyList<LegistarAttachment>>> LegistarAsync(MeetingRecord record) =>
        Task.FromResult<IReadOnlyDictionary<Guid, IReadOnlyList<LegistarAttachment>>>(new Dictionary<Guid, IReadOnlyList<LegistarAttachment>>());

    /// <summary>Whether minutes are approved, and each item's narrative in the latest approved version.</summary>
    public async Task<MinutesStatus> MinutesAsync(MeetingRecord record)
    {
        var approved = await minutes.ApprovedAsync(record, null);
        return new MinutesStatus(approved is not null,
            itemId => approved?.Items.FirstOrDefault(i => i.Number == record.Meeting.Item(itemId).Number)?.Narrative);
    }
}

public sealed record MinutesStatus(bool Approved, Func<Guid, string?> Narrative);
