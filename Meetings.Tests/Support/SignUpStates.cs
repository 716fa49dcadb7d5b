using Meetings.Client.Contracts;
using Meetings.Server.Live;
using Meetings.Server.Meetings;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Support;

/// <summary>
/// The demo meeting's public hearing as it stood before and after each of a number of sign-ups at the room's desk,
/// with each one's events as screens got them: the changes a feed of a test's own is handed, one at a time.
/// </summary>
public sealed record SignUpStates(Guid MeetingId, IReadOnlyList<MeetingSnapshot> States, IReadOnlyList<JournalEventDto> Events)
{
    public static async Task<SignUpStates> TakeAsync(TestHost host, int signUps)
    {
        var meeting = await host.Anonymous().DemoMeeting();
        var (id, item) = (meeting.Meeting.Id, meeting.Agenda[2].Id);
        await using var clerk = await LiveClient.ConnectAsync(host, Demo.Clerk, "clerk", id);
        await clerk.OpenPublicComment(id, item);
        var store = host.Services.GetRequiredService<MeetingStore>();
        var states = new List<MeetingSnapshot> { await store.ReadAsync(id, m => LiveViews.Snapshot(m, default)) };
        for (var i = 0; i < signUps; i++)
        {
            await clerk.Invoke<Guid>("AddRoomSpeaker", id, item, $"Card {i}", null, false);
            states.Add(await store.ReadAsync(id, m => LiveViews.Snapshot(m, default)));
        }
        await clerk.WaitForSequence(states[^1].Sequence);
        return new SignUpStates(id, states, [.. clerk.Events.Where(e => e.Sequence > states[0].Sequence)]);
    }

    /// <summary>The events of sign-up <paramref name="change"/> (from 1).</summary>
    public IReadOnlyList<JournalEventDto> EventsOf(int change) =>
        [.. Events.Where(e => e.Sequence > States[change - 1].Sequence && e.Sequence <= States[change].Sequence)];
}
