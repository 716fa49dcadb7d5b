using Meetings.Server.Followers;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Support;

/// <summary>
/// Makes one follower of a host fail at a stage every time it handles one meeting's events, as a server killed there
/// would, and says when it first did. Only that meeting: a batch of another meeting (still being caught up) must not
/// set the crash off before the change the test makes.
/// </summary>
public sealed class Crash
{
    private readonly TaskCompletionSource _happened = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Crash() { }

    public static Crash Arm(TestHost host, string follower, Guid meetingId, FollowerStage stage)
    {
        var crash = new Crash();
        host.Services.GetRequiredService<FollowerFaults>().Fail = (name, meeting, at) =>
        {
            if (name != follower || meeting != meetingId || at != stage) return false;
            crash._happened.TrySetResult();
            return true;
        };
        return crash;
    }

    /// <summary>
    /// Arms a crash once the follower has checkpointed a meeting up to <paramref name="followedTo"/>: armed sooner, it
    /// could go off on the batch still being handled rather than on the change the test makes next.
    /// </summary>
    public static async Task<Crash> ArmPastAsync(TestHost host, string follower, Guid meetingId, long followedTo, FollowerStage stage)
    {
        await Wait.Until(() => Checkpoint(host, follower, meetingId) >= followedTo, $"the {follower} follower past sequence {followedTo}");
        return Arm(host, follower, meetingId, stage);
    }

    /// <summary>Lets the host's followers run on as if restarted in place.</summary>
    public static void Disarm(TestHost host) => host.Services.GetRequiredService<FollowerFaults>().Fail = null;

    public async Task Happened()
    {
        try { await _happened.Task.WaitAsync(TimeSpan.FromSeconds(15)); }
        catch (TimeoutException) { Assert.Fail("the follower never reached the point of the crash"); }
    }

    /// <summary>The last sequence the follower has checkpointed for a meeting (0 when none).</summary>
    public static long Checkpoint(TestHost host, string follower, Guid meetingId) =>
        host.WithDb(db => db.FollowerCheckpoints.Where(c => c.Follower == follower && c.MeetingId == meetingId).Select(c => c.Sequence).FirstOrDefault());
}
