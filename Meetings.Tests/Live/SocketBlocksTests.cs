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

        Assert.That(sockets.LetGoIdle(), Is.GreaterThan(0), "the idle blocks let go");
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);

        var made = sockets.Made;
        var again = await http.GetStringAsync($"/api/meetings/{meeting.Meeting.Id}/journal");
        Assert.That(again, Does.Contain(meeting.Meeting.Id.ToString()));
        Assert.That(sockets.Made, Is.GreaterThan(made), "new blocks made for the next answer, none left idle to reuse");
    }

    [Test]
    public void BlocksNoConnectionNeeded_GoByHalves_WhileThoseASteadyLoadUsesAreKept()
    {
        var sockets = new SocketBlocks();
        using var pool = sockets.Create();
        const int Block = SocketBlocks.BlockSize;
        void Use(int blocks) => Enumerable.Range(0, blocks).Select(_ => pool.Rent()).ToList().ForEach(b => b.Dispose());

        Use(100);
        Assert.That(sockets.LetGoUnused(), Is.Zero, "a burst that just needed every block");
        Assert.That(sockets.LetGoUnused(), Is.EqualTo(50 * Block), "then nothing used: half of them");
        Assert.That(sockets.LetGoUnused(), Is.EqualTo(25 * Block), "and half again");
        Use(10);
        Assert.That(sockets.LetGoUnused(), Is.EqualTo(7 * Block), "ten in use at once: half of the fifteen never taken");
        Use(18);
        Assert.That(sockets.LetGoUnused(), Is.Zero, "a load that used every idle block keeps them all");
        Assert.That(sockets.Idle, Is.EqualTo(18 * Block));
        Assert.That(sockets.LetGoIdle(), Is.EqualTo(18 * Block));
        Assert.That(sockets.Idle, Is.Zero);
    }
}
