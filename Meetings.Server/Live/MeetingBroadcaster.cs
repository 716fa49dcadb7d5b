using System.Collections.Concurrent;
using Meetings.Client.Contracts;
using Meetings.Server.Domain;
using Meetings.Server.Moderation;
using Meetings.Server.Notices;
using Meetings.Server.Phone;
using Microsoft.AspNetCore.SignalR;

namespace Meetings.Server.Live;

/// <summary>
/// The one way anything reaches the people in a meeting: the hub, REST, phone webhooks and jobs all change a
/// meeting through <see cref="Meetings.MeetingStore"/>, which calls this after the change is committed.
/// Updates are built at once, from the state as committed, and sent in order on a queue of their own, so a
/// slow screen never holds up the meeting.
/// </summary>
public sealed class MeetingBroadcaster(
    IHubContext<MeetingHub, IMeetingClient> hub, PhoneSync phones, IServiceScopeFactory scopes, TimeProvider clock, ILogger<MeetingBroadcaster> log)
{
    private readonly ConcurrentDictionary<Guid, Task> _sending = new();

    public static string Group(Guid meetingId) => $"meeting:{meetingId:N}";

    /// <summary>The clerks of a meeting, who alone see the phone callers' states.</summary>
    public static string ClerksGroup(Guid meetingId) => $"clerks:{meetingId:N}";

    /// <summary>
    /// Queues what was just committed for everyone in the meeting, for the phone lines and for the notices.
    /// Call it under the meeting's lock: what each needs is taken from the state as committed.
    /// </summary>
    public Task PublishAsync(Meeting meeting, IReadOnlyList<JournalEntry> entries, IReadOnlyList<MeetingEvent> events)
    {
        if (entries.Count == 0) return Task.CompletedTask;
        var now = clock.GetUtcNow();
        var update = new MeetingUpdate(meeting.Id, PublicRecord.Events(entries, meeting), LiveViews.Snapshot(meeting, now));
        var phoneWork = phones.Changes(meeting, events);
        var notices = NoticePlan.For(meeting, events, entries[0].Sequence, now);
        // The meeting's lock orders the calls; chaining on the previous send keeps that order on the wire.
        _sending.AddOrUpdate(meeting.Id,
            _ => SendAsync(update, phoneWork, notices, Task.CompletedTask),
            (_, previous) => SendAsync(update, phoneWork, notices, previous));
        return Task.CompletedTask;
    }

    private async Task SendAsync(MeetingUpdate update, PhoneChanges phoneWork, NoticePlan notices, Task previous)
    {
        await previous;
        await Try(() => hub.Clients.Group(Group(update.MeetingId)).MeetingUpdated(update), "sending", update);
        await Try(() => phones.ApplyAsync(phoneWork), "updating the phone lines for", update);
        await Try(async () =>
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<NoticePlanner>().ApplyAsync(notices);
        }, "planning the notices for", update);
    }

    // Each follow-up stands alone: a screen that cannot be reached must not stop a notice, nor the reverse.
    private async Task Try(Func<Task> work, string what, MeetingUpdate update)
    {
        try
        {
            await work();
        }
        catch (Exception e)
        {
            log.LogWarning(e, "{What} update {Sequence} of meeting {MeetingId} failed.", what, update.Snapshot.Sequence, update.MeetingId);
        }
    }
}
