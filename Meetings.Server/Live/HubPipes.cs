using System.IO.Pipelines;
using System.Reflection;
using Microsoft.AspNetCore.Http.Connections;

namespace Meetings.Server.Live;

/// <summary>
/// SignalR puts a pipe between whatever writes to a screen and the screen's WebSocket, and by default hands every
/// flush of it to the thread pool, where the connection's send loop takes the bytes and sends them. An update to
/// 10,000 screens so made 10,000 work items, in the same queue as every command's, besides the sending itself, and in
/// the bench's flood a resident's sign-up waited, by inference, behind them: its p50 was 30-77 ms and its p99 up to
/// 0.7 s in half the runs of 2026-11-29, against 4-6 ms and at most 54 ms since (infra/bench/HISTORY.md, 2026-11-29
/// to 30). Here the send loop runs on the thread that flushed, as Kestrel's socket below it already does
/// (<see cref="LiveRegistration.SendWhereWritten"/>), and the bytes are on their way to the socket when the write
/// returns. Only this direction: what a screen sends still reaches the hub through the thread pool, off the socket's
/// thread. A send the socket cannot take at once still waits without holding the writer's thread, and the writer,
/// held back by a full pipe, is resumed on the thread pool as before. SignalR has no setting for it; its options keep
/// the pipe's settings in a private field, which this sets (ASP.NET Core 10). A version without that field leaves
/// SignalR's own, which the server says at start.
/// </summary>
internal static class HubPipes
{
    /// <summary>Makes the screens' outgoing pipes of <paramref name="options"/> send where flushed; false if this SignalR keeps them elsewhere.</summary>
    public static bool SendWhereWritten(HttpConnectionDispatcherOptions options)
    {
        var field = typeof(HttpConnectionDispatcherOptions).GetField("_transportPipeOptions", BindingFlags.Instance | BindingFlags.NonPublic);
        if (field?.FieldType != typeof(PipeOptions)) return false;
        // As SignalR makes them (HttpConnectionDispatcherOptions.TransportPipeOptions), but for the reader's scheduler.
        field.SetValue(options, new PipeOptions(
            pauseWriterThreshold: options.TransportMaxBufferSize,
            resumeWriterThreshold: options.TransportMaxBufferSize / 2,
            readerScheduler: PipeScheduler.Inline,
            writerScheduler: PipeScheduler.ThreadPool,
            useSynchronizationContext: false));
        return true;
    }
}
