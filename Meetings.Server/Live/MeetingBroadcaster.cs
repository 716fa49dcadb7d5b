using System.Collections.Concurrent;
using Meetings.Client.Contracts;
using Meetings.Server.Domain;
using Meetings.Server.Moderation;
using Microsoft.AspNetCore.SignalR;

namespace Meetings.Server.Live;

/// <summary>
/// The one way anything reaches the people in a meeting: the hub, REST, phone webhooks and jobs all change a
/// meeting through <see cref="Meetings.MeetingStore"/>, which calls this after the change is committed.
/// Updates are built at once, from the state as committed, and sent in order on a queue of their own, so a
/// slow screen never holds up the meeting. What else follows from a commit (notices, phone lines) is not done
/// here but by the journal's followers, which survive a crash.
/// </summary>
public sealed class MeetingBroadcaster(IHubContext<MeetingHub, IMeetingClient> hub, TimeProvider clock, ILogger<MeetingBroadcaster> log)
{
    private readonly ConcurrentDictionary<Guid, Task> _sending = new();

    public static string Group(Guid meetingId) => $"meeting:{meetingId:N}";

    /// <summary>The clerks of a meeting, who alone see the phone callers' states.</summary>
    public static string ClerksGroup(Guid meetingId) => $"clerks:{meetingId:N}";

    /// <summary>
    /// Queues what was just committed for everyone in the meeting.
    /// Call it under the meeting's lock: what each needs is taken from the state as committed.
    /// </summary>
    public Task PublishAsync(Meeting meeting, IReadOnlyList<JournalEntry> entries)
    {
        if (entries.Count == 0) return Task.CompletedTask;
        var now = clock.GetUtcNow();
        var update = new MeetingUpdate(meeting.Id, PublicRecord.Events(entries, meeting), LiveViews.Snapshot(meeting, now));
        // The meeting's lock orders the calls; chaining on the previous send keeps that order on the wire.
        _sending.AddOrUpdate(meeting.Id,
            _ => SendAsync(update, Task.CompletedTask),
            (_, previous) => SendAsync(update, previous));
        return Task.CompletedTask;
    }

    private async Task SendAsync(MeetingUpdate update, Task previous)
    {
        await previous;
        try
        {
            await hub.Clients.Group(Group(update.MeetingId)).MeetingUpdated(update);
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Sending update {Sequence} of meeting {MeetingId} failed.", update.Snapshot.Sequence, update.MeetingId);
        }
    }
}
