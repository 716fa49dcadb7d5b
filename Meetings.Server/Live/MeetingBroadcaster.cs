using Meetings.Client.Contracts;
using Meetings.Server.Domain;
using Meetings.Server.Journal;
using Microsoft.AspNetCore.SignalR;

namespace Meetings.Server.Live;

/// <summary>
/// The one way anything reaches the people in a meeting: the hub, REST, phone webhooks and jobs all change a
/// meeting through <see cref="Meetings.MeetingStore"/>, which calls this after the change is committed.
/// </summary>
public sealed class MeetingBroadcaster(IHubContext<MeetingHub, IMeetingClient> hub, TimeProvider clock)
{
    public static string Group(Guid meetingId) => $"meeting:{meetingId:N}";

    public Task PublishAsync(Meeting meeting, IReadOnlyList<JournalEntry> entries) =>
        entries.Count == 0 ? Task.CompletedTask
        : hub.Clients.Group(Group(meeting.Id)).MeetingUpdated(
            new MeetingUpdate(meeting.Id, entries.Select(JournalEndpoints.ToDto).ToList(), LiveViews.Snapshot(meeting, clock.GetUtcNow())));
}
