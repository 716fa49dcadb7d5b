using Meetings.Server.Live;
using Meetings.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Meetings.Tests.Phone;

/// <summary>
/// The clerks' phone panel is sent to a SignalR group, through the Redis backplane when there is one. With the group
/// unreachable (Redis down) a caller still raises a hand and is heard, and the phone follower still moves on: the panel
/// is a convenience, never a condition.
/// </summary>
public class BackplaneDownTests : PhoneFixture
{
    private GroupsDown _groups = null!;

    protected override Action<IServiceCollection>? Services => s => s.AddKeyedSingleton<HubLifetimeManager<MeetingHub>>(LocalScreens<MeetingHub>.Shared,
        (sp, _) => _groups = new GroupsDown(sp.GetRequiredService<ILogger<DefaultHubLifetimeManager<MeetingHub>>>()));

    [Test]
    public async Task WithTheClerksGroupUnreachable_ACallerRaisesAHand_IsGivenTheFloor_AndThePhoneFollowerMovesOn()
    {
        await OpenPublicComment();
        var caller = await CallIn();
        _groups.Down = true;
        await caller.PressStar();
        await caller.ConferenceEvent(MeetingId, "participant-leave", muted: true, participantCallStatus: "in-progress");
        Assert.That(await caller.PressDigit("9"), Does.Contain("Your hand is raised"));
        await caller.ConferenceEvent(MeetingId, "participant-join", muted: true);
        var entry = (await Clerk.WaitUntil(s => s.Speakers.Count == 1, "the caller in line")).Speakers.Single();

        var started = await Clerk.Do("StartTurn", MeetingId, entry.Id);
        await Eventually(() => Twilio.ParticipantUpdates(caller.CallSid).Count == 1, "the unmute");
        await Eventually(() => Host.WithDb(db => db.FollowerCheckpoints.Single(c => c.Follower == "phone" && c.MeetingId == MeetingId).Sequence) >= started.Sequence,
            "the phone follower past the turn");
        Assert.That(_groups.Refused, Is.GreaterThan(0), "the clerks' group was tried, and failed");
    }

    /// <summary>A lifetime manager whose group sends fail while it is down, as the Redis backplane's do while Redis is.</summary>
    private sealed class GroupsDown(ILogger<DefaultHubLifetimeManager<MeetingHub>> log) : DefaultHubLifetimeManager<MeetingHub>(log)
    {
        private int _refused;

        public volatile bool Down;

        public int Refused => Volatile.Read(ref _refused);

        public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default)
        {
            if (!Down) return base.SendGroupAsync(groupName, methodName, args, cancellationToken);
            Interlocked.Increment(ref _refused);
            throw new InvalidOperationException("The backplane is down.");
        }
    }
}
