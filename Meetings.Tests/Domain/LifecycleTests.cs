using Meetings.Server.Domain;

namespace Meetings.Tests.Domain;

public class LifecycleTests
{
    private static readonly DateTimeOffset Deadline = TestMeeting.Start.AddHours(-72);

    [Test]
    public void Scheduling_CreatesADraft_WithASnapshotOfTheBodysRules()
    {
        var test = TestMeeting.Draft(seats: 5);

        test.Body.SetRules(1, false, 10, new NoticeRule());

        var m = test.Meeting;
        Assert.That(m.Status, Is.EqualTo(MeetingStatus.Draft));
        Assert.That(m.Rules.Seats, Has.Count.EqualTo(5));
        Assert.That(m.Rules.QuorumNeeded, Is.EqualTo(3), "changing the body later does not change a scheduled meeting");
        Assert.That(m.Rules.MotionsNeedSecond, Is.True);
        Assert.That(m.Start, Is.EqualTo(TestMeeting.Start));
        Assert.That(m.Start.Offset, Is.EqualTo(TimeSpan.Zero), "the journal keeps instants in UTC");
    }

    [TestCase(int.MaxValue, 24, 1)]
    [TestCase(72, NoticeRule.MostNoticeHours + 1, 1)]
    [TestCase(72, 24, -1)]
    public void NoticeHours_OutsideAYear_AreRefused_AndTheRulesStay(int regular, int special, int emergency)
    {
        var body = TestMeeting.NewBody(3);
        var before = body.Notice;

        Assert.That(() => body.SetRules(null, true, 3, new NoticeRule(regular, special, emergency)), Refused.Field("notice"));
        Assert.That(body.Notice, Is.EqualTo(before));
        Assert.DoesNotThrow(() => body.SetRules(null, true, 3, new NoticeRule(NoticeRule.MostNoticeHours, NoticeRule.MostNoticeHours, 0)), "a year is allowed");
    }

    [Test]
    public void Scheduling_IsRefused_ForAnUnknownTimeZone()
    {
        var body = TestMeeting.NewBody(3);
        Assert.That(() => Meeting.Schedule(Guid.NewGuid(), body, "Meeting", MeetingKind.Regular, TestMeeting.Start, "Mars/Olympus_Mons", "Hall", "1234"),
            Refused.Field("timeZone"));
    }

    [Test]
    public void Scheduling_IsRefused_ForARegionNameThatIsNotAZone()
    {
        var body = TestMeeting.NewBody(3);
        Assert.That(() => Meeting.Schedule(Guid.NewGuid(), body, "Meeting", MeetingKind.Regular, TestMeeting.Start, "America", "Hall", "1234"),
            Refused.Field("timeZone"));
    }

    [TestCase("12a4")]
    [TestCase("123")]
    [TestCase("12345678901")]
    public void Scheduling_IsRefused_ForABadAccessCode(string code)
    {
        var body = TestMeeting.NewBody(3);
        Assert.That(() => Meeting.Schedule(Guid.NewGuid(), body, "Meeting", MeetingKind.Regular, TestMeeting.Start, TestMeeting.Zone, "Hall", code),
            Refused.Field("accessCode"));
    }

    [Test]
    public void Publishing_OnTime_NeedsNoReason_AndRecordsNone()
    {
        var test = TestMeeting.Draft();

        var events = test.Do(test.Meeting.Publish(TestMeeting.OnTime));

        Assert.That(events, Is.EqualTo(new MeetingEvent[] { new MeetingPublished(TestMeeting.OnTime, null) }));
        Assert.That(test.Meeting.Status, Is.EqualTo(MeetingStatus.Published));
        Assert.That(test.Meeting.PublishedAt, Is.EqualTo(TestMeeting.OnTime));
        Assert.That(test.Meeting.LateNoticeReason, Is.Null);
    }

    [Test]
    public void Publishing_ExactlyAtTheDeadline_IsOnTime()
    {
        var test = TestMeeting.Draft();

        test.Do(test.Meeting.Publish(Deadline));

        Assert.That(test.Meeting.Status, Is.EqualTo(MeetingStatus.Published));
        Assert.That(test.Meeting.LateNoticeReason, Is.Null);
    }

    [Test]
    public void Publishing_OnTime_WithAReason_DoesNotRecordItAsLateNotice()
    {
        var test = TestMeeting.Draft();

        test.Do(test.Meeting.Publish(TestMeeting.OnTime, "Just in case"));

        Assert.That(test.Meeting.LateNoticeReason, Is.Null);
    }

    [TestCase(150, "missed by 2 h 30 min")]
    [TestCase(45, "missed by 45 min")]
    [TestCase(0.25, "missed by 1 min")]
    [TestCase(26 * 60 + 5, "missed by 26 h 5 min")]
    public void Publishing_IsRefused_AfterTheNoticeDeadline_NamingTheDeadlineAndByHowMuch(double minutesLate, string missedBy)
    {
        var test = TestMeeting.Draft();

        Assert.That(() => test.Meeting.Publish(Deadline.AddMinutes(minutesLate)),
            Throws.TypeOf<MeetingRuleException>()
                .With.Property(nameof(MeetingRuleException.Rule)).EqualTo("notice-deadline")
                .And.Message.Contains("72 hours")
                .And.Message.Contains("2025-06-07 18:00 (America/Los_Angeles)")
                .And.Message.Contains(missedBy));
        Assert.That(test.Meeting.Status, Is.EqualTo(MeetingStatus.Draft));
    }

    [Test]
    public void Publishing_Late_IsAccepted_WithAReason_WhichIsRecorded()
    {
        var test = TestMeeting.Draft();
        var late = Deadline.AddHours(5);

        var events = test.Do(test.Meeting.Publish(late, "  Water main break required an emergency contract.  "));

        Assert.That(events.Single(), Is.EqualTo(new MeetingPublished(late, "Water main break required an emergency contract.")));
        Assert.That(test.Meeting.Status, Is.EqualTo(MeetingStatus.Published));
        Assert.That(test.Meeting.LateNoticeReason, Is.EqualTo("Water main break required an emergency contract."));
    }

    [TestCase("")]
    [TestCase("   ")]
    public void Publishing_Late_WithABlankReason_IsRefused(string reason)
    {
        var test = TestMeeting.Draft();
        Assert.That(() => test.Meeting.Publish(Deadline.AddHours(1), reason), Refused.Rule("notice-deadline"));
    }

    [TestCase(MeetingKind.Special, 25, true)]
    [TestCase(MeetingKind.Special, 23, false)]
    [TestCase(MeetingKind.Emergency, 1, true)]
    [TestCase(MeetingKind.Emergency, 0.5, false)]
    [TestCase(MeetingKind.Regular, 71, false)]
    public void Publishing_UsesTheNoticeHoursOfTheMeetingsKind(MeetingKind kind, double hoursBefore, bool onTime)
    {
        var test = TestMeeting.Draft(kind: kind);
        var publish = () => test.Meeting.Publish(TestMeeting.Start.AddHours(-hoursBefore));
        if (onTime) Assert.That(publish, Throws.Nothing);
        else Assert.That(publish, Refused.Rule("notice-deadline"));
    }

    [Test]
    public void Publishing_IsRefused_WithAnEmptyAgenda()
    {
        var test = TestMeeting.Draft(items: 0);
        Assert.That(() => test.Meeting.Publish(TestMeeting.OnTime),
            Throws.TypeOf<MeetingRuleException>().With.Property(nameof(MeetingRuleException.Rule)).EqualTo("publish-with-agenda")
                .And.Message.Contains("empty agenda"));
    }

    [Test]
    public void Rescheduling_MovesTheNoticeDeadline()
    {
        var test = TestMeeting.Draft();
        var later = TestMeeting.Start.AddDays(7);

        test.Do(test.Meeting.Reschedule("Regular meeting (moved)", later, TestMeeting.Zone, "Library", TestMeeting.OnTime));

        Assert.That(test.Meeting.Start, Is.EqualTo(later));
        Assert.That(test.Meeting.Title, Is.EqualTo("Regular meeting (moved)"));
        Assert.That(() => test.Meeting.Publish(Deadline.AddDays(7).AddMinutes(1)), Refused.Rule("notice-deadline"));
        Assert.That(() => test.Meeting.Publish(Deadline.AddDays(1)), Throws.Nothing);
    }

    [TestCase(MeetingStatus.Live)]
    [TestCase(MeetingStatus.Adjourned)]
    [TestCase(MeetingStatus.Cancelled)]
    public void Rescheduling_IsRefused_OnceTheMeetingHasStartedOrEnded(MeetingStatus status)
    {
        var test = TestMeeting.InStatus(status);
        Assert.That(() => test.Meeting.Reschedule("Title", TestMeeting.Start, TestMeeting.Zone, "Hall", TestMeeting.OnTime),
            Refused.Rule("reschedule-before-start"));
    }

    [Test]
    public void MovingAPostedMeetingSooner_ThanItsNoticeAllows_IsRefused_UnlessAReasonIsRecorded()
    {
        var test = TestMeeting.Published();
        var tooSoon = TestMeeting.OnTime.AddHours(30);

        Assert.That(() => test.Meeting.Reschedule("Regular meeting", tooSoon, TestMeeting.Zone, "Hall", TestMeeting.OnTime), Refused.Rule("notice-deadline"));
        test.Do(test.Meeting.Reschedule("Regular meeting", tooSoon, TestMeeting.Zone, "Hall", TestMeeting.OnTime, "Flood emergency"));

        Assert.That(test.Meeting.Start, Is.EqualTo(tooSoon));
        Assert.That(test.Meeting.LateNoticeReason, Is.EqualTo("Flood emergency"));
    }

    private static IEnumerable<TestCaseData> LegalTransitions()
    {
        yield return new TestCaseData(MeetingStatus.Draft, "Publish", MeetingStatus.Published);
        yield return new TestCaseData(MeetingStatus.Draft, "Cancel", MeetingStatus.Cancelled);
        yield return new TestCaseData(MeetingStatus.Published, "Start", MeetingStatus.Live);
        yield return new TestCaseData(MeetingStatus.Published, "Cancel", MeetingStatus.Cancelled);
        yield return new TestCaseData(MeetingStatus.Live, "Recess", MeetingStatus.Recessed);
        yield return new TestCaseData(MeetingStatus.Live, "Adjourn", MeetingStatus.Adjourned);
        yield return new TestCaseData(MeetingStatus.Recessed, "Resume", MeetingStatus.Live);
        yield return new TestCaseData(MeetingStatus.Recessed, "Adjourn", MeetingStatus.Adjourned);
    }

    private static IEnumerable<TestCaseData> IllegalTransitions()
    {
        var all = Enum.GetValues<MeetingStatus>();
        (string Command, string Rule, MeetingStatus[] LegalFrom)[] commands =
        [
            ("Publish", "publish-from-draft", [MeetingStatus.Draft]),
            ("Start", "start-when-published", [MeetingStatus.Published]),
            ("Recess", "recess-when-live", [MeetingStatus.Live]),
            ("Resume", "resume-when-recessed", [MeetingStatus.Recessed]),
            ("Adjourn", "adjourn-when-in-session", [MeetingStatus.Live, MeetingStatus.Recessed]),
            ("Cancel", "cancel-before-start", [MeetingStatus.Draft, MeetingStatus.Published]),
        ];
        foreach (var (command, rule, legalFrom) in commands)
            foreach (var from in all.Except(legalFrom))
                yield return new TestCaseData(from, command, rule);
    }

    private static MeetingEvent[] Run(Meeting m, string command) => command switch
    {
        "Publish" => m.Publish(TestMeeting.OnTime),
        "Start" => m.StartMeeting(TestMeeting.Start),
        "Recess" => m.Recess(TestMeeting.At(60)),
        "Resume" => m.Resume(TestMeeting.At(70)),
        "Adjourn" => m.Adjourn(TestMeeting.At(120)),
        "Cancel" => m.Cancel(TestMeeting.OnTime, "Lack of business"),
        _ => throw new ArgumentOutOfRangeException(nameof(command)),
    };

    [TestCaseSource(nameof(LegalTransitions))]
    public void Transition_IsAllowed(MeetingStatus from, string command, MeetingStatus to)
    {
        var test = TestMeeting.InStatus(from);

        test.Do(Run(test.Meeting, command));

        Assert.That(test.Meeting.Status, Is.EqualTo(to));
    }

    [TestCaseSource(nameof(IllegalTransitions))]
    public void Transition_IsRefused_NamingTheRule(MeetingStatus from, string command, string rule)
    {
        var test = TestMeeting.InStatus(from);

        Assert.That(() => Run(test.Meeting, command), Refused.Rule(rule));
        Assert.That(test.Meeting.Status, Is.EqualTo(from));
    }

    [Test]
    public void Starting_ADraft_SaysItMustBePublishedFirst()
    {
        var test = TestMeeting.Draft();
        Assert.That(() => test.Meeting.StartMeeting(TestMeeting.Start),
            Throws.TypeOf<MeetingRuleException>().With.Message.Contains("must be published"));
    }

    [Test]
    public void Commands_DoNotChangeTheMeeting_UntilTheirEventsAreApplied()
    {
        var test = TestMeeting.Published();
        var version = test.Meeting.Version;

        var events = test.Meeting.StartMeeting(TestMeeting.Start);

        Assert.That(events, Is.EqualTo(new MeetingEvent[] { new MeetingStarted(TestMeeting.Start) }));
        Assert.That(test.Meeting.Status, Is.EqualTo(MeetingStatus.Published));
        Assert.That(test.Meeting.Version, Is.EqualTo(version));

        test.Do(events);
        Assert.That(test.Meeting.Status, Is.EqualTo(MeetingStatus.Live));
        Assert.That(test.Meeting.Version, Is.EqualTo(version + 1));
    }

    [Test]
    public void Cancelling_RecordsTheReason()
    {
        var test = TestMeeting.Published();

        test.Do(test.Meeting.Cancel(TestMeeting.OnTime, " Lack of business "));

        Assert.That(test.Meeting.Status, Is.EqualTo(MeetingStatus.Cancelled));
        Assert.That(test.Meeting.CancelReason, Is.EqualTo("Lack of business"));
    }

    [Test]
    public void Cancelling_WithoutAReason_IsRefused()
    {
        var test = TestMeeting.Published();
        Assert.That(() => test.Meeting.Cancel(TestMeeting.OnTime, " "), Refused.Field("reason"));
    }

    [Test]
    public void Adjourning_IsRefused_WhileAVoteIsOpen()
    {
        var test = TestMeeting.InSession();
        var motion = test.MoveAndSecond();
        test.Do(test.Meeting.OpenVoting(TestMeeting.At(10), motion));

        Assert.That(() => test.Meeting.Adjourn(TestMeeting.At(20)), Refused.Rule("adjourn-with-vote-open"));
    }

    [Test]
    public void Adjourning_EndsTheRunningTurn()
    {
        var test = TestMeeting.InSession().OpenComment();
        var entry = test.SignUp("Ana");
        test.Do(test.Meeting.StartTurn(TestMeeting.At(5), entry));

        var events = test.Do(test.Meeting.Adjourn(TestMeeting.At(6)));

        Assert.That(events, Is.EqualTo(new MeetingEvent[]
        {
            new TurnEnded(entry, TestMeeting.At(6), TurnEndReason.Clerk), new PublicCommentClosed(test.Items[0]), new MeetingAdjourned(TestMeeting.At(6)),
            new JournalHeadRecorded(test.Meeting.Version - 1),
        }));
        Assert.That(test.Meeting.Speaking, Is.Null);
    }

    [Test]
    public void AfterAdjournment_NoSpeakerMotionOrRequestToSpeakIsTakenBack_TheRecordIsClosed()
    {
        var test = TestMeeting.InSession().OpenComment();
        var waiting = test.SignUp("Ana");
        var motion = test.MoveAndSecond();
        test.Do(test.Meeting.AskToSpeak(TestMeeting.At(5), test.Seats[2]));
        test.Do(test.Meeting.Recess(TestMeeting.At(6)));
        Assert.That(test.Meeting.Withdraw(waiting), Has.Length.EqualTo(1), "in a recess, a speaker may still leave the line");

        test.Do(test.Meeting.Adjourn(TestMeeting.At(7)));

        Assert.That(() => test.Meeting.Withdraw(waiting), Refused.Rule("in-session-or-recess"));
        Assert.That(() => test.Meeting.MarkNoShow(waiting), Refused.Rule("in-session-or-recess"));
        Assert.That(test.Meeting.InSessionOrRecess, Is.False);
        Assert.That(() => test.Meeting.WithdrawMotion(motion), Refused.Rule("in-session-or-recess"));
        Assert.That(() => test.Meeting.WithdrawRequest(test.Seats[2]), Refused.Rule("in-session-or-recess"));
        Assert.That(test.Meeting.Item(test.Items[0]).CommentOpen, Is.False, "public comment closed with the meeting");
    }

    [Test]
    public void AMemberSwornInAfterTheMeetingWasScheduled_IsTheOneItsRecordNames_FromTheCallToOrder()
    {
        var test = TestMeeting.Published();
        var seat = test.Seats[1];
        test.Body.AssignSeat(seat, "Lee Okafor-Park", null);
        var seatsNow = test.Body.ToRules().Seats;

        var events = test.Do(test.Meeting.StartMeeting(TestMeeting.At(0), seatsNow));

        Assert.That(events, Has.Length.EqualTo(2));
        Assert.That(events[0], Is.InstanceOf<MembersSeated>());
        Assert.That(events[1], Is.EqualTo(new MeetingStarted(TestMeeting.At(0))));
        Assert.That(test.Meeting.Rules.Seats.Single(s => s.Id == seat).MemberName, Is.EqualTo("Lee Okafor-Park"));
        Assert.That(test.Meeting.Rules.Seats.Select(s => s.Id), Is.EqualTo(test.Seats), "the seats themselves as scheduled, in order");
        Assert.That(TestMeeting.Published().Meeting.StartMeeting(TestMeeting.At(0), seatsNow), Has.Length.EqualTo(1),
            "no change, nothing more recorded (another body's seats are not this meeting's)");
    }

    [Test]
    public void Adjourning_RecordsTheJournalsHead_AsTheEventAfterTheAdjournment()
    {
        var test = TestMeeting.InSession();
        var before = test.Meeting.Version;

        var events = test.Do(test.Meeting.Adjourn(TestMeeting.At(60)));

        Assert.That(events[^2], Is.EqualTo(new MeetingAdjourned(TestMeeting.At(60))));
        Assert.That(events[^1], Is.EqualTo(new JournalHeadRecorded(before + 1)),
            "the head recorded is the adjournment's own place in the journal, whose hash the next event links to");
        Assert.That(test.Meeting.AdjournedThrough, Is.EqualTo(before + 1));
    }

    [Test]
    public void Apply_OfAnEventWithNoFold_Throws()
    {
        var test = TestMeeting.Draft();
        Assert.That(() => test.Meeting.Apply(new UnknownEvent()), Throws.InvalidOperationException);
    }

    [Test]
    public void FromHistory_OfAllEvents_GivesTheSameStateAsApplyingThemOneByOne()
    {
        var test = TestMeeting.InSession(seats: 5, present: 4).OpenComment();
        var ana = test.SignUp("Ana");
        var ben = test.SignUp("Ben", interpreter: true);
        test.Do(test.Meeting.StartTurn(TestMeeting.At(2), ana));
        test.Do(test.Meeting.EndTurn(TestMeeting.At(4)));
        test.Do(test.Meeting.CallNext(test.Items[0]));
        test.Do(test.Meeting.MemberArrives(TestMeeting.At(5), test.Seats[4], Presence.Remote, "Posted teleconference location"));
        test.Do(test.Meeting.AddItem(Guid.NewGuid(), test.Items[2], null, "Capital projects", AgendaItemKind.Action, null, false, null));
        test.Open(2);
        var main = test.MoveAndSecond("Adopt the budget.");
        var amendment = test.MoveAndSecond("Adopt the budget with the parks line restored.", mover: 2, seconder: 3, amends: main);
        test.Vote(amendment, VoteChoice.Aye, VoteChoice.Aye, VoteChoice.Aye, VoteChoice.Nay, VoteChoice.Nay);
        test.Vote(main, VoteChoice.Aye, VoteChoice.Aye, VoteChoice.Nay, VoteChoice.Nay, VoteChoice.Recuse);
        test.Do(test.Meeting.CorrectVote(main, test.Seats[3], VoteChoice.Aye, "Misread on the board"));
        test.Do(test.Meeting.Recess(TestMeeting.At(60)));

        var replayed = Meeting.FromHistory(test.History);

        var m = test.Meeting;
        Assert.That(replayed.Version, Is.EqualTo(m.Version).And.EqualTo(test.History.Count));
        Assert.That(replayed.Status, Is.EqualTo(m.Status));
        Assert.That(replayed.Title, Is.EqualTo(m.Title));
        Assert.That(replayed.PublishedAt, Is.EqualTo(m.PublishedAt));
        Assert.That(replayed.CurrentItemId, Is.EqualTo(m.CurrentItemId));
        Assert.That(replayed.Agenda.Select(i => (i.Id, i.Number, i.Title, i.Amended)),
            Is.EqualTo(m.Agenda.Select(i => (i.Id, i.Number, i.Title, i.Amended))));
        Assert.That(replayed.Attendance.OrderBy(a => a.SeatId).Select(a => (a.SeatId, a.Presence, a.RemoteBasis, a.ArrivedAt, a.DepartedAt)),
            Is.EqualTo(m.Attendance.OrderBy(a => a.SeatId).Select(a => (a.SeatId, a.Presence, a.RemoteBasis, a.ArrivedAt, a.DepartedAt))));
        Assert.That(replayed.QueueFor(test.Items[0]).Select(e => (e.Id, e.State, e.Turn?.EndReason)),
            Is.EqualTo(m.QueueFor(test.Items[0]).Select(e => (e.Id, e.State, e.Turn?.EndReason))));
        Assert.That(replayed.Motions.Select(x => (x.Id, x.State, x.Text, x.Corrections.Count)),
            Is.EqualTo(m.Motions.Select(x => (x.Id, x.State, x.Text, x.Corrections.Count))));
        Assert.That(replayed.Motion(main).Votes, Is.EquivalentTo(m.Motion(main).Votes));
        Assert.That(replayed.QueueFor(test.Items[0]).Single(e => e.Id == ben).State, Is.EqualTo(SpeakerState.OnDeck));
        Assert.That(replayed.Motion(main).State, Is.EqualTo(MotionState.Passed));
    }

    private sealed record UnknownEvent : MeetingEvent;

    [Test]
    public void Rescheduling_WithTheSameTitleTimeAndPlace_ChangesNothing()
    {
        var test = TestMeeting.Published();
        var revision = test.Meeting.CalendarRevision;

        var events = test.Meeting.Reschedule("Regular meeting", TestMeeting.Start, TestMeeting.Zone, "Council Chambers", TestMeeting.OnTime);

        Assert.That(events, Is.Empty);
        Assert.That(test.Meeting.CalendarRevision, Is.EqualTo(revision));
        Assert.That(test.Meeting.Reschedule("Regular meeting", TestMeeting.Start, TestMeeting.Zone, "Library", TestMeeting.OnTime), Has.Length.EqualTo(1),
            "a real change is still an event");
    }

    [TestCase(MeetingStatus.Adjourned, "An adjourned meeting cannot be started.")]
    [TestCase(MeetingStatus.Cancelled, "A cancelled meeting cannot be started.")]
    [TestCase(MeetingStatus.Live, "A meeting in session cannot be started.")]
    public void StartingAMeetingThatCannotStart_IsRefused_InAPlainSentence(MeetingStatus status, string message)
    {
        var test = TestMeeting.InStatus(status);
        Assert.That(() => test.Meeting.StartMeeting(TestMeeting.Start), Throws.TypeOf<MeetingRuleException>().With.Message.EqualTo(message));
    }
}
