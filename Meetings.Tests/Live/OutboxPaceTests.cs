using Meetings.Server.Live;
using Microsoft.Extensions.Logging.Abstractions;

namespace Meetings.Tests.Live;

/// <summary>
/// The feed sends the next update once nearly every screen has taken this one (one in fifty may lag). A screen that
/// has stopped reading is behind: its outbox fills, and the pace must not wait for it, however few the others are.
/// </summary>
public class OutboxPaceTests
{
    private static readonly Guid Meeting = Guid.NewGuid();

    [Test]
    public async Task ThreeScreensOfAHundredThatStoppedReading_DoNotHoldUpTheNextUpdate()
    {
        var never = new TaskCompletionSource();
        var stopped = Enumerable.Range(0, 3).Select(_ => new Outbox(Meeting, _ => new ValueTask(never.Task), NullLogger.Instance)).ToList();
        var reading = Enumerable.Range(0, 97).Select(_ => new Outbox(Meeting, _ => ValueTask.CompletedTask, NullLogger.Instance)).ToList();
        // Earlier updates: the stopped screens are writing the first and have the others waiting.
        for (var sequence = 1; sequence <= 1 + Outbox.BehindAt; sequence++)
        {
            var earlier = Update(sequence, screens: 100);
            foreach (var screen in stopped.Concat(reading)) screen.Post(earlier);
        }
        Assert.That(stopped.Select(s => s.Waiting), Is.All.EqualTo(Outbox.BehindAt), "the stopped screens are behind");

        var next = Update(2 + Outbox.BehindAt, screens: 100);
        foreach (var screen in stopped.Concat(reading)) screen.Post(next);

        await next.Delivery.Mostly.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(stopped.Select(s => s.Waiting), Is.All.EqualTo(Outbox.BehindAt + 1), "and they still have it to take, in order");
    }

    [Test]
    public async Task AScreenOneUpdateBehind_IsStillWaitedFor()
    {
        var slow = new TaskCompletionSource();
        var screen = new Outbox(Meeting, _ => new ValueTask(slow.Task), NullLogger.Instance);
        screen.Post(Update(1, screens: 1));
        // Three screens: one has it, one may lag, and this one has only the update before to finish first.
        var next = Update(2, screens: 3);
        screen.Post(next);
        next.Delivered();

        Assert.That(next.Delivery.Mostly.IsCompleted, Is.False, "the pace waits for a screen one update behind");
        slow.SetResult();
        await next.Delivery.Mostly.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static LiveUpdate Update(long sequence, int screens) => LiveUpdate.Patch(Meeting, sequence - 1, sequence, [], [], screens);
}
