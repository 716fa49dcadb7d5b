using Meetings.Server.Live;
using Meetings.Server.Meetings;
using Meetings.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Live;

/// <summary>
/// SignalR runs a hub call apart from its connection's reading, so a connection can close while its <c>Join</c> waits
/// for the meeting (a first join after a start reads it under the meeting's lock). Its disconnect then finds nothing to
/// drop; the join must not leave a screen behind that the meeting sends to forever.
/// </summary>
public class JoinRacingDisconnectTests
{
    [Test]
    public async Task AJoinWaitingForTheMeetingWhileItsConnectionCloses_LeavesNoScreenBehind()
    {
        using var host = new TestHost();
        var id = (await host.Anonymous().DemoMeeting()).Meeting.Id;
        var store = host.Services.GetRequiredService<MeetingStore>();
        var broadcaster = host.Services.GetRequiredService<MeetingBroadcaster>();
        using var scope = host.Services.CreateScope();
        using var caller = new HubCaller("a-connection-closing");
        var hub = ActivatorUtilities.CreateInstance<MeetingHub>(scope.ServiceProvider);
        hub.Context = caller;

        // The meeting's lock is held, so the join waits for the meeting.
        using var held = await MeetingLockHeld.HoldAsync(store, id);
        var join = hub.Join(id);
        Assert.That(join.IsCompleted, Is.False, "the join waits for the meeting");

        // Meanwhile the connection closes: SignalR cancels its token, then runs its disconnect, which finds nothing yet.
        caller.Close();
        await hub.OnDisconnectedAsync(null);
        await held.ReleaseAsync();

        Assert.ThrowsAsync<HubException>(async () => await join, "the join of a closed connection is refused");
        Assert.That(broadcaster.Watched, Does.Not.Contain(id), "no screen of the closed connection follows the meeting");
        Assert.That(broadcaster.Following, Is.Zero, "and nothing is kept for the connection");
    }

    [Test]
    public async Task ALeaveFinishingAfterItsConnectionsDisconnect_KeepsNothingForTheConnection()
    {
        using var host = new TestHost();
        var id = (await host.Anonymous().DemoMeeting()).Meeting.Id;
        var store = host.Services.GetRequiredService<MeetingStore>();
        var broadcaster = host.Services.GetRequiredService<MeetingBroadcaster>();
        await store.ReadAsync(id, broadcaster.Load);
        broadcaster.Follow(id, "a-connection-gone");

        broadcaster.Disconnected("a-connection-gone");
        broadcaster.Unfollow(id, "a-connection-gone");

        Assert.That(broadcaster.Following, Is.Zero, "the leave that finished after the disconnect added nothing back");
    }
}
