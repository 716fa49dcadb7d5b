using Meetings.Tests.Support;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Meetings.Tests.Live;

/// <summary>
/// Kestrel sends each connection's bytes from the code that wrote them, not from a queue every connection shares, so
/// a command's answer does not wait behind a flood's update to thousands of screens. What that is worth (the sign-ups'
/// p99 under a flood) is measured by infra/bench.sh, not here.
/// </summary>
public class SocketSchedulingTests
{
    [Test]
    public async Task KestrelSendsFromTheWriter_NotFromAQueueEveryConnectionShares()
    {
        using var host = new TestHost();
        using var http = host.Anonymous();
        await http.DemoMeeting();

        var sockets = host.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value;
        Assert.That(sockets.UnsafePreferInlineScheduling, Is.True, "the server's sockets are worked where their bytes are written and read");
    }
}
