namespace Meetings.Server.Domain;

public enum MotionState { AwaitingSecond, OnFloor, Voting, Passed, Failed, NoQuorum, Withdrawn }

/// <summary>A change to a closed vote's record, with the reason: a member's choice, or whether they were present at the vote.</summary>
public sealed record CorrectedVote(Guid SeatId, VoteChoice Choice, string Reason, bool OfAttendance);

/// <summary>A motion, its mover and seconder, and the named vote on it.</summary>
public sealed class Motion
{
    internal Motion(MotionMade m) =>
        (Id, ItemId, Text, MovedText, MoverSeatId, Threshold, AmendsMotionId, State) =
        (m.MotionId, m.ItemId, m.Text, m.Text, m.MoverSeatId, m.Threshold, m.AmendsMotionId,
            m.NeedsSecond ? MotionState.AwaitingSecond : MotionState.OnFloor);

    public Guid Id { get; }
    public Guid ItemId { get; }
    /// <summary>The motion's wording; an amendment that passes rewrites its main motion's wording.</summary>
    public string Text { get; internal set; }
    /// <summary>The wording as moved, before any amendment.</summary>
    public string MovedText { get; }
    public Guid MoverSeatId { get; }
    public Guid? SeconderSeatId { get; internal set; }
    public Threshold Threshold { get; }
    public Guid? AmendsMotionId { get; }
    public MotionState State { get; internal set; }
    public Dictionary<Guid, VoteChoice> Votes { get; } = [];
    public List<CorrectedVote> Corrections { get; } = [];
    public DateTimeOffset? VoteClosedAt { get; internal set; }

    public int Count(VoteChoice choice) => Votes.Values.Count(v => v == choice);
    public bool IsPending => State is MotionState.AwaitingSecond or MotionState.OnFloor or MotionState.Voting;
}

public sealed partial class Meeting
{
    private readonly Dictionary<Guid, Motion> _motions = [];
    private readonly List<Guid> _motionOrder = [];

    public IEnumerable<Motion> Motions => _motionOrder.Select(id => _motions[id]);
    public Motion? OpenVote => _motions.Values.FirstOrDefault(m => m.State == MotionState.Voting);

    public Motion Motion(Guid motionId) =>
        _motions.GetValueOrDefault(motionId) ?? throw new InvalidInputException("motionId", "No such motion in this meeting.");

    /// <summary>
    /// A member moves on the item under consideration. A motion to amend names the pending motion it
    /// amends and gives that motion's full wording as amended.
    /// </summary>
    public MeetingEvent[] Move(Guid motionId, Guid moverSeatId, string text, Threshold? threshold = null, Guid? amendsMotionId = null)
    {
        RequireInSession();
        RequirePresentMember(moverSeatId);
        Require(HasQuorum, "quorum", QuorumMessage);
        var itemId = CurrentItemId ?? throw new MeetingRuleException("no-item", "Open an agenda item before making a motion.");
        Require(!_motions.ContainsKey(motionId), "motion-unique", "This motion was already made.");
        var rule = threshold ?? Threshold.Majority;
        rule.Validate();
        if (amendsMotionId is { } target)
        {
            var main = Motion(target);
            Require(main.State == MotionState.OnFloor, "amend-pending-motion", "Only a motion on the floor, not being voted on, can be amended.");
            Require(main.ItemId == itemId, "amend-same-item", "The motion to amend belongs to another item.");
        }
        return [new MotionMade(motionId, itemId, Guard.Text(text, "text", 2000), moverSeatId, rule, amendsMotionId, Rules.MotionsNeedSecond)];
    }

    public MeetingEvent[] Second(Guid motionId, Guid seatId)
    {
        RequireInSession();
        var motion = Motion(motionId);
        RequirePresentMember(seatId);
        Require(motion.State == MotionState.AwaitingSecond, "second-awaited", "This motion is not awaiting a second.");
        Require(motion.MoverSeatId != seatId, "second-by-another", "The mover cannot second their own motion.");
        return [new MotionSeconded(motionId, seatId)];
    }

    public MeetingEvent[] WithdrawMotion(Guid motionId)
    {
        RequireInSessionOrRecess();
        var motion = Motion(motionId);
        Require(motion.State is MotionState.AwaitingSecond or MotionState.OnFloor, "withdraw-before-vote",
            "A motion can be withdrawn only before its vote opens.");
        return [new MotionWithdrawn(motionId)];
    }

    public MeetingEvent[] OpenVoting(DateTimeOffset now, Guid motionId)
    {
        RequireInSession();
        var motion = Motion(motionId);
        Require(motion.State != MotionState.AwaitingSecond, "vote-needs-second", "The motion has not been seconded.");
        Require(motion.State == MotionState.OnFloor, "vote-on-floor", $"A motion that is {motion.State} cannot be put to a vote.");
        Require(OpenVote is null, "one-vote", "Another vote is open.");
        Require(HasQuorum, "quorum", QuorumMessage);
        Require(!_motions.Values.Any(m => m.AmendsMotionId == motionId && m.IsPending), "amendment-first",
            "Vote on the pending amendment first.");
        return [new VoteOpened(motionId, now)];
    }

    /// <summary>A present member votes, or changes their vote, while the vote is open.</summary>
    public MeetingEvent[] CastVote(Guid motionId, Guid seatId, VoteChoice choice)
    {
        var motion = Motion(motionId);
        Require(motion.State == MotionState.Voting, "vote-open", "The vote on this motion is not open.");
        RequirePresentMember(seatId);
        if (choice is not (VoteChoice.Aye or VoteChoice.Nay or VoteChoice.Abstain or VoteChoice.Recuse))
            throw new InvalidInputException("choice", "A vote is Aye, Nay, Abstain or Recuse.");
        return [new VoteCast(motionId, seatId, choice)];
    }

    /// <summary>
    /// Closes the vote and records every seat: present members who did not vote as the body counts silence
    /// (present, not voting, unless its rules say otherwise), absent members as absent. A vote closed without
    /// quorum decides nothing.
    /// </summary>
    public MeetingEvent[] CloseVoting(DateTimeOffset now, Guid motionId)
    {
        var motion = Motion(motionId);
        Require(motion.State == MotionState.Voting, "vote-open", "The vote on this motion is not open.");
        var votes = _attendance.Values.ToDictionary(a => a.SeatId,
            a => !a.IsPresent ? VoteChoice.Absent : motion.Votes.GetValueOrDefault(a.SeatId, Rules.SilenceCountsAs));
        return [new VoteClosed(motionId, now, votes, Outcome(motion.Threshold, votes))];
    }

    /// <summary>
    /// Records a voice vote in one step: present members vote aye unless named among the dissenters (nay,
    /// abstain or recuse); absent members are absent. The record is as named as a roll-call vote.
    /// </summary>
    public MeetingEvent[] RecordVoiceVote(DateTimeOffset now, Guid motionId, IReadOnlyDictionary<Guid, VoteChoice> dissent)
    {
        Require(_attendance.Values.All(a => a.Presence != Presence.Remote), "roll-call-when-remote",
            "A member attends remotely, so every vote is taken by roll call.");
        var open = OpenVoting(now, motionId);
        foreach (var (seat, choice) in dissent)
        {
            RequirePresentMember(seat);
            if (choice is not (VoteChoice.Nay or VoteChoice.Abstain or VoteChoice.Recuse))
                throw new InvalidInputException("dissent", "A dissenting vote is Nay, Abstain or Recuse.");
        }
        var votes = _attendance.Values.ToDictionary(a => a.SeatId,
            a => !a.IsPresent ? VoteChoice.Absent : dissent.GetValueOrDefault(a.SeatId, VoteChoice.Aye));
        return [.. open, new VoteClosed(motionId, now, votes, Outcome(Motion(motionId).Threshold, votes))];
    }

    /// <summary>
    /// Corrects a present member's recorded choice on a closed vote. A member recorded absent cannot gain a vote:
    /// correct the attendance at the vote first (<see cref="CorrectAttendanceAtVote"/>). The original stays in the journal.
    /// </summary>
    public MeetingEvent[] CorrectVote(Guid motionId, Guid seatId, VoteChoice choice, string reason)
    {
        var motion = RequireClosedVote(motionId);
        AttendanceOf(seatId);
        if (choice is not (VoteChoice.Aye or VoteChoice.Nay or VoteChoice.Abstain or VoteChoice.Recuse or VoteChoice.NotVoting))
            throw new InvalidInputException("choice", "A corrected vote is Aye, Nay, Abstain, Recuse or NotVoting; absence is corrected as attendance.");
        Require(motion.Votes[seatId] != VoteChoice.Absent, "absent-at-vote",
            "This member was recorded absent at the vote; correct the attendance at the vote first.");
        Require(motion.Votes[seatId] != choice, "correction-changes", "The member's vote is already recorded so.");
        var votes = new Dictionary<Guid, VoteChoice>(motion.Votes) { [seatId] = choice };
        return [new VoteCorrected(motionId, seatId, choice, Guard.Text(reason, "reason", 1000), Outcome(motion.Threshold, votes))];
    }

    /// <summary>
    /// Corrects whether a member was present at a closed vote. A member found present is recorded as the body counts
    /// silence (present, not voting by default), and their choice can then be corrected; one found absent loses their vote.
    /// </summary>
    public MeetingEvent[] CorrectAttendanceAtVote(Guid motionId, Guid seatId, bool present, string reason)
    {
        var motion = RequireClosedVote(motionId);
        AttendanceOf(seatId);
        var wasPresent = motion.Votes[seatId] != VoteChoice.Absent;
        Require(wasPresent != present, "correction-changes", $"The member is already recorded {(present ? "present" : "absent")} at this vote.");
        var choice = present ? Rules.SilenceCountsAs : VoteChoice.Absent;
        var votes = new Dictionary<Guid, VoteChoice>(motion.Votes) { [seatId] = choice };
        return [new VoteAttendanceCorrected(motionId, seatId, present, choice, Guard.Text(reason, "reason", 1000), Outcome(motion.Threshold, votes))];
    }

    private Motion RequireClosedVote(Guid motionId)
    {
        var motion = Motion(motionId);
        Require(motion.State is MotionState.Passed or MotionState.Failed or MotionState.NoQuorum && motion.VoteClosedAt is not null,
            "correct-closed-vote", "Only a closed vote can be corrected.");
        return motion;
    }

    /// <summary>
    /// The outcome of a named vote, judged only from its record: members present are those not recorded
    /// absent, so a later correction is judged by the attendance at the vote, not by who is still in the room.
    /// </summary>
    private VoteOutcome Outcome(Threshold threshold, IReadOnlyDictionary<Guid, VoteChoice> votes)
    {
        var present = votes.Values.Count(v => v != VoteChoice.Absent);
        if (present < Rules.QuorumNeeded) return VoteOutcome.NoQuorum;
        int Count(VoteChoice c) => votes.Values.Count(v => v == c);
        return threshold.IsMet(Count(VoteChoice.Aye), Count(VoteChoice.Nay), Rules.Seats.Count, present)
            ? VoteOutcome.Passed : VoteOutcome.Failed;
    }

    private void RequirePresentMember(Guid seatId) =>
        Require(AttendanceOf(seatId).IsPresent, "member-present", "Only a member recorded as present may do this.");

    private string QuorumMessage => $"No quorum: {MembersPresent} of {Rules.QuorumNeeded} members needed are present.";

    private bool ApplyMotions(MeetingEvent e)
    {
        switch (e)
        {
            case MotionMade m: _motions[m.MotionId] = new Motion(m); _motionOrder.Add(m.MotionId); break;
            case MotionSeconded s: (_motions[s.MotionId].SeconderSeatId, _motions[s.MotionId].State) = (s.SeatId, MotionState.OnFloor); break;
            case MotionWithdrawn w: _motions[w.MotionId].State = MotionState.Withdrawn; break;
            case VoteOpened o: _motions[o.MotionId].State = MotionState.Voting; break;
            case VoteCast c: _motions[c.MotionId].Votes[c.SeatId] = c.Choice; break;
            case VoteClosed c: CloseVote(_motions[c.MotionId], c); break;
            case VoteCorrected c: Correct(_motions[c.MotionId], new CorrectedVote(c.SeatId, c.Choice, c.Reason, false), c.Outcome); break;
            case VoteAttendanceCorrected c: Correct(_motions[c.MotionId], new CorrectedVote(c.SeatId, c.Choice, c.Reason, true), c.Outcome); break;
            default: return false;
        }
        return true;
    }

    private void Correct(Motion motion, CorrectedVote correction, VoteOutcome outcome)
    {
        motion.Votes[correction.SeatId] = correction.Choice;
        motion.Corrections.Add(correction);
        SetOutcome(motion, outcome);
    }

    private void CloseVote(Motion motion, VoteClosed c)
    {
        motion.Votes.Clear();
        foreach (var (seat, choice) in c.Votes) motion.Votes[seat] = choice;
        motion.VoteClosedAt = c.At;
        SetOutcome(motion, c.Outcome);
    }

    private void SetOutcome(Motion motion, VoteOutcome outcome)
    {
        motion.State = outcome switch
        {
            VoteOutcome.Passed => MotionState.Passed,
            VoteOutcome.Failed => MotionState.Failed,
            _ => MotionState.NoQuorum,
        };
        // The main motion reads as its last passed amendment words it (a correction can undo a pass).
        if (motion.AmendsMotionId is { } mainId)
        {
            var main = _motions[mainId];
            main.Text = Motions.LastOrDefault(m => m.AmendsMotionId == mainId && m.State == MotionState.Passed)?.Text ?? main.MovedText;
        }
    }
}
