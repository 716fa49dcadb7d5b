using Meetings.Server.Domain;

namespace Meetings.Tests.Domain;

public class MotionAndVoteTests
{
    private const VoteChoice Aye = VoteChoice.Aye;
    private const VoteChoice Nay = VoteChoice.Nay;
    private const VoteChoice Abstain = VoteChoice.Abstain;
    private const VoteChoice Recuse = VoteChoice.Recuse;

    private static void NoSecondNeeded(Body body) => body.SetRules(null, false, 3, new NoticeRule());

    // Making, seconding and withdrawing

    [Test]
    public void Motion_AwaitsASecond_WhenTheBodyRequiresOne()
    {
        var test = TestMeeting.InSession();
        var id = Guid.NewGuid();

        var made = (MotionMade)test.Do(test.Meeting.Move(id, test.Seats[0], "  Adopt the budget.  ")).Single();

        Assert.That(made.NeedsSecond, Is.True);
        Assert.That(made.ItemId, Is.EqualTo(test.Items[0]));
        Assert.That(made.Threshold, Is.EqualTo(Threshold.Majority));
        Assert.That(test.Meeting.Motion(id).State, Is.EqualTo(MotionState.AwaitingSecond));
        Assert.That(test.Meeting.Motion(id).Text, Is.EqualTo("Adopt the budget."));
    }

    [Test]
    public void Motion_GoesStraightToTheFloor_WhenTheBodyNeedsNoSecond()
    {
        var test = TestMeeting.InSession(rules: NoSecondNeeded);
        var id = Guid.NewGuid();

        test.Do(test.Meeting.Move(id, test.Seats[0], "Adopt the budget."));

        Assert.That(test.Meeting.Motion(id).State, Is.EqualTo(MotionState.OnFloor));
        Assert.That(() => test.Meeting.OpenVoting(TestMeeting.At(10), id), Throws.Nothing);
        Assert.That(() => test.Meeting.Second(id, test.Seats[1]), Refused.Rule("second-awaited"));
    }

    [Test]
    public void Second_ByAnotherMember_PutsTheMotionOnTheFloor()
    {
        var test = TestMeeting.InSession();
        var id = Guid.NewGuid();
        test.Do(test.Meeting.Move(id, test.Seats[0], "Adopt the budget."));

        test.Do(test.Meeting.Second(id, test.Seats[3]));

        Assert.That(test.Meeting.Motion(id).State, Is.EqualTo(MotionState.OnFloor));
        Assert.That(test.Meeting.Motion(id).SeconderSeatId, Is.EqualTo(test.Seats[3]));
    }

    [Test]
    public void Second_ByTheMover_IsRefused()
    {
        var test = TestMeeting.InSession();
        var id = Guid.NewGuid();
        test.Do(test.Meeting.Move(id, test.Seats[0], "Adopt the budget."));

        Assert.That(() => test.Meeting.Second(id, test.Seats[0]), Refused.Rule("second-by-another"));
    }

    [Test]
    public void MovingOrSeconding_ByAnAbsentMember_IsRefused()
    {
        var test = TestMeeting.InSession(seats: 5, present: 4);
        var id = Guid.NewGuid();
        Assert.That(() => test.Meeting.Move(id, test.Seats[4], "Adopt the budget."), Refused.Rule("member-present"));

        test.Do(test.Meeting.Move(id, test.Seats[0], "Adopt the budget."));
        Assert.That(() => test.Meeting.Second(id, test.Seats[4]), Refused.Rule("member-present"));
    }

    [Test]
    public void Moving_WithNoItemOpen_IsRefused()
    {
        var test = TestMeeting.Live().RollCall(5);
        Assert.That(() => test.Meeting.Move(Guid.NewGuid(), test.Seats[0], "Adopt the budget."), Refused.Rule("no-item"));
    }

    [TestCase(0, 2)]
    [TestCase(3, 2)]
    [TestCase(1, 0)]
    public void Moving_WithAThresholdThatIsNotAFraction_IsRefused(int numerator, int denominator)
    {
        var test = TestMeeting.InSession();
        Assert.That(() => test.Meeting.Move(Guid.NewGuid(), test.Seats[0], "Adopt.", new Threshold(numerator, denominator, ThresholdBasis.VotesCast)),
            Refused.Field("threshold"));
    }

    [Test]
    public void Withdrawing_BeforeTheVote_IsAllowed()
    {
        var test = TestMeeting.InSession();
        var awaiting = Guid.NewGuid();
        test.Do(test.Meeting.Move(awaiting, test.Seats[0], "Refer to committee."));
        var onFloor = test.MoveAndSecond(mover: 2, seconder: 3);

        test.Do(test.Meeting.WithdrawMotion(awaiting));
        test.Do(test.Meeting.WithdrawMotion(onFloor));

        Assert.That(test.Meeting.Motions.Select(m => m.State), Is.All.EqualTo(MotionState.Withdrawn));
        Assert.That(() => test.Meeting.OpenVoting(TestMeeting.At(10), onFloor), Refused.Rule("vote-on-floor"));
    }

    [Test]
    public void AVoiceVote_IsRecordedByName_AndRefusedWhenAMemberAttendsRemotely()
    {
        var test = TestMeeting.InSession();
        var id = test.MoveAndSecond();
        test.Do(test.Meeting.RecordVoiceVote(TestMeeting.At(10), id, new Dictionary<Guid, VoteChoice> { [test.Seats[4]] = Nay }));
        Assert.That(test.Meeting.Motion(id).State, Is.EqualTo(MotionState.Passed));
        Assert.That(test.Meeting.Motion(id).Votes[test.Seats[4]], Is.EqualTo(Nay));
        Assert.That(test.Meeting.Motion(id).Count(Aye), Is.EqualTo(4));

        var remote = TestMeeting.InSession();
        remote.Do(remote.Meeting.MemberArrives(TestMeeting.At(5), remote.Seats[0], Presence.Remote, "Teleconference from a posted location"));
        var motion = remote.MoveAndSecond(mover: 1, seconder: 2);
        Assert.That(() => remote.Meeting.RecordVoiceVote(TestMeeting.At(10), motion, new Dictionary<Guid, VoteChoice>()), Refused.Rule("roll-call-when-remote"));
    }

    [Test]
    public void Withdrawing_OnceTheVoteHasOpened_IsRefused()
    {
        var test = TestMeeting.InSession();
        var id = test.MoveAndSecond();
        test.Do(test.Meeting.OpenVoting(TestMeeting.At(10), id));

        Assert.That(() => test.Meeting.WithdrawMotion(id), Refused.Rule("withdraw-before-vote"));
    }

    [Test]
    public void Withdrawing_AfterTheVote_IsRefused()
    {
        var test = TestMeeting.InSession();
        var id = test.MoveAndSecond();
        test.Vote(id, Aye, Aye, Aye);

        Assert.That(() => test.Meeting.WithdrawMotion(id), Refused.Rule("withdraw-before-vote"));
    }

    // Amendments

    [Test]
    public void Amendment_ThatPasses_RewritesTheMainMotion()
    {
        var test = TestMeeting.InSession();
        var main = test.MoveAndSecond("Adopt the budget.");
        var amendment = test.MoveAndSecond("Adopt the budget with the library hours restored.", mover: 2, seconder: 3, amends: main);

        test.Vote(amendment, Aye, Aye, Aye, Nay, Nay);

        Assert.That(test.Meeting.Motion(amendment).State, Is.EqualTo(MotionState.Passed));
        Assert.That(test.Meeting.Motion(main).Text, Is.EqualTo("Adopt the budget with the library hours restored."));
        Assert.That(test.Meeting.Motion(main).State, Is.EqualTo(MotionState.OnFloor));
    }

    [Test]
    public void Amendment_ThatFails_LeavesTheMainMotionAsItWas()
    {
        var test = TestMeeting.InSession();
        var main = test.MoveAndSecond("Adopt the budget.");
        var amendment = test.MoveAndSecond("Adopt the budget with the library hours restored.", mover: 2, seconder: 3, amends: main);

        test.Vote(amendment, Aye, Aye, Nay, Nay, Nay);

        Assert.That(test.Meeting.Motion(main).Text, Is.EqualTo("Adopt the budget."));
    }

    [Test]
    public void VotingOnTheMainMotion_IsRefused_WhileAnAmendmentIsPending()
    {
        var test = TestMeeting.InSession();
        var main = test.MoveAndSecond("Adopt the budget.");
        test.MoveAndSecond("Adopt the budget, amended.", mover: 2, seconder: 3, amends: main);

        Assert.That(() => test.Meeting.OpenVoting(TestMeeting.At(10), main), Refused.Rule("amendment-first"));
    }

    [Test]
    public void Amending_AMotionNotYetSeconded_IsRefused()
    {
        var test = TestMeeting.InSession();
        var main = Guid.NewGuid();
        test.Do(test.Meeting.Move(main, test.Seats[0], "Adopt the budget."));

        Assert.That(() => test.Meeting.Move(Guid.NewGuid(), test.Seats[2], "Adopt it, amended.", amendsMotionId: main),
            Refused.Rule("amend-pending-motion"));
    }

    [Test]
    public void Amending_AMotionOfAnotherItem_IsRefused()
    {
        var test = TestMeeting.InSession();
        var main = test.MoveAndSecond("Adopt the budget.");
        test.Open(1);

        Assert.That(() => test.Meeting.Move(Guid.NewGuid(), test.Seats[2], "Adopt it, amended.", amendsMotionId: main),
            Refused.Rule("amend-same-item"));
    }

    // Opening and casting

    [Test]
    public void OpeningAVote_WithoutASecond_IsRefused()
    {
        var test = TestMeeting.InSession();
        var id = Guid.NewGuid();
        test.Do(test.Meeting.Move(id, test.Seats[0], "Adopt the budget."));

        Assert.That(() => test.Meeting.OpenVoting(TestMeeting.At(10), id), Refused.Rule("vote-needs-second"));
    }

    [Test]
    public void OnlyOneVote_CanBeOpenAtATime()
    {
        var test = TestMeeting.InSession();
        var first = test.MoveAndSecond("Adopt the budget.");
        var second = test.MoveAndSecond("Adopt the fee schedule.", mover: 2, seconder: 3);
        test.Do(test.Meeting.OpenVoting(TestMeeting.At(10), first));

        Assert.That(() => test.Meeting.OpenVoting(TestMeeting.At(11), second), Refused.Rule("one-vote"));
        Assert.That(test.Meeting.OpenVote?.Id, Is.EqualTo(first));
    }

    [Test]
    public void Members_CanChangeTheirVote_UntilTheVoteCloses()
    {
        var test = TestMeeting.InSession();
        var id = test.MoveAndSecond();
        test.Do(test.Meeting.OpenVoting(TestMeeting.At(10), id));

        test.Do(test.Meeting.CastVote(id, test.Seats[0], Nay));
        test.Do(test.Meeting.CastVote(id, test.Seats[0], Aye));
        test.Do(test.Meeting.CastVote(id, test.Seats[1], Aye));
        test.Do(test.Meeting.CastVote(id, test.Seats[2], Aye));
        Assert.That(test.Meeting.Motion(id).Count(Aye), Is.EqualTo(3));

        var closed = (VoteClosed)test.Do(test.Meeting.CloseVoting(TestMeeting.At(12), id)).Single();

        Assert.That(closed.Votes[test.Seats[0]], Is.EqualTo(Aye));
        Assert.That(closed.Outcome, Is.EqualTo(VoteOutcome.Passed));
    }

    [Test]
    public void CastingAVote_ByAnAbsentMember_IsRefused()
    {
        var test = TestMeeting.InSession(seats: 5, present: 4);
        var id = test.MoveAndSecond();
        test.Do(test.Meeting.OpenVoting(TestMeeting.At(10), id));

        Assert.That(() => test.Meeting.CastVote(id, test.Seats[4], Aye), Refused.Rule("member-present"));
    }

    [Test]
    public void CastingAbsent_IsNotAVote()
    {
        var test = TestMeeting.InSession();
        var id = test.MoveAndSecond();
        test.Do(test.Meeting.OpenVoting(TestMeeting.At(10), id));

        Assert.That(() => test.Meeting.CastVote(id, test.Seats[0], VoteChoice.Absent), Refused.Field("choice"));
    }

    [Test]
    public void CastingAVote_BeforeTheVoteOpens_IsRefused()
    {
        var test = TestMeeting.InSession();
        var id = test.MoveAndSecond();
        Assert.That(() => test.Meeting.CastVote(id, test.Seats[0], Aye), Refused.Rule("vote-open"));
    }

    [Test]
    public void AClosedVote_TakesNoMoreVotes_AndCannotBeClosedAgain()
    {
        var test = TestMeeting.InSession();
        var id = test.MoveAndSecond();
        test.Vote(id, Aye, Aye, Aye);

        Assert.That(() => test.Meeting.CastVote(id, test.Seats[4], Nay), Refused.Rule("vote-open"));
        Assert.That(() => test.Meeting.CloseVoting(TestMeeting.At(50), id), Refused.Rule("vote-open"));
        Assert.That(test.Meeting.OpenVote, Is.Null);
    }

    // Closing and outcomes

    [Test]
    public void Closing_RecordsAbsentMembersAsAbsent_AndSilentMembersAsPresentNotVoting()
    {
        var test = TestMeeting.InSession(seats: 5, present: 4);
        var id = test.MoveAndSecond();
        test.Do(test.Meeting.OpenVoting(TestMeeting.At(10), id));
        test.Do(test.Meeting.CastVote(id, test.Seats[0], Aye));
        test.Do(test.Meeting.CastVote(id, test.Seats[1], Aye));
        test.Do(test.Meeting.CastVote(id, test.Seats[3], Nay));
        test.Do(test.Meeting.MemberDeparts(TestMeeting.At(11), test.Seats[3]));

        var closed = (VoteClosed)test.Do(test.Meeting.CloseVoting(TestMeeting.At(12), id)).Single();

        Assert.That(closed.Votes, Has.Count.EqualTo(5), "every seat is on the record");
        Assert.That(closed.Votes[test.Seats[2]], Is.EqualTo(VoteChoice.NotVoting), "present but silent: present, not voting, not an abstention");
        Assert.That(closed.Votes[test.Seats[3]], Is.EqualTo(VoteChoice.Absent), "left before the vote closed");
        Assert.That(closed.Votes[test.Seats[4]], Is.EqualTo(VoteChoice.Absent), "never arrived");
        Assert.That(test.Meeting.Motion(id).Votes, Is.EquivalentTo(closed.Votes));
        Assert.That(test.Meeting.Motion(id).VoteClosedAt, Is.EqualTo(TestMeeting.At(12)));
        Assert.That(closed.Outcome, Is.EqualTo(VoteOutcome.Passed));
    }

    [Test]
    public void Vote_Fails_OnATie()
    {
        var test = TestMeeting.InSession(seats: 5);
        var id = test.MoveAndSecond();

        var closed = test.Vote(id, Aye, Aye, Nay, Nay, Abstain);

        Assert.That(closed.Outcome, Is.EqualTo(VoteOutcome.Failed));
        Assert.That(test.Meeting.Motion(id).State, Is.EqualTo(MotionState.Failed));
    }

    [Test]
    public void Vote_Passes_OnAMajorityOfVotesCast_WhateverTheAbstentions()
    {
        var test = TestMeeting.InSession(seats: 5);
        var id = test.MoveAndSecond();

        var closed = test.Vote(id, Aye, Abstain, Abstain, Abstain, null);

        Assert.That(closed.Outcome, Is.EqualTo(VoteOutcome.Passed));
    }

    [Test]
    public void Recusals_CountForQuorum_ButNotAsVotesCast()
    {
        var test = TestMeeting.InSession(seats: 5, present: 3);
        var id = test.MoveAndSecond();

        var closed = test.Vote(id, Aye, Recuse, Recuse);

        Assert.That(closed.Outcome, Is.EqualTo(VoteOutcome.Passed), "quorum of 3 is present; one aye of one vote cast");
        Assert.That(test.Meeting.Motion(id).Count(Recuse), Is.EqualTo(2));
    }

    [Test]
    public void Recusals_DoNotCountAsNays()
    {
        var test = TestMeeting.InSession(seats: 5);
        var id = test.MoveAndSecond();

        var closed = test.Vote(id, Aye, Aye, Nay, Recuse, Recuse);

        Assert.That(closed.Outcome, Is.EqualTo(VoteOutcome.Passed));
    }

    [Test]
    public void Vote_ClosedWithoutQuorum_DecidesNothing()
    {
        var test = TestMeeting.InSession(seats: 5, present: 3);
        var id = test.MoveAndSecond();
        test.Do(test.Meeting.OpenVoting(TestMeeting.At(10), id));
        test.Do(test.Meeting.CastVote(id, test.Seats[0], Aye));
        test.Do(test.Meeting.CastVote(id, test.Seats[1], Aye));
        test.Do(test.Meeting.MemberDeparts(TestMeeting.At(11), test.Seats[2]));

        var closed = (VoteClosed)test.Do(test.Meeting.CloseVoting(TestMeeting.At(12), id)).Single();

        Assert.That(closed.Outcome, Is.EqualTo(VoteOutcome.NoQuorum));
        Assert.That(test.Meeting.Motion(id).State, Is.EqualTo(MotionState.NoQuorum));
    }

    [TestCase(new[] { Aye, Aye, Aye, Aye, Nay, Nay, Abstain }, VoteOutcome.Passed)]
    [TestCase(new[] { Aye, Aye, Aye, Aye, Nay, Nay, Nay }, VoteOutcome.Failed)]
    [TestCase(new[] { Aye, Aye, Nay, Abstain, Abstain, Abstain, Abstain }, VoteOutcome.Passed)]
    [TestCase(new[] { Aye, Aye, Aye, Nay, Nay, Abstain, Abstain }, VoteOutcome.Failed)]
    public void TwoThirds_CountsOnlyAyesAndNays(VoteChoice[] choices, VoteOutcome expected)
    {
        var test = TestMeeting.InSession(seats: 7);
        var id = test.MoveAndSecond(threshold: Threshold.TwoThirds);

        var closed = test.Vote(id, choices.Select(c => (VoteChoice?)c).ToArray());

        Assert.That(closed.Outcome, Is.EqualTo(expected));
    }

    [TestCase(new[] { Aye, Aye, Aye, Abstain, Abstain }, VoteOutcome.Failed)]
    [TestCase(new[] { Aye, Aye, Aye, Aye, Nay }, VoteOutcome.Passed)]
    public void MajorityOfSeats_NeedsMoreThanHalfOfAllSeats_NotJustThoseVoting(VoteChoice[] choices, VoteOutcome expected)
    {
        var test = TestMeeting.InSession(seats: 7, present: 5);
        var id = test.MoveAndSecond(threshold: Threshold.MajorityOfSeats);

        var closed = test.Vote(id, choices.Select(c => (VoteChoice?)c).ToArray());

        Assert.That(closed.Outcome, Is.EqualTo(expected));
    }

    [TestCase(new[] { Aye, Aye, Aye, Nay, Abstain }, VoteOutcome.Passed)]
    [TestCase(new[] { Aye, Aye, Aye, Nay, Nay }, VoteOutcome.Failed)]
    public void AnArbitraryFraction_IsAtLeastThatShare(VoteChoice[] choices, VoteOutcome expected)
    {
        var test = TestMeeting.InSession(seats: 5);
        var id = test.MoveAndSecond(threshold: new Threshold(3, 4, ThresholdBasis.VotesCast));

        var closed = test.Vote(id, choices.Select(c => (VoteChoice?)c).ToArray());

        Assert.That(test.Meeting.Motion(id).Threshold.ToString(), Is.EqualTo("3/4 of votes cast"));
        Assert.That(closed.Outcome, Is.EqualTo(expected));
    }

    // Corrections

    [Test]
    public void Correction_IsANewEvent_ThatChangesTheOutcome_AndLeavesTheOriginalCloseUntouched()
    {
        var test = TestMeeting.InSession(seats: 5);
        var id = test.MoveAndSecond();
        var closed = test.Vote(id, Aye, Aye, Aye, Nay, Nay);

        var events = test.Do(test.Meeting.CorrectVote(id, test.Seats[2], Nay, "Member says the board misread her vote"));

        Assert.That(events, Is.EqualTo(new MeetingEvent[]
        {
            new VoteCorrected(id, test.Seats[2], Nay, "Member says the board misread her vote", VoteOutcome.Failed),
        }));
        var motion = test.Meeting.Motion(id);
        Assert.That(motion.State, Is.EqualTo(MotionState.Failed));
        Assert.That(motion.Votes[test.Seats[2]], Is.EqualTo(Nay));
        Assert.That(motion.Corrections, Has.Count.EqualTo(1));
        Assert.That(closed.Outcome, Is.EqualTo(VoteOutcome.Passed), "the original close is not rewritten");
        Assert.That(closed.Votes[test.Seats[2]], Is.EqualTo(Aye));
        Assert.That(test.History.OfType<VoteClosed>().Single(), Is.SameAs(closed));
        Assert.That(test.History[^1], Is.InstanceOf<VoteCorrected>());
    }

    [Test]
    public void Correction_ThatDoesNotTipTheBalance_KeepsTheOutcome()
    {
        var test = TestMeeting.InSession(seats: 5);
        var id = test.MoveAndSecond();
        test.Vote(id, Aye, Aye, Aye, Aye, Nay);

        var corrected = (VoteCorrected)test.Do(test.Meeting.CorrectVote(id, test.Seats[3], Nay, "Misrecorded")).Single();

        Assert.That(corrected.Outcome, Is.EqualTo(VoteOutcome.Passed));
        Assert.That(test.Meeting.Motion(id).State, Is.EqualTo(MotionState.Passed));
    }

    [Test]
    public void Correction_CanTurnAFailedVoteIntoAPass()
    {
        var test = TestMeeting.InSession(seats: 5);
        var id = test.MoveAndSecond();
        test.Vote(id, Aye, Aye, Nay, Nay, null);

        test.Do(test.Meeting.CorrectVote(id, test.Seats[4], Aye, "Vote was cast on paper"));

        Assert.That(test.Meeting.Motion(id).State, Is.EqualTo(MotionState.Passed));
    }

    [Test]
    public void Correction_ToTheChoiceAlreadyRecorded_IsRefused()
    {
        var test = TestMeeting.InSession(seats: 5);
        var id = test.MoveAndSecond();
        test.Vote(id, Aye, Aye, Aye, Nay, Nay);

        Assert.That(() => test.Meeting.CorrectVote(id, test.Seats[0], Aye, "No change"), Refused.Rule("correction-changes"));
    }

    [Test]
    public void Correction_OfAVoteStillOpen_IsRefused()
    {
        var test = TestMeeting.InSession(seats: 5);
        var id = test.MoveAndSecond();
        test.Do(test.Meeting.OpenVoting(TestMeeting.At(10), id));

        Assert.That(() => test.Meeting.CorrectVote(id, test.Seats[0], Aye, "Early"), Refused.Rule("correct-closed-vote"));
    }

    [Test]
    public void Correction_NeedsAReason()
    {
        var test = TestMeeting.InSession(seats: 5);
        var id = test.MoveAndSecond();
        test.Vote(id, Aye, Aye, Aye, Nay, Nay);

        Assert.That(() => test.Meeting.CorrectVote(id, test.Seats[0], Nay, "  "), Refused.Field("reason"));
    }

    [Test]
    public void Correction_ThatMakesAPassedAmendmentFail_RestoresTheMainMotionsWording()
    {
        var test = TestMeeting.InSession(seats: 5);
        var main = test.MoveAndSecond("Adopt the budget.");
        var amendment = test.MoveAndSecond("Adopt the budget with the library hours restored.", mover: 2, seconder: 3, amends: main);
        test.Vote(amendment, Aye, Aye, Aye, Nay, Nay);
        Assert.That(test.Meeting.Motion(main).Text, Is.EqualTo("Adopt the budget with the library hours restored."));

        test.Do(test.Meeting.CorrectVote(amendment, test.Seats[0], Nay, "Misread on the board"));

        Assert.That(test.Meeting.Motion(amendment).State, Is.EqualTo(MotionState.Failed));
        Assert.That(test.Meeting.Motion(main).Text, Is.EqualTo("Adopt the budget."),
            "the amendment did not pass after all, so the main motion keeps its original wording");
    }

    [Test]
    public void Correction_JudgesTheVoteByTheMembersPresentAtTheVote_NotThoseStillPresentLater()
    {
        var test = TestMeeting.InSession(seats: 5);
        var id = test.MoveAndSecond(threshold: new Threshold(1, 2, ThresholdBasis.MembersPresent));
        var closed = test.Vote(id, Aye, Aye, Nay, Nay, Abstain);
        Assert.That(closed.Outcome, Is.EqualTo(VoteOutcome.Failed), "2 ayes is not more than half of 5 present");
        test.Do(test.Meeting.MemberDeparts(TestMeeting.At(60), test.Seats[2]));
        test.Do(test.Meeting.MemberDeparts(TestMeeting.At(60), test.Seats[3]));

        var corrected = (VoteCorrected)test.Do(test.Meeting.CorrectVote(id, test.Seats[4], Nay, "Voted nay by hand")).Single();

        Assert.That(corrected.Outcome, Is.EqualTo(VoteOutcome.Failed), "turning an abstention into a nay cannot make a motion pass");
    }

    // Silence, and corrections that respect who was there

    [TestCase(VoteChoice.Aye)]
    [TestCase(VoteChoice.Abstain)]
    [TestCase(VoteChoice.Nay)]
    public void Closing_RecordsSilentMembers_AsTheBodysRuleCountsSilence(VoteChoice silence)
    {
        var test = TestMeeting.InSession(seats: 5, rules: b => b.SetRecordRules(CommentRelease.AfterRelease, silence));
        var id = test.MoveAndSecond();

        var closed = test.Vote(id, Aye, Aye, Nay, null, null);

        Assert.That(closed.Votes[test.Seats[3]], Is.EqualTo(silence));
        Assert.That(closed.Votes[test.Seats[4]], Is.EqualTo(silence));
        Assert.That(test.Meeting.Motion(id).Count(silence), Is.EqualTo(silence == Aye ? 4 : silence == Nay ? 3 : 2));
    }

    [Test]
    public void SilenceCounted_AsAnythingButAVoteOrNotVoting_IsRefused()
    {
        var body = TestMeeting.NewBody(3);

        Assert.That(() => body.SetRecordRules(CommentRelease.AfterRelease, VoteChoice.Absent), Refused.Field("silenceCountsAs"));
        Assert.That(() => body.SetRecordRules(CommentRelease.AfterRelease, VoteChoice.Recuse), Refused.Field("silenceCountsAs"));
    }

    [Test]
    public void PresentNotVoting_CountsTowardQuorum_ButNotTowardVotesCast()
    {
        var test = TestMeeting.InSession(seats: 5);
        var id = test.MoveAndSecond();

        var closed = test.Vote(id, Aye, Aye, Nay, null, null);

        Assert.That(closed.Outcome, Is.EqualTo(VoteOutcome.Passed), "2 ayes to 1 nay of votes cast, with 5 present");
        Assert.That(test.Meeting.Motion(id).Count(VoteChoice.NotVoting), Is.EqualTo(2));
    }

    [Test]
    public void Correction_GivingAnAbsentMemberAVote_IsRefused()
    {
        var test = TestMeeting.InSession(seats: 5, present: 4);
        var id = test.MoveAndSecond();
        test.Vote(id, Aye, Nay, Nay, Aye);
        Assert.That(test.Meeting.Motion(id).Votes[test.Seats[4]], Is.EqualTo(VoteChoice.Absent));

        Assert.That(() => test.Meeting.CorrectVote(id, test.Seats[4], Aye, "She says she voted aye"), Refused.Rule("absent-at-vote"));
        Assert.That(test.Meeting.Motion(id).Count(Aye), Is.EqualTo(2), "the tally keeps 2 ayes and 1 absent");
        Assert.That(test.Meeting.Motion(id).Count(VoteChoice.Absent), Is.EqualTo(1));
    }

    [Test]
    public void Correction_ToAbsent_IsRefused_AbsenceIsCorrectedAsAttendance()
    {
        var test = TestMeeting.InSession(seats: 5);
        var id = test.MoveAndSecond();
        test.Vote(id, Aye, Aye, Nay, Nay, Aye);

        Assert.That(() => test.Meeting.CorrectVote(id, test.Seats[0], VoteChoice.Absent, "Had left"), Refused.Field("choice"));
    }

    [Test]
    public void AnAbsentMember_CanGainAVote_OnceTheAttendanceAtTheVoteIsCorrected()
    {
        var test = TestMeeting.InSession(seats: 5, present: 4);
        var id = test.MoveAndSecond();
        test.Vote(id, Aye, Nay, Nay, Aye);

        var attendance = (VoteAttendanceCorrected)test.Do(test.Meeting.CorrectAttendanceAtVote(id, test.Seats[4], true, "Was at the dais; the roll was not updated")).Single();
        var vote = (VoteCorrected)test.Do(test.Meeting.CorrectVote(id, test.Seats[4], Aye, "Voted aye by hand")).Single();

        Assert.That(attendance, Is.EqualTo(new VoteAttendanceCorrected(id, test.Seats[4], true, VoteChoice.NotVoting,
            "Was at the dais; the roll was not updated", VoteOutcome.Failed)));
        Assert.That(vote.Outcome, Is.EqualTo(VoteOutcome.Passed), "3 ayes to 2 nays");
        var motion = test.Meeting.Motion(id);
        Assert.That(motion.Corrections.Select(c => (c.Choice, c.OfAttendance)), Is.EqualTo(new[] { (VoteChoice.NotVoting, true), (Aye, false) }));
        Assert.That(motion.Count(VoteChoice.Absent), Is.Zero);
    }

    [Test]
    public void AttendanceCorrection_CanGiveAVoteClosedWithoutQuorumItsQuorum()
    {
        var test = TestMeeting.InSession(seats: 5, present: 3);
        var id = test.MoveAndSecond();
        test.Do(test.Meeting.OpenVoting(TestMeeting.At(40), id));
        test.Do(test.Meeting.CastVote(id, test.Seats[0], Aye));
        test.Do(test.Meeting.CastVote(id, test.Seats[1], Aye));
        test.Do(test.Meeting.MemberDeparts(TestMeeting.At(41), test.Seats[2]));
        var closed = (VoteClosed)test.Do(test.Meeting.CloseVoting(TestMeeting.At(42), id)).Single();
        Assert.That(closed.Outcome, Is.EqualTo(VoteOutcome.NoQuorum), "2 of 3 needed");

        var corrected = (VoteAttendanceCorrected)test.Do(test.Meeting.CorrectAttendanceAtVote(id, test.Seats[2], true, "Stepped out after the vote closed")).Single();

        Assert.That(corrected.Outcome, Is.EqualTo(VoteOutcome.Passed));
        Assert.That(test.Meeting.Motion(id).State, Is.EqualTo(MotionState.Passed));
    }

    [Test]
    public void AttendanceCorrection_ToAbsent_TakesAwayTheVote()
    {
        var test = TestMeeting.InSession(seats: 5);
        var id = test.MoveAndSecond();
        test.Vote(id, Aye, Aye, Nay, Nay, Aye);

        var corrected = (VoteAttendanceCorrected)test.Do(test.Meeting.CorrectAttendanceAtVote(id, test.Seats[4], false, "Had left before the vote")).Single();

        Assert.That(corrected.Choice, Is.EqualTo(VoteChoice.Absent));
        Assert.That(corrected.Outcome, Is.EqualTo(VoteOutcome.Failed), "2 ayes to 2 nays is a tie");
    }

    [Test]
    public void AttendanceCorrection_ThatChangesNothing_IsRefused()
    {
        var test = TestMeeting.InSession(seats: 5, present: 4);
        var id = test.MoveAndSecond();
        test.Vote(id, Aye, Nay, Nay, Aye);

        Assert.That(() => test.Meeting.CorrectAttendanceAtVote(id, test.Seats[0], true, "Was here"), Refused.Rule("correction-changes"));
        Assert.That(() => test.Meeting.CorrectAttendanceAtVote(id, test.Seats[4], false, "Was away"), Refused.Rule("correction-changes"));
        Assert.That(() => test.Meeting.CorrectAttendanceAtVote(id, test.Seats[4], true, " "), Refused.Field("reason"));
    }
}
