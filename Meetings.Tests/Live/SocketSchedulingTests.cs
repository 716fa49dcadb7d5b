using Meetings.Server.Live;
using Meetings.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Meetings.Tests.Live;

/// <summary>
/// Kestrel sends each connection's bytes from the code that wrote them, not from a queue every connection shares, and
/// so does SignalR's pipe in front of each screen's WebSocket (HubPipes), so a command's answer does not wait behind a
/// flood's update to thousands of screens. What that is worth (the sign-ups'
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

    [Test]
    public async Task AMessageToAScreen_IsOnItsWayToTheSocketWhenTheWriteReturns()
    {
        var sent = new SentWhileWriting();
        using var host = new TestHost(services: s => s.AddSingleton<IStartupFilter>(sent));
        await using var hub = host.AnonymousHub();
        await hub.StartAsync();
        var screens = host.Services.GetRequiredService<LocalConnections>();
        await Wait.Until(() => screens.Find(hub.ConnectionId!) is not null, "the hub knows the screen's connection");
        var screen = screens.Find(hub.ConnectionId!)!;

        ValueTask write;
        SentWhileWriting.Writing = true;
        try
        {
            write = screen.WriteAsync(PingMessage.Instance);
        }
        finally
        {
            SentWhileWriting.Writing = false;
        }
        await write;

        Assert.That(sent.Seen, Is.True, "the WebSocket was handed the message by the write itself, not by a work item queued for later");
    }

    /// <summary>
    /// Puts itself between each upgraded request and its stream, and notes whether the WebSocket wrote to the stream
    /// while <see cref="Writing"/> was set on the writing thread.
    /// </summary>
    private sealed class SentWhileWriting : IStartupFilter
    {
        [ThreadStatic]
        public static bool Writing;

        private volatile bool _seen;

        public bool Seen => _seen;

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, rest) =>
            {
                if (http.Features.Get<IHttpUpgradeFeature>() is { } upgrade) http.Features.Set<IHttpUpgradeFeature>(new Upgrade(upgrade, this));
                return rest(http);
            });
            next(app);
        };

        private sealed class Upgrade(IHttpUpgradeFeature inner, SentWhileWriting spy) : IHttpUpgradeFeature
        {
            public bool IsUpgradableRequest => inner.IsUpgradableRequest;

            public async Task<Stream> UpgradeAsync() => new Watched(await inner.UpgradeAsync(), spy);
        }

        private sealed class Watched(Stream inner, SentWhileWriting spy) : Stream
        {
            public override bool CanRead => inner.CanRead;
            public override bool CanSeek => false;
            public override bool CanWrite => inner.CanWrite;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
            public override void Flush() => inner.Flush();
            public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
            public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
            public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
            public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count)
            {
                Note();
                inner.Write(buffer, offset, count);
            }

            public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
            {
                Note();
                return inner.WriteAsync(buffer, cancellationToken);
            }

            public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            {
                Note();
                return inner.WriteAsync(buffer, offset, count, cancellationToken);
            }

            protected override void Dispose(bool disposing)
            {
                if (disposing) inner.Dispose();
                base.Dispose(disposing);
            }

            private void Note()
            {
                if (Writing) spy._seen = true;
            }
        }
    }
}
