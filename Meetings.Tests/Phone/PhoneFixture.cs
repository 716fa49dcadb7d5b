using Meetings.Client.Contracts;
using Meetings.Tests.Support;

namespace Meetings.Tests.Phone;

/// <summary>A host with phone participation on, pointed at a fake Twilio, and the demo meeting in session with public comment open.</summary>
public abstract class PhoneFixture
{
    protected FakeTwilio Twilio { get; private set; } = null!;
    protected TestHost Host { get; private set; } = null!;
    protected LiveClient Clerk { get; private set; } = null!;
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
        Host = new TestHost(settings: settings);
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

    /// <summary>Settings a test class adds to (or changes in) the fake Twilio's.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    protected async Task OpenPublicComment()
    {
        await Clerk.Do("StartMeeting", MeetingId);
        await Clerk.Do("OpenItem", MeetingId, CommentItem);
        await Clerk.Do("OpenPublicComment", MeetingId, CommentItem);
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

    protected static Task Eventually(Func<bool> condition, string what) => Wait.Until(condition, what);
}
