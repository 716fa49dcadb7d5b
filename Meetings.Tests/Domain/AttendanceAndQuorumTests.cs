using Meetings.Server.Domain;

namespace Meetings.Tests.Domain;

public class AttendanceAndQuorumTests
{
    private static List<MemberAttendance> Roll(TestMeeting test, params Presence[] presence) =>
        test.Seats.Select((id, i) => new MemberAttendance(id, presence[i], presence[i] == Presence.Remote ? "Teleconference location posted on the agenda" : null))
            .ToList();

    [Test]
    public void RollCall_MustAnswerEverySeat()
    {
        var test = TestMeeting.Live(seats: 3);
        var partial = Roll(test, Presence.InRoom, Presence.InRoom, Presence.InRoom).Take(2).ToList();

        Assert.That(() => test.Meeting.TakeRollCall(TestMeeting.Start, partial),
            Throws.TypeOf<InvalidInputException>().With.Property(nameof(InvalidInputException.Field)).EqualTo("members")
                .And.Message.Contains("1 not answered"));
        Assert.That(test.Meeting.RollCallTaken, Is.False);
    }

    [Test]
    public void RollCall_AnsweringASeatTwice_IsRefused()
    {
        var test = TestMeeting.Live(seats: 3);
        var roll = Roll(test, Presence.InRoom, Presence.InRoom, Presence.InRoom);
        roll[2] = roll[0];
        Assert.That(() => test.Meeting.TakeRollCall(TestMeeting.Start, roll), Refused.Field("members"));
    }

    [Test]
    public void RollCall_AnsweringASeatOfAnotherBody_IsRefused()
    {
        var test = TestMeeting.Live(seats: 2);
        var roll = Roll(test, Presence.InRoom, Presence.InRoom);
        roll.Add(new MemberAttendance(Guid.NewGuid(), Presence.InRoom, null));
        Assert.That(() => test.Meeting.TakeRollCall(TestMeeting.Start, roll), Refused.Field("seatId"));
    }

    [TestCase(MeetingStatus.Published)]
    [TestCase(MeetingStatus.Recessed)]
    public void RollCall_IsRefused_WhenNotInSession(MeetingStatus status)
    {
        var test = TestMeeting.InStatus(status);
        Assert.That(() => test.Meeting.TakeRollCall(TestMeeting.Start, Roll(test, Presence.InRoom, Presence.InRoom, Presence.InRoom, Presence.InRoom, Presence.InRoom)),
            Refused.Rule("in-session"));
    }

    [TestCase(null)]
    [TestCase("  ")]
    public void RollCall_RemoteAttendance_NeedsALegalBasis(string? basis)
    {
        var test = TestMeeting.Live(seats: 2);
        var roll = new List<MemberAttendance>
        {
            new(test.Seats[0], Presence.InRoom, null), new(test.Seats[1], Presence.Remote, basis),
        };
        Assert.That(() => test.Meeting.TakeRollCall(TestMeeting.Start, roll), Refused.Field("remoteBasis"));
    }

    [Test]
    public void RollCall_RecordsPresence_TheRemoteBasis_AndArrivalTimes()
    {
        var test = TestMeeting.Live(seats: 3);
        var roll = new List<MemberAttendance>
        {
            new(test.Seats[0], Presence.InRoom, "ignored for members in the room"),
            new(test.Seats[1], Presence.Remote, "  Hotel lobby, 12 Main St, posted on the agenda  "),
            new(test.Seats[2], Presence.Absent, null),
        };

        test.Do(test.Meeting.TakeRollCall(TestMeeting.At(1), roll));

        var m = test.Meeting;
        Assert.That(m.RollCallTaken, Is.True);
        Assert.That(m.AttendanceOf(test.Seats[0]).Presence, Is.EqualTo(Presence.InRoom));
        Assert.That(m.AttendanceOf(test.Seats[0]).RemoteBasis, Is.Null);
        Assert.That(m.AttendanceOf(test.Seats[0]).ArrivedAt, Is.EqualTo(TestMeeting.At(1)));
        Assert.That(m.AttendanceOf(test.Seats[1]).Presence, Is.EqualTo(Presence.Remote));
        Assert.That(m.AttendanceOf(test.Seats[1]).RemoteBasis, Is.EqualTo("Hotel lobby, 12 Main St, posted on the agenda"));
        Assert.That(m.AttendanceOf(test.Seats[2]).IsPresent, Is.False);
        Assert.That(m.AttendanceOf(test.Seats[2]).ArrivedAt, Is.Null);
        Assert.That(m.MembersPresent, Is.EqualTo(2));
    }

    [Test]
    public void LateArrival_IsRecordedWithItsTime()
    {
        var test = TestMeeting.InSession(seats: 5, present: 3);

        test.Do(test.Meeting.MemberArrives(TestMeeting.At(17), test.Seats[4], Presence.InRoom, null));

        var seat = test.Meeting.AttendanceOf(test.Seats[4]);
        Assert.That(seat.Presence, Is.EqualTo(Presence.InRoom));
        Assert.That(seat.ArrivedAt, Is.EqualTo(TestMeeting.At(17)));
        Assert.That(seat.DepartedAt, Is.Null);
        Assert.That(test.Meeting.MembersPresent, Is.EqualTo(4));
    }

    [Test]
    public void LateArrival_Remotely_NeedsALegalBasis()
    {
        var test = TestMeeting.InSession(seats: 5, present: 3);
        Assert.That(() => test.Meeting.MemberArrives(TestMeeting.At(17), test.Seats[4], Presence.Remote, null), Refused.Field("remoteBasis"));
    }

    [Test]
    public void Arrival_AsAbsent_IsRefused()
    {
        var test = TestMeeting.InSession(seats: 5, present: 3);
        Assert.That(() => test.Meeting.MemberArrives(TestMeeting.At(17), test.Seats[4], Presence.Absent, null), Refused.Rule("arrival-presence"));
    }

    [Test]
    public void Arrival_OfAMemberAlreadyRecordedSo_IsRefused()
    {
        var test = TestMeeting.InSession(seats: 5, present: 3);
        Assert.That(() => test.Meeting.MemberArrives(TestMeeting.At(17), test.Seats[0], Presence.InRoom, null), Refused.Rule("already-present"));
    }

    [Test]
    public void SwitchingFromTheRoomToRemote_KeepsTheOriginalArrivalTime()
    {
        var test = TestMeeting.InSession(seats: 5, present: 3);

        test.Do(test.Meeting.MemberArrives(TestMeeting.At(30), test.Seats[0], Presence.Remote, "Posted teleconference location"));

        var seat = test.Meeting.AttendanceOf(test.Seats[0]);
        Assert.That(seat.Presence, Is.EqualTo(Presence.Remote));
        Assert.That(seat.ArrivedAt, Is.EqualTo(TestMeeting.Start));
        Assert.That(test.Meeting.MembersPresent, Is.EqualTo(3));
    }

    [Test]
    public void EarlyDeparture_IsRecordedWithItsTime()
    {
        var test = TestMeeting.InSession(seats: 5);

        test.Do(test.Meeting.MemberDeparts(TestMeeting.At(75), test.Seats[1]));

        var seat = test.Meeting.AttendanceOf(test.Seats[1]);
        Assert.That(seat.Presence, Is.EqualTo(Presence.Absent));
        Assert.That(seat.ArrivedAt, Is.EqualTo(TestMeeting.Start));
        Assert.That(seat.DepartedAt, Is.EqualTo(TestMeeting.At(75)));
    }

    [Test]
    public void ReturningAfterLeaving_StartsANewStay()
    {
        var test = TestMeeting.InSession(seats: 5);
        test.Do(test.Meeting.MemberDeparts(TestMeeting.At(75), test.Seats[1]));

        test.Do(test.Meeting.MemberArrives(TestMeeting.At(80), test.Seats[1], Presence.InRoom, null));

        var seat = test.Meeting.AttendanceOf(test.Seats[1]);
        Assert.That(seat.ArrivedAt, Is.EqualTo(TestMeeting.At(80)));
        Assert.That(seat.DepartedAt, Is.Null);
    }

    [Test]
    public void Departure_OfAnAbsentMember_IsRefused()
    {
        var test = TestMeeting.InSession(seats: 5, present: 3);
        Assert.That(() => test.Meeting.MemberDeparts(TestMeeting.At(75), test.Seats[4]), Refused.Rule("not-present"));
    }

    [TestCase(1, 1)]
    [TestCase(4, 3)]
    [TestCase(5, 3)]
    [TestCase(7, 4)]
    [TestCase(9, 5)]
    public void Quorum_IsAMajorityOfSeats_ByDefault(int seats, int needed)
    {
        var test = TestMeeting.Draft(seats: seats);
        Assert.That(test.Meeting.Rules.QuorumNeeded, Is.EqualTo(needed));
    }

    [Test]
    public void Quorum_UsesTheBodysFixedCount_WhenItHasOne()
    {
        var test = TestMeeting.InSession(seats: 7, present: 2, rules: b => b.SetRules(2, true, 3, new NoticeRule()));

        Assert.That(test.Meeting.Rules.QuorumNeeded, Is.EqualTo(2));
        Assert.That(test.Meeting.HasQuorum, Is.True);
    }

    [Test]
    public void Quorum_IsAbsent_BeforeTheRollIsTaken()
    {
        var test = TestMeeting.Live(seats: 5);
        Assert.That(test.Meeting.MembersPresent, Is.Zero);
        Assert.That(test.Meeting.HasQuorum, Is.False);
    }

    [Test]
    public void Quorum_IsComputedLive_AsMembersComeAndGo()
    {
        var test = TestMeeting.InSession(seats: 5, present: 2);
        Assert.That(test.Meeting.HasQuorum, Is.False);

        test.Do(test.Meeting.MemberArrives(TestMeeting.At(10), test.Seats[2], Presence.Remote, "Posted teleconference location"));
        Assert.That(test.Meeting.HasQuorum, Is.True);

        test.Do(test.Meeting.MemberDeparts(TestMeeting.At(50), test.Seats[0]));
        Assert.That(test.Meeting.HasQuorum, Is.False);
        Assert.That(test.Meeting.MembersPresent, Is.EqualTo(2));
    }

    [Test]
    public void QuorumLostMidMeeting_RefusesMotions()
    {
        var test = TestMeeting.InSession(seats: 5, present: 3);
        test.Do(test.Meeting.MemberDeparts(TestMeeting.At(50), test.Seats[2]));

        Assert.That(() => test.Meeting.Move(Guid.NewGuid(), test.Seats[0], "Adopt the budget."),
            Throws.TypeOf<MeetingRuleException>().With.Property(nameof(MeetingRuleException.Rule)).EqualTo("quorum")
                .And.Message.Contains("2 of 3"));
    }

    [Test]
    public void QuorumLostMidMeeting_RefusesOpeningAVote()
    {
        var test = TestMeeting.InSession(seats: 5, present: 3);
        var motion = test.MoveAndSecond();
        test.Do(test.Meeting.MemberDeparts(TestMeeting.At(50), test.Seats[2]));

        Assert.That(() => test.Meeting.OpenVoting(TestMeeting.At(51), motion), Refused.Rule("quorum"));
    }

    [Test]
    public void QuorumRegained_AllowsTheVote()
    {
        var test = TestMeeting.InSession(seats: 5, present: 3);
        var motion = test.MoveAndSecond();
        test.Do(test.Meeting.MemberDeparts(TestMeeting.At(50), test.Seats[2]));
        test.Do(test.Meeting.MemberArrives(TestMeeting.At(55), test.Seats[3], Presence.InRoom, null));

        Assert.That(() => test.Meeting.OpenVoting(TestMeeting.At(56), motion), Throws.Nothing);
    }
}
