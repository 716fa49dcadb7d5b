using Meetings.Server.Domain;
using Meetings.Server.Meetings;
using Meetings.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Storage;

/// <summary>
/// Commands on one meeting that arrive while a commit is being made wait for it, and are then decided one after
/// another in the order they came, each on the state the ones before it left, and committed together.
/// </summary>
public class CommandBatchTests
{
    [Test]
    public async Task SignUpsQueuedTogether_AreDecidedInOrder_EachOnTheOnesBefore_AndARefusalRefusesOnlyItsOwn()
    {
        using var host = new TestHost();
        var meeting = await (await host.SignInAsync(Demo.Clerk)).DemoMeeting();
        var (id, item) = (meeting.Meeting.Id, meeting.Agenda[2].Id);
        await using (var clerk = await LiveClient.ConnectAsync(host, Demo.Clerk, "clerk", id))
        {
            await clerk.OpenPublicComment(id, item);
        }
        var store = host.Services.GetRequiredService<MeetingStore>();
        var before = (await store.ReadAsync(id, m => m.Version));

        // A command holds the meeting in the middle of deciding, so that every sign-up below queues behind it.
        var inside = new TaskCompletionSource();
        using var release = new ManualResetEventSlim();
        var holding = Task.Run(() => store.ExecuteAsync(id, Actor.System, (_, _) =>
        {
            inside.TrySetResult();
            release.Wait(TimeSpan.FromSeconds(30));
            return [];
        }));
        await inside.Task.WaitAsync(TimeSpan.FromSeconds(10));
        // Forty sign-ups in this order: every other one by the same resident, who may hold one place only.
        var signUps = Enumerable.Range(0, 40).Select(i => Attempt(() => store.ExecuteAsync(id, Actor.System, (m, now) =>
            m.SignUp(now, Guid.NewGuid(), item, $"Resident {i}", SpeakerSource.Web, i % 2 == 0 ? "the same resident" : $"resident {i}", null, false, false)))).ToList();
        release.Set();
        await holding;
        var outcomes = await Task.WhenAll(signUps);

        Assert.That(outcomes.Select((o, i) => (i, o.Refusal)).Where(x => x.i % 2 == 1 && x.Refusal is not null), Is.Empty, "every other resident got a place");
        Assert.That(outcomes[0].Refusal, Is.Null, "the same resident's first sign-up, which came first, got the place");
        Assert.That(outcomes.Where((_, i) => i % 2 == 0).Skip(1).Select(o => o.Refusal?.Rule), Is.All.EqualTo("one-place-per-person"),
            "each later sign-up by the same resident was decided on the ones before it, and refused");
        var sequences = outcomes.Where(o => o.Refusal is null).Select(o => o.Entries.Single().Sequence).ToList();
        Assert.That(sequences, Is.EqualTo(Enumerable.Range((int)before + 1, 21).Select(s => (long)s)), "in the order they came, contiguous");
        Assert.That(await store.ReadAsync(id, m => m.Version), Is.EqualTo(before + 21), "the refused ones recorded nothing");
    }

    private static async Task<(IReadOnlyList<JournalEntry> Entries, MeetingRuleException? Refusal)> Attempt(Func<Task<IReadOnlyList<JournalEntry>>> command)
    {
        try { return (await command(), null); }
        catch (MeetingRuleException e) { return ([], e); }
    }
}
