using System.Buffers;
using System.Globalization;
using System.Reflection;

namespace Meetings.Server.Live;

/// <summary>
/// How many arrays of a size the runtime's shared array pool keeps for each core: <see cref="PerCore"/> instead of the
/// runtime's 32, unless the operator sets <see cref="Setting"/>. SignalR's pipe to each screen takes a 4 KB array from
/// that pool for every message it carries and gives it back once the message is sent. An update to thousands of
/// screens has thousands out at once, and so do SignalR's keep-alive pings to the screens that joined in the same few
/// seconds (each pinged every 15 s, all in one pass of its timer). With 32 kept, nearly every array was made anew and
/// dropped: most of the 4.9-8.6 GB the server allocated in the 30 s of the bench's flood, with a young collection every
/// tenth of a second or so, and between changes one whenever the pings had filled the young generation again. With
/// 10,000 screens held, each young collection paused the server for 25-50 ms, in the middle of whatever update was
/// going out (infra/bench.sh, infra/bench/HISTORY.md, 2026-11-29 night). With 1,024 kept they are used again: at most
/// 8 MB of 4 KB arrays on two cores, and the pool gives back what it has not used for a while after full collections.
/// </summary>
internal static class SharedArrays
{
    /// <summary>The runtime's own name for it; it reads it once, from the environment, when the pool is first used.</summary>
    public const string Setting = "DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION";

    public const int PerCore = 1024;

    /// <summary>Called first thing in the process, before anything can have used the pool: later would be too late.</summary>
    public static void KeepMore()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Setting)))
            Environment.SetEnvironmentVariable(Setting, PerCore.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// What the runtime took, read from its internals (.NET 8 to 10) so the server can say so at start; null where a
    /// runtime keeps it elsewhere.
    /// </summary>
    public static int? Kept =>
        typeof(ArrayPool<byte>).Assembly.GetType("System.Buffers.SharedArrayPoolStatics")
            ?.GetField("s_maxArraysPerPartition", BindingFlags.Static | BindingFlags.NonPublic)?.GetValue(null) as int?;
}
