namespace Meetings.Server.Live;

/// <summary>
/// How many arrays of each size the runtime's shared array pool keeps per core. SignalR writes each message into a
/// pipe of 4 KB arrays from that pool, one pipe per connection, and the pool keeps 32 a size per core: a flood's
/// update sent to 10,000 screens takes hundreds of thousands of arrays at once, so nearly every one is made afresh and
/// dropped after its send, and the collector spends the flood on them. Kept by the thousand, they are used again.
/// On the 2-core Intel Xeon (infra/bench.sh, 200 sign-ups a second while 10,000 watch) the viewers' lag went from
/// 21.9-32.4 s to 12.0-14.6 s and a sign-up's p99 from 630-957 ms to 348-508 ms; what the pool keeps is bounded by
/// what was in use at once (32 MB of 4 KB arrays on two cores).
/// </summary>
internal static class PooledBlocks
{
    public const string Setting = "DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION";
    public const int PerCore = 4096;

    /// <summary>
    /// Call first thing: the pool reads its size from the environment once, at its first use. The operator's own
    /// setting, if any, stands (32 is the runtime's default).
    /// </summary>
    public static void KeepMany()
    {
        if (Environment.GetEnvironmentVariable(Setting) is null)
            Environment.SetEnvironmentVariable(Setting, PerCore.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
