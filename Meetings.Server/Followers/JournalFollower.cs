using Meetings.Server.Domain;

namespace Meetings.Server.Followers;

/// <summary>
/// Something that must happen because of what a meeting's journal holds (notices planned, phone lines muted or
/// opened, and any later consequence). A follower is handed the events after the last sequence it checkpointed,
/// in order, and the checkpoint moves only after it returns: so a crash between a commit and its consequences
/// loses nothing. The price is that a crash after acting but before the checkpoint hands the same events over
/// again, so what a follower does must be safe to do twice (claim work under a unique key, or set a state to
/// what the meeting says it should be, rather than toggling it).
/// </summary>
public interface IJournalFollower
{
    /// <summary>The follower's name in the checkpoint table. Renaming it makes it start again from the first event.</summary>
    string Name { get; }

    /// <summary>Handles a meeting's events after this follower's checkpoint (up to a page of them), in order.</summary>
    Task FollowAsync(FollowedEvents batch, CancellationToken ct);
}

/// <summary>A meeting's journal entries after a follower's checkpoint, with their decoded events (same order).</summary>
public sealed record FollowedEvents(Guid MeetingId, IReadOnlyList<JournalEntry> Entries, IReadOnlyList<MeetingEvent> Events)
{
    /// <summary>The events with their sequence numbers, for a follower that keys its work on the event it came from.</summary>
    public IEnumerable<(long Sequence, MeetingEvent Event)> Numbered => Entries.Select((entry, i) => (entry.Sequence, Events[i]));
}

/// <summary>How far one follower has handled one meeting's journal.</summary>
public sealed class FollowerCheckpoint
{
    public string Follower { get; set; } = "";
    public Guid MeetingId { get; set; }
    /// <summary>The last sequence handled; the follower starts after it.</summary>
    public long Sequence { get; set; }
}

/// <summary>
/// Where a test can make a follower fail as a crash would: before it acts, or after it acted but before its
/// checkpoint is written. Nothing sets it outside tests.
/// </summary>
public sealed class FollowerFaults
{
    /// <summary>Whether the named follower, handling the given meeting's events, fails at this stage.</summary>
    public Func<string, Guid, FollowerStage, bool>? Fail { get; set; }

    internal void At(string follower, Guid meetingId, FollowerStage stage)
    {
        if (Fail?.Invoke(follower, meetingId, stage) == true) throw new InvalidOperationException($"Simulated crash of the {follower} follower ({stage}).");
    }
}

public enum FollowerStage { BeforeActing, BeforeCheckpoint }
