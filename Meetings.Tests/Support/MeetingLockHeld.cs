using Meetings.Server.Meetings;

namespace Meetings.Tests.Support;

/// <summary>
/// Holds a meeting's lock in the store until released, as a long read or a first load would: what asks for the
/// meeting meanwhile waits behind it, so a test can make a race with that wait happen.
/// </summary>
public sealed class MeetingLockHeld : IDisposable
{
    private readonly ManualResetEventSlim _release;
    private readonly Task _holder;

    private MeetingLockHeld(Task holder, ManualResetEventSlim release) => (_holder, _release) = (holder, release);

    public static async Task<MeetingLockHeld> HoldAsync(MeetingStore store, Guid meetingId)
    {
        var release = new ManualResetEventSlim();
        var holding = new TaskCompletionSource();
        var holder = Task.Run(() => store.ReadAsync(meetingId, _ =>
        {
            holding.SetResult();
            release.Wait();
            return true;
        }));
        await holding.Task;
        return new MeetingLockHeld(holder, release);
    }

    /// <summary>Lets the lock go, and waits until the read that held it is done.</summary>
    public Task ReleaseAsync()
    {
        _release.Set();
        return _holder;
    }

    public void Dispose()
    {
        _release.Set();
        _release.Dispose();
    }
}
