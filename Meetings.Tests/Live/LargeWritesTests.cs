using System.Buffers;
using System.IO.Pipelines;
using Meetings.Client.Contracts;
using Meetings.Server.Live;
using Meetings.Tests.Support;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Live;

/// <summary>
/// A large message reaches a connection's pipe in a few large blocks, not hundreds of 4 KB ones: each segment a pipe
/// fills stays in its pool for the life of the connection. (What that gives back after a flood is measured by
/// infra/bench.sh, not here.)
/// </summary>
public class LargeWritesTests
{
    // An update as large as the benchmark's flood made them.
    private static readonly byte[] FloodUpdate = [.. Enumerable.Range(0, 900 * 1024).Select(i => (byte)(i * 7))];

    // The whole message waits in the pipe until read: a writer that waited for the reader would wait forever here.
    private static readonly PipeOptions Unpaused = new(pauseWriterThreshold: 0);

    [Test]
    public async Task AMessageOf900KB_GoesIntoTheConnectionsPipe_In29Segments_Whole()
    {
        var pipe = new Pipe(Unpaused);
        await new LargeWrites(pipe.Writer).WriteAsync(FloodUpdate);

        var read = await pipe.Reader.ReadAsync();
        Assert.That(Lengths(read.Buffer), Has.Count.EqualTo(29), "900 KB in blocks of 32 KB (the pipe's own write would take 225 of 4 KB)");
        Assert.That(read.Buffer.ToArray(), Is.EqualTo(FloodUpdate), "every byte, in order");
    }

    [Test]
    public async Task SmallAndLargeMessagesInTurn_ArriveWholeAndInOrder()
    {
        var pipe = new Pipe(Unpaused);
        var writer = new LargeWrites(pipe.Writer);
        int[] sizes = [1000, 4096, 4097, 10, 70_000, 3000];
        var at = 0;
        foreach (var size in sizes)
        {
            await writer.WriteAsync(FloodUpdate.AsMemory(at, size));
            at += size;
        }

        var read = await pipe.Reader.ReadAsync();
        Assert.That(read.Buffer.ToArray(), Is.EqualTo(FloodUpdate[..at]), "every byte of every message, in the order written");
    }

    [TestCase(2 * LargeWrites.LargestBlock + 10)]
    [TestCase(LargeWrites.LargestBlock + 5)]
    public async Task NoBlockIsLargerThanAFrameWhoseHeaderStillFits32KB(int size)
    {
        var pipe = new Pipe(Unpaused);
        await new LargeWrites(pipe.Writer).WriteAsync(FloodUpdate.AsMemory(0, size));

        var read = await pipe.Reader.ReadAsync();
        var blocks = Lengths(read.Buffer);
        Assert.That(blocks, Has.All.LessThanOrEqualTo(32 * 1024 - LargeWrites.FrameHeader),
            "each block is sent as a frame; with its header it must fit a 32 KB buffer, not take one of 64 KB");
        Assert.That(blocks.Sum(), Is.EqualTo(size));
    }

    [TestCase(32_000, 1_000)]
    [TestCase(17_000 + LargeWrites.LargestBlock, 15_760)]
    public async Task WhatIsWrittenNext_DoesNotFillALargeMessagesLastBlockPastAFrame(int first, int next)
    {
        var pipe = new Pipe(Unpaused);
        var writer = new LargeWrites(pipe.Writer);
        await writer.WriteAsync(FloodUpdate.AsMemory(0, first));
        await writer.WriteAsync(FloodUpdate.AsMemory(first, next));

        // Both in one read, as the socket reads a screen that is behind.
        var read = await pipe.Reader.ReadAsync();
        Assert.That(Lengths(read.Buffer), Has.All.LessThanOrEqualTo(LargeWrites.LargestBlock), "the pipe tops up a block's spare room");
        Assert.That(read.Buffer.ToArray(), Is.EqualTo(FloodUpdate[..(first + next)]));
    }

    [Test]
    public async Task TheHubsConnections_WriteThroughIt()
    {
        using var host = new TestHost();
        var id = (await host.Anonymous().DemoMeeting()).Meeting.Id;
        await using var viewer = host.AnonymousHub();
        await viewer.StartAsync();
        var joined = await viewer.InvokeAsync<JoinResult>("Join", id, null);

        var connection = host.Services.GetRequiredService<LocalConnections>().Find(viewer.ConnectionId!);
        Assert.That(connection?.Features.Get<IConnectionTransportFeature>()?.Transport.Output, Is.InstanceOf<LargeWrites>());
        Assert.That(joined.Snapshot.Meeting.Id, Is.EqualTo(id), "and the hub answers through it");
    }

    private static List<int> Lengths(ReadOnlySequence<byte> buffer)
    {
        var lengths = new List<int>();
        foreach (var segment in buffer) lengths.Add(segment.Length);
        return lengths;
    }
}
