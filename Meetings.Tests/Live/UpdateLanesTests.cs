using System.Globalization;
using Meetings.Server.Live;
using Meetings.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Meetings.Tests.Live;

/// <summary>
/// Who sends an update to the screens (MeetingFeed): a lone change goes out on every core, to reach every screen
/// soonest; while changes keep coming, on one lane, so that the other cores are left to the commands that make them.
/// A screen's send here holds its lane's thread, as a socket's send does, and the first screen's send looks for a
/// screen of another slice being sent meanwhile. What either is worth is measured by infra/bench.sh, not here.
/// </summary>
public class UpdateLanesTests
{
    private const int Screens = 200;

    [Test]
    public async Task ALoneChange_GoesOutOnEveryCore()
    {
        Assume.That(Environment.ProcessorCount, Is.GreaterThan(1), "one core is one lane");
        using var feed = await Feed.StartAsync(changes: 1);

        feed.Change(1);

        Assert.That(await feed.SentMeanwhile(1), Is.True, "while the first screen's send held its lane, another lane sent to the second slice");
    }

    [Test]
    public async Task WhileChangesKeepComing_AnUpdateGoesOutOnOneLane()
    {
        using var feed = await Feed.StartAsync(changes: 3);
        feed.Hold(1);

        feed.Change(1);
        await feed.Sending(1);
        feed.Change(2);
        feed.Change(3);
        feed.LetGo(1);

        Assert.That(await feed.SentMeanwhile(3), Is.False, "the second slice waited for the first screen's send: one lane");
    }

    /// <summary>A feed of its own with <see cref="Screens"/> screens, over the states of a meeting that took <c>changes</c> sign-ups.</summary>
    private sealed class Feed : IDisposable
    {
        // How long the first screen's send of the update with one lane looks for another lane's send, before it takes there was none.
        private static readonly TimeSpan Look = TimeSpan.FromSeconds(2);

        private readonly TestHost _host;
        private readonly SignUpStates _changes;
        private readonly MeetingFeed _feed;
        private readonly object _gate = new();
        private int _standing;
        // For each update's sequence: the first screen's send is under way, the test lets the sends go on, another slice's send started, and what the first screen's send saw.
        private readonly Dictionary<long, (TaskCompletionSource Sending, TaskCompletionSource LetGo, ManualResetEventSlim OtherSlice, TaskCompletionSource<bool> Saw)> _byUpdate = [];

        private Feed(TestHost host, SignUpStates changes)
        {
            (_host, _changes) = (host, changes);
            var id = changes.MeetingId;
            _feed = new MeetingFeed(id, screen => new Outbox(id, update => Send(int.Parse(screen, CultureInfo.InvariantCulture), update), NullLogger.Instance), take =>
            {
                lock (_gate) take(_changes.States[_standing], _ => true);
                return Task.CompletedTask;
            }, TimeProvider.System, NullLogger.Instance);
            _feed.Load(changes.States[0], accessCode: "");
            for (var screen = 0; screen < Screens; screen++) _feed.Follow(screen.ToString(CultureInfo.InvariantCulture));
        }

        public static async Task<Feed> StartAsync(int changes)
        {
            var host = new TestHost();
            return new Feed(host, await SignUpStates.TakeAsync(host, changes));
        }

        /// <summary>The meeting takes change <paramref name="change"/>, which is handed to the feed.</summary>
        public void Change(int change)
        {
            lock (_gate)
            {
                _standing = change;
                _feed.Publish(_changes.EventsOf(change));
            }
        }

        /// <summary>The sends of the update that ends with change <paramref name="change"/> do not finish until <see cref="LetGo"/>.</summary>
        public void Hold(int change) => For(_changes.States[change].Sequence, hold: true);

        /// <summary>The first screen is being sent the update that ends with change <paramref name="change"/>.</summary>
        public Task Sending(int change) => For(_changes.States[change].Sequence, hold: false).Sending.Task.WaitAsync(TimeSpan.FromSeconds(10));

        public void LetGo(int change) => For(_changes.States[change].Sequence, hold: false).LetGo.TrySetResult();

        /// <summary>Whether, while the first screen was being sent the update that ends with change <paramref name="change"/>, another slice's screen was sent it.</summary>
        public Task<bool> SentMeanwhile(int change) => For(_changes.States[change].Sequence, hold: false).Saw.Task.WaitAsync(TimeSpan.FromSeconds(15));

        private (TaskCompletionSource Sending, TaskCompletionSource LetGo, ManualResetEventSlim OtherSlice, TaskCompletionSource<bool> Saw) For(long sequence, bool hold)
        {
            lock (_byUpdate)
            {
                if (!_byUpdate.TryGetValue(sequence, out var entry))
                {
                    var letGo = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    if (!hold) letGo.SetResult();
                    _byUpdate[sequence] = entry = (new(TaskCreationOptions.RunContinuationsAsynchronously), letGo, new(), new(TaskCreationOptions.RunContinuationsAsynchronously));
                }
                return entry;
            }
        }

        private ValueTask Send(int screen, LiveUpdate update)
        {
            var entry = For(update.Sequence, hold: false);
            if (screen >= MeetingFeed.ScreensPerSlice) entry.OtherSlice.Set();
            if (screen == 0)
            {
                entry.Sending.TrySetResult();
                // Held here, on the lane's own thread, as a socket's send is.
                entry.Saw.TrySetResult(entry.OtherSlice.Wait(Look));
            }
            return new ValueTask(entry.LetGo.Task);
        }

        public void Dispose() => _host.Dispose();
    }
}
