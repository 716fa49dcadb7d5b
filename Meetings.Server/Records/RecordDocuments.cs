using Meetings.Server.Domain;

namespace Meetings.Server.Records;

/// <summary>What the exports link to beside the journal: the agenda's documents and the approved minutes.</summary>
public sealed class RecordDocuments
{
    public Task<IReadOnlyList<OcdDocument>> OcdAsync(MeetingRecord record) => Task.FromResult<IReadOnlyList<OcdDocument>>([]);

    public Task<IReadOnlyDictionary<Guid, IReadOnlyList<LegistarAttachment>>> LegistarAsync(MeetingRecord record) =>
        Task.FromResult<IReadOnlyDictionary<Guid, IReadOnlyList<LegistarAttachment>>>(new Dictionary<Guid, IReadOnlyList<LegistarAttachment>>());

    public Task<MinutesStatus> MinutesAsync(MeetingRecord record) => Task.FromResult(new MinutesStatus(false, _ => null));
}

public sealed record MinutesStatus(bool Approved, Func<Guid, string?> Narrative);
