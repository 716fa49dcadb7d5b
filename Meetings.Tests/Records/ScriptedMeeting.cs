using Meetings.Client.Contracts;
using Meetings.Tests.Support;

namespace Meetings.Tests.Records;

/// <summary>
/// One whole demo meeting, run once for every test in this folder, over real connections and the phone line,
/// with the test clock set to the meeting's own start so the local times are known (only the date varies):
/// 6:00 pm called to order; roll call (Tran remote with the legal basis, Natarajan absent); public comment on
/// item 3 from the web (Rosa Web, 150 s around a pause, given the floor first though second in line), the room
/// (Grace Card, 90 s) and the phone (caller ending 4821, 45 s); Natarajan arrives at 6:15; the consent calendar
/// passes 5-0; recess 6:20-6:30 and the roll taken again; on item 6 Tran's
/// amendment fails 1-4, the main motion (two-thirds) passes 2-1 with Tran abstaining and Natarajan recused, and
/// Haines's nay is corrected to aye; a written comment on item 6; Tran leaves at 6:50; adjourned at 6:55.
/// </summary>
public sealed class ScriptedMeeting : IAsyncDisposable
{
    public const string RemoteBasis = "Teleconference from 12 Elm St., Harbor City, posted on the agenda";
    public const string CorrectionReason = "Council Member Haines said his vote was recorded in error";
    public const string WrittenComment = "Please keep the library open on Sundays, as the budget allowed last year.";

    private ScriptedMeeting(FakeTwilio twilio, TestHost host) => (Twilio, Host) = (twilio, host);

    public FakeTwilio Twilio { get; }
    public TestHost Host { get; }
    public MeetingDetail Meeting { get; private set; } = null!;
    public BodyDto Body { get; private set; } = null!;
    public Guid Id => Meeting.Meeting.Id;
    public DateTimeOffset Start => Meeting.Meeting.Start;
    public Guid Consent { get; private set; }
    public Guid Amendment { get; private set; }
    public Guid Budget { get; private set; }

    /// <summary>What must never reach the public record: the residents' tokens and the phone numbers given.</summary>
    public List<string> Secrets { get; } = ["+15035550123", "5035550123", "+15035554821", "5035554821", "@demo.city"];

    public Guid Seat(string title) => Body.Seats.Single(s => s.Title == title).Id;
    public Guid Item(string number) => Meeting.Agenda.Single(i => i.Number == number).Id;

    public static async Task<ScriptedMeeting> RunAsync()
    {
        var twilio = await FakeTwilio.StartAsync();
        var script = new ScriptedMeeting(twilio, new TestHost(settings: Settings(twilio)));
        await script.PlayAsync();
        return script;
    }

    public const string SealText = "Seal of the City of Harbor City · Incorporated 1911";

    /// <summary>The phone line on, and the minutes' heading as the city configures it.</summary>
    private static Dictionary<string, string?> Settings(FakeTwilio twilio) =>
        new(twilio.Settings) { ["Minutes:BodyName"] = "City Council of the City of Harbor City", ["Minutes:SealText"] = SealText };

    private void At(double minutes) => Host.Clock.SetUtcNow(Start.AddMinutes(minutes));

    private async Task PlayAsync()
    {
        Meeting = await Host.Anonymous().DemoMeeting();
        Body = await Host.Anonymous().DemoBody();
        var id = Id;
        At(0);
        await using var people = new LiveCrowd();
        async Task<LiveClient> Connect(string? email, string name)
        {
            var client = await LiveClient.ConnectAsync(Host, email, name, id);
            people.Add(client);
            return client;
        }
        var clerk = await Connect(Demo.Clerk, "clerk");
        var mayor = await Connect(Demo.Mayor, "mayor");
        var okafor = await Connect("okafor@demo.city", "okafor");
        var tran = await Connect("tran@demo.city", "tran");
        var haines = await Connect("haines@demo.city", "haines");
        var natarajan = await Connect("natarajan@demo.city", "natarajan");
        var rosa = await Connect(null, "Rosa");
        var ana = await Connect(null, "Ana");
        Secrets.AddRange([rosa.ResidentToken!, ana.ResidentToken!]);

        await clerk.Do("StartMeeting", id);
        await clerk.Do("OpenItem", id, Item("1"));
        At(1);
        await clerk.Do("OpenItem", id, Item("2"));
        await clerk.Do("TakeRollCall", id, new[]
        {
            new RollCallEntry(Seat("Mayor"), "InRoom"), new RollCallEntry(Seat("Council Seat 1"), "InRoom"),
            new RollCallEntry(Seat("Council Seat 2"), "Remote", RemoteBasis),
            new RollCallEntry(Seat("Council Seat 3"), "InRoom"), new RollCallEntry(Seat("Council Seat 4"), "Absent"),
        });

        // Public comment from the room, the web and the phone.
        At(2);
        await clerk.Do("OpenItem", id, Item("3"));
        await clerk.Do("OpenPublicComment", id, Item("3"));
        await rosa.WaitUntil(s => s.Agenda.Single(i => i.Id == Item("3")).CommentOpen, "public comment open");
        var grace = await clerk.Invoke<Guid>("AddRoomSpeaker", id, Item("3"), "Grace Card", "Neutral", false);
        var web = await rosa.Invoke<Guid>("SignUpToSpeak", id, rosa.ResidentToken, new SignUpRequest(Item("3"), "Rosa Web", "Support", false, "+15035550123"));
        var caller = new FakeCaller(Host, $"CA{Guid.NewGuid():N}", "+15035554821");
        await caller.Dial();
        await caller.EnterCode(Meeting.AccessCode);
        await caller.ConferenceEvent(id, "participant-join", muted: true);
        await caller.PressStar();
        await caller.ConferenceEvent(id, "participant-leave", muted: true, participantCallStatus: "in-progress");
        await caller.PressDigit("9");
        await caller.ConferenceEvent(id, "participant-join", muted: true);
        var phone = (await clerk.WaitUntil(s => s.Speakers.Any(e => e.Source == "Phone"), "the caller in line")).Speakers.Single(e => e.Source == "Phone").Id;

        // The clerk gives the floor to the web speaker first, out of the order of the line.
        At(3);
        await clerk.Do("StartTurn", id, web);
        At(4.5);
        await clerk.Do("PauseTurn", id);
        At(5.5);
        await clerk.Do("ResumeTurn", id);
        At(6.5);
        await clerk.Do("EndTurn", id);
        await clerk.Do("StartTurn", id, grace);
        At(8);
        await clerk.Do("EndTurn", id);
        await clerk.Do("StartTurn", id, phone);
        At(8.75);
        await clerk.Do("EndTurn", id);
        await clerk.Do("ClosePublicComment", id, Item("3"));

        // A late arrival, then the consent calendar on one motion.
        At(15);
        await clerk.Do("MarkArrival", id, Seat("Council Seat 4"), "InRoom", null);
        await clerk.Do("OpenItem", id, Item("4"));
        At(16);
        Consent = await mayor.Invoke<Guid>("Move", id, new MotionRequest("Approve the consent calendar, items 4.a to 4.c"));
        await okafor.WaitUntil(s => s.Motions.Any(m => m.Id == Consent), "the consent motion");
        await okafor.Do("Second", id, Consent);
        await clerk.Do("OpenVote", id, Consent);
        foreach (var member in new[] { mayor, okafor, tran, haines, natarajan })
        {
            await member.WaitUntil(s => s.Motions.Single(m => m.Id == Consent).State == "Voting", "the consent vote");
            await member.Do("Vote", id, Consent, "Aye");
        }
        At(17);
        await clerk.Do("CloseVote", id, Consent);

        At(20);
        await clerk.Do("Recess", id);
        At(30);
        await clerk.Do("Resume", id);
        // The roll is taken again after the recess.
        await clerk.Do("TakeRollCall", id, new[]
        {
            new RollCallEntry(Seat("Mayor"), "InRoom"), new RollCallEntry(Seat("Council Seat 1"), "InRoom"),
            new RollCallEntry(Seat("Council Seat 2"), "Remote", RemoteBasis),
            new RollCallEntry(Seat("Council Seat 3"), "InRoom"), new RollCallEntry(Seat("Council Seat 4"), "InRoom"),
        });

        // Item 6: an amendment that fails, then the main motion on a two-thirds vote, abstention and recusal.
        await ana.Do("SubmitWrittenComment", id, ana.ResidentToken, Item("6"), "Ana Written", WrittenComment);
        // The body holds written comments for release (the default): the clerk releases this one.
        await clerk.Do("ReleaseWrittenComment", id, (await clerk.Invoke<ModerationView>("Moderation", id)).Comments.Single().Id);
        At(31);
        await clerk.Do("OpenItem", id, Item("6"));
        Budget = await okafor.Invoke<Guid>("Move", id, new MotionRequest("Adopt the mid-year budget adjustment as presented", "TwoThirds"));
        await haines.WaitUntil(s => s.Motions.Any(m => m.Id == Budget), "the budget motion");
        await haines.Do("Second", id, Budget);
        At(35);
        Amendment = await tran.Invoke<Guid>("Move", id, new MotionRequest(
            "Adopt the mid-year budget adjustment, moving $50,000 to Sunday library hours", null, Budget));
        await mayor.WaitUntil(s => s.Motions.Any(m => m.Id == Amendment), "the amendment");
        await mayor.Do("Second", id, Amendment);
        await clerk.Do("OpenVote", id, Amendment);
        foreach (var (member, choice) in new[] { (mayor, "Nay"), (okafor, "Nay"), (tran, "Aye"), (haines, "Nay"), (natarajan, "Nay") })
        {
            await member.WaitUntil(s => s.Motions.Single(m => m.Id == Amendment).State == "Voting", "the amendment vote");
            await member.Do("Vote", id, Amendment, choice);
        }
        At(37);
        await clerk.Do("CloseVote", id, Amendment);
        At(40);
        await clerk.Do("OpenVote", id, Budget);
        foreach (var (member, choice) in new[] { (mayor, "Aye"), (okafor, "Aye"), (tran, "Abstain"), (haines, "Nay"), (natarajan, "Recuse") })
        {
            await member.WaitUntil(s => s.Motions.Single(m => m.Id == Budget).State == "Voting", "the budget vote");
            await member.Do("Vote", id, Budget, choice);
        }
        At(42);
        await clerk.Do("CloseVote", id, Budget);
        At(44);
        await clerk.Do("CorrectVote", id, Budget, Seat("Council Seat 3"), "Aye", CorrectionReason);

        At(50);
        await clerk.Do("MarkDeparture", id, Seat("Council Seat 2"));
        await clerk.Do("OpenItem", id, Item("9"));
        At(55);
        var last = await clerk.Do("Adjourn", id);
        await clerk.WaitForSequence(last.Sequence);
    }

    /// <summary>
    /// A second server on a copy of this meeting's database, for tests that change the record (minutes, documents)
    /// without changing what the other tests read. Its clock stands an hour after the start.
    /// </summary>
    public TestHost Fork()
    {
        var folder = TestHost.NewFolder();
        foreach (var file in Directory.GetFiles(Host.DataFolder, "meetings.db*"))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        var fork = new TestHost(folder, settings: Settings(Twilio));
        fork.Clock.SetUtcNow(Start.AddHours(1));
        return fork;
    }

    public async ValueTask DisposeAsync()
    {
        Host.Dispose();
        await Twilio.DisposeAsync();
    }
}

/// <summary>Runs the scripted meeting once for the whole folder, and stops its host at the end.</summary>
[SetUpFixture]
public sealed class ScriptedMeetingSetUp
{
    private static ScriptedMeeting? _meeting;

    public static ScriptedMeeting Meeting => _meeting ?? throw new InvalidOperationException("The scripted meeting did not run.");

    [OneTimeSetUp]
    public async Task Play() => _meeting = await ScriptedMeeting.RunAsync();

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_meeting is not null) await _meeting.DisposeAsync();
    }
}
