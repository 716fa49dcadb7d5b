using Meetings.Client.Contracts;
using Meetings.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Phone;

/// <summary>A host with phone participation on, pointed at a fake Twilio, and the demo meeting in session with public comment open.</summary>
public abstract class PhoneFixture
{
    protected FakeTwilio Twilio { get; private set; } = null!;
    protected TestHost Host { get; set; } = null!;
    protected LiveClient Clerk { get; set; } = null!;
    protected MeetingDetail Meeting { get; private set; } = null!;
    protected Guid MeetingId => Meeting.Meeting.Id;
    protected Guid CommentItem => Meeting.Agenda[2].Id;
    private int _calls;

    [SetUp]
    public async Task StartHost()
    {
        Twilio = await FakeTwilio.StartAsync();
        var settings = new Dictionary<string, string?>(Twilio.Settings);
        foreach (var (key, value) in Settings) settings[key] = value;
        Host = new TestHost(settings: settings, services: Services);
        Meeting = await Host.Anonymous().DemoMeeting();
        Clerk = await LiveClient.ConnectAsync(Host, Demo.Clerk, "clerk", MeetingId);
    }

    [TearDown]
    public async Task StopHost()
    {
        await Clerk.DisposeAsync();
        Host.Dispose();
        await Twilio.DisposeAsync();
    }

    /// <summary>Changes a test class makes to the server's services (an interceptor on its database, say).</summary>
    protected virtual Action<IServiceCollection>? Services => null;

    /// <summary>Settings a test class adds to (or changes in) the fake Twilio's.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    protected async Task OpenPublicComment()
    {
        await Clerk.OpenPublicComment(MeetingId, CommentItem);
    }

    protected FakeCaller NewCaller(string from = "+15035554821") => new(Host, $"CA{++_calls:D32}", from);

    /// <summary>Dials in, enters the code and is placed in the conference, as Twilio would report it.</summary>
    protected async Task<FakeCaller> CallIn(string from = "+15035554821")
    {
        var caller = NewCaller(from);
        await caller.Dial();
        await caller.EnterCode(Meeting.AccessCode);
        await caller.ConferenceEvent(MeetingId, "participant-join", muted: true);
        return caller;
    }

    protected async Task<FakeCaller> CallInWithHandRaised(string from = "+15035554821")
    {
        var caller = await CallIn(from);
        await caller.PressStar();
        await caller.ConferenceEvent(MeetingId, "participant-leave", muted: true, participantCallStatus: "in-progress");
        await caller.PressDigit("9");
        await caller.ConferenceEvent(MeetingId, "participant-join", muted: true);
        return caller;
    }

    protected async Task<PhoneStatus> PhoneStatus()
    {
        var clerk = await Host.SignInAsync(Demo.Clerk);
        return await clerk.Get<PhoneStatus>($"/api/meetings/{MeetingId}/phone");
    }

    /// <summary>The meeting as the clerk's screen shows it once it has every change committed so far: a later check of "nothing happened" then means it.</summary>
    protected async Task<MeetingSnapshot> ClerkCaughtUp()
    {
        var version = (await Host.Anonymous().Get<MeetingDetail>($"/api/meetings/{MeetingId}")).Version;
        return await Clerk.WaitForSequence(version);
    }

    protected static Task Eventually(Func<bool> condition, string what) => Wait.Until(condition, what);

    /// <summary>
    /// Waits for something the phone lines' background pass does, waking the pass as its once-a-second timer would
    /// (the test's clock only moves when the test moves it).
    /// </summary>
    protected Task AfterSync(Func<bool> condition, string what)
    {
        var sync = Host.Services.GetRequiredService<Meetings.Server.Phone.PhoneSync>();
        return Wait.Until(() =>
        {
            if (condition()) return true;
            sync.Wake();
            return false;
        }, what);
    }
}
