using System.IO.Pipelines;
using System.Reflection;
using Microsoft.AspNetCore.Http.Connections;

namespace Meetings.Server.Live;

/// <summary>
/// EXPERIMENT: SignalR's pipe to each screen hands what is flushed to its WebSocket on the thread that flushed it,
/// not through the thread pool.
/// </summary>
internal static class InlineSends
{
    public static bool Apply(HttpConnectionDispatcherOptions options)
    {
        var field = typeof(HttpConnectionDispatcherOptions).GetField("_transportPipeOptions", BindingFlags.Instance | BindingFlags.NonPublic);
        if (field is null || field.FieldType != typeof(PipeOptions)) return false;
        field.SetValue(options, new PipeOptions(
            pauseWriterThreshold: options.TransportMaxBufferSize,
            resumeWriterThreshold: options.TransportMaxBufferSize / 2,
            readerScheduler: PipeScheduler.Inline,
            useSynchronizationContext: false));
        return true;
    }
}
