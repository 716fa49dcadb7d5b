using Meetings.Server.Domain;
using NUnit.Framework.Constraints;

namespace Meetings.Tests.Domain;

/// <summary>Applies events a command returned, the way the application does after storing them.</summary>
internal static class MeetingTestExtensions
{
    public static MeetingEvent[] Do(this Meeting meeting, MeetingEvent[] events)
    {
        foreach (var e in events) meeting.Apply(e);
        return events;
    }
}

/// <summary>Constraints for refused commands.</summary>
internal static class Refused
{
    public static IResolveConstraint Rule(string rule) =>
        Throws.TypeOf<MeetingRuleException>().With.Property(nameof(MeetingRuleException.Rule)).EqualTo(rule);

    public static IResolveConstraint Field(string field) =>
        Throws.TypeOf<InvalidInputException>().With.Property(nameof(InvalidInputException.Field)).EqualTo(field);
}

/// <summary>
/// A meeting built through the domain's own commands: every step asks a command for its events and
/// applies them, and the events are kept in <see cref="History"/>.
/// </summary>
internal sealed class TestMeeting
{
    public const string Zone = "America/Los_Angeles";

    /// <summary>6 pm Pacific daylight time on 10 June 2025; the notice deadline of a regular meeting is 7 June, 6 pm.</summary>
    public static DateTimeOffset Start { get; } = new(2025, 6, 10, 18, 0, 0, TimeSpan.FromHours(-7));

    /// <summary>A week before the meeting: on time for any kind.</summary>
    public static DateTimeOffset OnTime { get; } = Start.AddDays(-7);

    /// <summary>A moment during the meeting, minutes after it starts.</summary>
    public static DateTimeOffset At(double minutes) => Start.AddMinutes(minutes);

    private TestMeeting(Body body, Meeting meeting, MeetingEvent first)
    {
        Body = body;
        Meeting = meeting;
        History.Add(first);
    }

    public Body Body { get; }
    public Meeting Meeting { get; }
    public IReadOnlyList<Guid> Seats => Body.Seats.Select(s => s.Id).ToList();
    public List<Guid> Items { get; } = [];
    public List<MeetingEvent> History { get; } = [];

    public MeetingEvent[] Do(MeetingEvent[] events)
    {
        Meeting.Do(events);
        History.AddRange(events);
        return events;
    }

    public static Body NewBody(int seats, Action<Body>? rules = null)
    {
        var body = new Body(Guid.NewGuid(), "City Council");
        for (var i = 1; i <= seats; i++) body.AddSeat(Guid.NewGuid(), $"Seat {i}", $"Member {i}");
        rules?.Invoke(body);
        return body;
    }

    /// <summary>
    /// A draft with these items: 0 "Public comment" (takes comment, body's minutes), 1 "Budget hearing"
    /// (takes comment, 2 minutes a speaker), 2 "Adopt the budget" (no comment), then plain discussion items.
    /// </summary>
    public static TestMeeting Draft(int seats = 5, int items = 3, Action<Body>? rules = null, MeetingKind kind = MeetingKind.Regular)
    {
        var body = NewBody(seats, rules);
        var scheduled = Meeting.Schedule(Guid.NewGuid(), body, "Regular meeting", kind, Start, Zone, "Council Chambers", "123456");
        var test = new TestMeeting(body, Meeting.FromHistory([scheduled]), scheduled);
        for (var i = 0; i < items; i++) test.AddItem(i);
        return test;
    }

    private void AddItem(int index)
    {
        var id = Guid.NewGuid();
        Do(index switch
        {
            0 => Meeting.AddItem(id, null, null, "Public comment", AgendaItemKind.PublicComment, null, true, null),
            1 => Meeting.AddItem(id, null, null, "Budget hearing", AgendaItemKind.PublicHearing, "Fiscal year 2026", true, 2),
            2 => Meeting.AddItem(id, null, null, "Adopt the budget", AgendaItemKind.Action, null, false, null),
            _ => Meeting.AddItem(id, null, null, $"Discussion {index + 1}", AgendaItemKind.Discussion, null, false, null),
        });
        Items.Add(id);
    }

    public static TestMeeting Published(int seats = 5, Action<Body>? rules = null) => Draft(seats, rules: rules).Publish();

    /// <summary>Live, roll not yet taken.</summary>
    public static TestMeeting Live(int seats = 5, Action<Body>? rules = null) => Published(seats, rules).Begin();

    /// <summary>Live, the roll taken with the first <paramref name="present"/> seats in the room (all when null), item 0 open.</summary>
    public static TestMeeting InSession(int seats = 5, int? present = null, Action<Body>? rules = null) =>
        Live(seats, rules).RollCall(present ?? seats).Open(0);

    /// <summary>A meeting in any status, reached by legal transitions.</summary>
    public static TestMeeting InStatus(MeetingStatus status)
    {
        var test = Draft();
        switch (status)
        {
            case MeetingStatus.Draft: break;
            case MeetingStatus.Published: test.Publish(); break;
            case MeetingStatus.Live: test.Publish().Begin(); break;
            case MeetingStatus.Recessed: test.Publish().Begin().Do(test.Meeting.Recess(At(30))); break;
            case MeetingStatus.Adjourned: test.Publish().Begin().Do(test.Meeting.Adjourn(At(90))); break;
            case MeetingStatus.Cancelled: test.Do(test.Meeting.Cancel(OnTime, "Storm warning")); break;
            default: throw new ArgumentOutOfRangeException(nameof(status));
        }
        Assert.That(test.Meeting.Status, Is.EqualTo(status));
        return test;
    }

    public TestMeeting Publish()
    {
        Do(Meeting.Publish(OnTime));
        return this;
    }

    public TestMeeting Begin()
    {
        Do(Meeting.StartMeeting(Start));
        return this;
    }

    public TestMeeting RollCall(int present)
    {
        Do(Meeting.TakeRollCall(Start, Seats.Select((id, i) =>
            new MemberAttendance(id, i < present ? Presence.InRoom : Presence.Absent, null)).ToList()));
        return this;
    }

    public TestMeeting Open(int item)
    {
        Do(Meeting.OpenItem(Items[item]));
        return this;
    }

    // Speakers

    public TestMeeting OpenComment(int item = 0)
    {
        Do(Meeting.OpenPublicComment(Items[item]));
        return this;
    }

    public Guid SignUp(string person, int item = 0, bool interpreter = false, double minutes = 1)
    {
        var id = Guid.NewGuid();
        Do(Meeting.SignUp(At(minutes), id, Items[item], person, SpeakerSource.Web, $"key:{person}", Stance.Support, interpreter, false));
        return id;
    }

    // Motions

    /// <summary>Seat <paramref name="mover"/> moves on the current item and seat <paramref name="seconder"/> seconds.</summary>
    public Guid MoveAndSecond(string text = "Adopt the budget as proposed.", Threshold? threshold = null, int mover = 0, int seconder = 1,
        Guid? amends = null)
    {
        var id = Guid.NewGuid();
        Do(Meeting.Move(id, Seats[mover], text, threshold, amends));
        if (Meeting.Motion(id).State == MotionState.AwaitingSecond) Do(Meeting.Second(id, Seats[seconder]));
        return id;
    }

    /// <summary>Opens the vote, casts the given choices seat by seat (null: does not vote) and closes it.</summary>
    public VoteClosed Vote(Guid motionId, params VoteChoice?[] choices)
    {
        Do(Meeting.OpenVoting(At(40), motionId));
        for (var i = 0; i < choices.Length; i++)
            if (choices[i] is { } choice) Do(Meeting.CastVote(motionId, Seats[i], choice));
        return (VoteClosed)Do(Meeting.CloseVoting(At(45), motionId)).Single();
    }
}
