namespace Meetings.Server.Domain;

/// <summary>When a member's attendance changed, and how: answered at the roll call, arrived (or changed how), or left.</summary>
public enum AttendanceChangeKind { RollCall, Arrived, Departed }

public sealed record AttendanceChange(DateTimeOffset At, Guid SeatId, Presence Presence, string? RemoteBasis, AttendanceChangeKind Kind);

/// <summary>Quorum as it stood from <see cref="At"/> until the next change.</summary>
public sealed record QuorumChange(DateTimeOffset At, int Present, int Needed)
{
    public bool HasQuorum => Present >= Needed;
}

public sealed record Recess(DateTimeOffset From, DateTimeOffset? To);

/// <summary>Something the clerk did on an item, in order: taken up, public comment opened or closed.</summary>
public enum ItemActionKind { TakenUp, CommentOpened, CommentClosed }

public sealed record ItemAction(DateTimeOffset At, Guid ItemId, ItemActionKind Kind);

/// <summary>A vote as it was closed (before any correction), and when it was opened and closed.</summary>
public sealed record VoteRecord(DateTimeOffset OpenedAt, DateTimeOffset ClosedAt, IReadOnlyDictionary<Guid, VoteChoice> AsClosed, VoteOutcome OutcomeAsClosed);

/// <summary>A correction of a recorded vote, with when it was made.</summary>
public sealed record VoteCorrection(DateTimeOffset At, Guid MotionId, Guid SeatId, VoteChoice From, VoteChoice To, string Reason, VoteOutcome Outcome);

/// <summary>
/// The record of a meeting: its state folded from the journal, together with the times the state alone
/// forgets (who came and went when, quorum through the meeting, recesses, how long each speaker spoke).
/// Minutes and open-data exports are made from this and nothing else, so they say only what the journal says.
/// </summary>
public sealed class MeetingRecord
{
    private readonly List<AttendanceChange> _attendance = [];
    private readonly List<QuorumChange> _quorum = [];
    private readonly List<Recess> _recesses = [];
    private readonly List<ItemAction> _actions = [];
    private readonly Dictionary<Guid, VoteRecord> _votes = [];
    private readonly Dictionary<Guid, DateTimeOffset> _voteOpened = [];
    private readonly List<VoteCorrection> _corrections = [];
    private readonly Dictionary<Guid, double> _secondsSpoken = [];
    private readonly Dictionary<Guid, DateTimeOffset> _speakingSince = [];

    private MeetingRecord(Meeting meeting) => Meeting = meeting;

    /// <summary>The meeting as the whole journal leaves it.</summary>
    public Meeting Meeting { get; }
    public DateTimeOffset? CalledToOrderAt { get; private set; }
    public DateTimeOffset? AdjournedAt { get; private set; }
    /// <summary>The time of the last event: when the record was last changed.</summary>
    public DateTimeOffset LastChangedAt { get; private set; }
    /// <summary>The journal's head (the last hash) when the meeting adjourned: what the minutes print.</summary>
    public string? HeadAtAdjournment { get; private set; }
    /// <summary>The number of events in the journal, and the hash of the last.</summary>
    public long Events { get; private set; }
    public string Head { get; private set; } = JournalChain.Genesis;

    public IReadOnlyList<AttendanceChange> AttendanceLog => _attendance;
    public IReadOnlyList<QuorumChange> QuorumLog => _quorum;
    public IReadOnlyList<Recess> Recesses => _recesses;
    public IReadOnlyList<ItemAction> Actions => _actions;
    public IReadOnlyList<VoteCorrection> Corrections => _corrections;

    public VoteRecord? VoteOn(Guid motionId) => _votes.GetValueOrDefault(motionId);

    /// <summary>Whole seconds a speaker had the floor, pauses left out.</summary>
    public int SecondsSpoken(Guid entryId) => (int)Math.Round(_secondsSpoken.GetValueOrDefault(entryId));

    /// <summary>Folds a journal: each stored entry with its event.</summary>
    public static MeetingRecord Fold(IReadOnlyList<(JournalEntry Entry, MeetingEvent Event)> journal)
    {
        if (journal.Count == 0 || journal[0].Event is not MeetingScheduled)
            throw new InvalidOperationException("A meeting's journal starts with its scheduling.");
        var record = new MeetingRecord(Meeting.FromHistory([journal[0].Event]));
        record.Noted(journal[0].Entry);
        foreach (var (entry, e) in journal.Skip(1))
        {
            record.Apply(entry.At, e);
            record.Noted(entry);
            if (e is MeetingAdjourned) record.HeadAtAdjournment = entry.Hash;
        }
        return record;
    }

    private void Noted(JournalEntry entry) => (Events, Head, LastChangedAt) = (entry.Sequence, entry.Hash, entry.At);

    private void Apply(DateTimeOffset at, MeetingEvent e)
    {
        var before = Meeting.RollCallTaken ? Meeting.MembersPresent : -1;
        if (e is VoteCorrected c)
        {
            var motion = Meeting.Motion(c.MotionId);
            _corrections.Add(new VoteCorrection(at, c.MotionId, c.SeatId, motion.Votes[c.SeatId], c.Choice, c.Reason, c.Outcome));
        }
        Meeting.Apply(e);
        switch (e)
        {
            case MeetingStarted s: CalledToOrderAt ??= s.At; break;
            case MeetingAdjourned a: AdjournedAt = a.At; break;
            case MeetingRecessed r: _recesses.Add(new Recess(r.At, null)); break;
            case MeetingResumed r when _recesses.Count > 0: _recesses[^1] = _recesses[^1] with { To = r.At }; break;
            case RollCallTaken r:
                _attendance.AddRange(r.Members.Select(m => new AttendanceChange(r.At, m.SeatId, m.Presence, m.RemoteBasis, AttendanceChangeKind.RollCall)));
                break;
            case MemberArrived a: _attendance.Add(new AttendanceChange(a.At, a.SeatId, a.Presence, a.RemoteBasis, AttendanceChangeKind.Arrived)); break;
            case MemberDeparted d: _attendance.Add(new AttendanceChange(d.At, d.SeatId, Presence.Absent, null, AttendanceChangeKind.Departed)); break;
            case ItemOpened o: _actions.Add(new ItemAction(at, o.ItemId, ItemActionKind.TakenUp)); break;
            case PublicCommentOpened o: _actions.Add(new ItemAction(at, o.ItemId, ItemActionKind.CommentOpened)); break;
            case PublicCommentClosed o: _actions.Add(new ItemAction(at, o.ItemId, ItemActionKind.CommentClosed)); break;
            case VoteOpened o: _voteOpened[o.MotionId] = o.At; break;
            case VoteClosed v: _votes[v.MotionId] = new VoteRecord(_voteOpened.GetValueOrDefault(v.MotionId, v.At), v.At, v.Votes, v.Outcome); break;
            case TurnStarted t: _speakingSince[t.EntryId] = t.At; break;
            case TurnResumed r: _speakingSince[r.EntryId] = r.At; break;
            case TurnPaused p: Spoke(p.EntryId, p.At); break;
            case TurnEnded d: Spoke(d.EntryId, d.At); break;
        }
        if (Meeting.RollCallTaken && Meeting.MembersPresent != before)
            _quorum.Add(new QuorumChange(at, Meeting.MembersPresent, Meeting.Rules.QuorumNeeded));
    }

    private void Spoke(Guid entryId, DateTimeOffset until)
    {
        if (!_speakingSince.Remove(entryId, out var since)) return;
        _secondsSpoken[entryId] = _secondsSpoken.GetValueOrDefault(entryId) + Math.Max(0, (until - since).TotalSeconds);
    }
}
