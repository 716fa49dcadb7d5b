using Meetings.Client.Contracts;
using Meetings.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Live;

/// <summary>
/// Watching is not throttled by address: a library, a school or everyone behind one proxy may watch together (only what
/// reads a journal for one caller is, JournalReadLimitTests).
/// Commands that change the meeting keep their per-address limit. The host's clock stands still throughout, so no
/// rate limit grows back while the test runs.
/// </summary>
public class WatchingTests
{
    private const int Viewers = 500;

    [Test]
    public async Task FiveHundredViewersFromOneAddress_AllJoinCatchUpAndLeave_AndTheAddressKeepsItsCommandBudget()
    {
        using var host = new TestHost();
        var meeting = await host.Anonymous().DemoMeeting();
        var id = meeting.Meeting.Id;
        var viewers = new List<HubConnection>();
        try
        {
            var refused = 0;
            var joined = 0;
            // Twenty at a time: bounded, and enough to have hundreds of calls from the address within the same instant.
            for (var batch = 0; batch < Viewers; batch += 20)
            {
                var connections = Enumerable.Range(batch, 20).Select(_ => host.AnonymousHub()).ToList();
                viewers.AddRange(connections);
                await Task.WhenAll(connections.Select(async c =>
                {
                    try
                    {
                        await c.StartAsync();
                        var join = await c.InvokeAsync<JoinResult>("Join", id, null);
                        var catchUp = await c.InvokeAsync<CatchUp>("EventsAfter", id, 0L);
                        if (join.Snapshot.Meeting.Id == id && catchUp.Snapshot.Meeting.Id == id) Interlocked.Increment(ref joined);
                    }
                    catch (HubException)
                    {
                        Interlocked.Increment(ref refused);
                    }
                }));
            }
            await Task.WhenAll(viewers.Select(c => c.InvokeAsync("Leave", id)));

            Assert.That((joined, refused), Is.EqualTo((Viewers, 0)), "every viewer joined and caught up");
            Assert.That(await CommandsServed(viewers.Take(11).ToList(), id, meeting.Agenda[0].Id), Is.EqualTo(200),
                "watching spent none of the address's burst of two hundred commands, and commands are still limited");
        }
        finally
        {
            await Task.WhenAll(viewers.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    /// <summary>Twenty commands from each connection (each within its own burst), refused anyway; counts those the address's limit let through.</summary>
    private static async Task<int> CommandsServed(List<HubConnection> connections, Guid id, Guid itemId)
    {
        var served = 0;
        foreach (var connection in connections)
            for (var i = 0; i < 20; i++)
            {
                var refusal = Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<CommandAck>("WithdrawSignUp", id, "resident-token-of-a-viewer", Guid.NewGuid()));
                if (!refusal!.Message.Contains("Too many requests", StringComparison.Ordinal)) served++;
            }
        return served;
    }
}
