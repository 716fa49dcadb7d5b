using Meetings.Server.Followers;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Support;

/// <summary>Makes one follower of a host fail at a stage every time, as a server killed there would, and says when it first did.</summary>
public sealed class Crash
{
    private readonly TaskCompletionSource _happened = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Crash() { }

    public static Crash Arm(TestHost host, string follower, FollowerStage stage)
    {
        var crash = new Crash();
        host.Services.GetRequiredService<FollowerFaults>().Fail = (name, at) =>
        {
            if (name != follower || at != stage) return false;
            crash._happened.TrySetResult();
            return true;
        };
        return crash;
    }

    public async Task Happened()
    {
        try { await _happened.Task.WaitAsync(TimeSpan.FromSeconds(15)); }
        catch (TimeoutException) { Assert.Fail("the follower never reached the point of the crash"); }
    }

    /// <summary>The last sequence the follower has checkpointed for a meeting (0 when none).</summary>
    public static long Checkpoint(TestHost host, string follower, Guid meetingId) =>
        host.WithDb(db => db.FollowerCheckpoints.Where(c => c.Follower == follower && c.MeetingId == meetingId).Select(c => c.Sequence).FirstOrDefault());
}
