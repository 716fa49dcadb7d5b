using Meetings.Server.Live;
using Meetings.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Live;

/// <summary>
/// Kestrel reads and writes its sockets with the server's own blocks, which can all be let go once a burst is over,
/// and it goes on serving with new ones. (How much that gives back is measured by infra/bench.sh, not here.)
/// </summary>
public class SocketBlocksTests
{
    [Test]
    public async Task KestrelUsesTheServersBlocks_AndServesOnAfterTheIdleOnesAreLetGo()
    {
        using var host = new TestHost();
        var sockets = host.Services.GetRequiredService<SocketBlocks>();
        using var http = host.Anonymous();
        var meeting = await http.DemoMeeting();
        Assert.That(sockets.Rented, Is.GreaterThan(0), "Kestrel took its blocks from the server's pool");
        await Wait.Until(() => sockets.Idle > 0, "the blocks back in the pool once the answers are sent");

        Assert.That(sockets.LetGoIdle(), Is.GreaterThan(0));
        Assert.That(sockets.Idle, Is.Zero, "every idle block let go");
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);

        var rented = sockets.Rented;
        var again = await http.GetStringAsync($"/api/meetings/{meeting.Meeting.Id}/journal");
        Assert.That(again, Does.Contain(meeting.Meeting.Id.ToString()));
        Assert.That(sockets.Rented, Is.GreaterThan(rented), "new blocks for the next answer");
    }
}
