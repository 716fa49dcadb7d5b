namespace Meetings.Server.Domain;

/// <summary>Where a member is: in the room, remote (with the legal basis), or absent, and when that changed.</summary>
public sealed class SeatAttendance(Guid seatId)
{
    public Guid SeatId { get; } = seatId;
    public Presence Presence { get; internal set; }
    public string? RemoteBasis { get; internal set; }
    public DateTimeOffset? ArrivedAt { get; internal set; }
    public DateTimeOffset? DepartedAt { get; internal set; }
    public bool IsPresent => Presence != Presence.Absent;
}

public sealed partial class Meeting
{
    private readonly Dictionary<Guid, SeatAttendance> _attendance = [];

    public IReadOnlyCollection<SeatAttendance> Attendance => _attendance.Values;
    public bool RollCallTaken { get; private set; }
    public int MembersPresent => _attendance.Values.Count(a => a.IsPresent);
    public bool HasQuorum => MembersPresent >= Rules.QuorumNeeded;

    public SeatAttendance AttendanceOf(Guid seatId) =>
        _attendance.GetValueOrDefault(seatId) ?? throw new InvalidInputException("seatId", "No such seat on this body.");

    /// <summary>Takes the roll. Every seat must be answered, and remote attendance needs its legal basis.</summary>
    public MeetingEvent[] TakeRollCall(DateTimeOffset now, IReadOnlyList<MemberAttendance> members)
    {
        RequireInSession();
        var answered = members.Select(m => m.SeatId).ToHashSet();
        if (answered.Count != members.Count)
            throw new InvalidInputException("members", "A seat is answered twice in the roll call.");
        foreach (var m in members) CheckAttendance(m.SeatId, m.Presence, m.RemoteBasis);
        var missing = _attendance.Keys.Where(id => !answered.Contains(id)).ToList();
        if (missing.Count > 0)
            throw new InvalidInputException("members", $"The roll call must answer every seat; {missing.Count} not answered.");
        return [new RollCallTaken(now, members.Select(Normalize).ToList())];
    }

    /// <summary>A member arrives late (or changes between the room and remote).</summary>
    public MeetingEvent[] MemberArrives(DateTimeOffset now, Guid seatId, Presence presence, string? remoteBasis)
    {
        RequireInSession();
        Require(presence != Presence.Absent, "arrival-presence", "An arrival is in the room or remote.");
        CheckAttendance(seatId, presence, remoteBasis);
        var current = _attendance[seatId];
        Require(current.Presence != presence, "already-present", "This member is already recorded so.");
        var normalized = Normalize(new MemberAttendance(seatId, presence, remoteBasis));
        return [new MemberArrived(seatId, presence, normalized.RemoteBasis, now)];
    }

    public MeetingEvent[] MemberDeparts(DateTimeOffset now, Guid seatId)
    {
        RequireInSession();
        Require(AttendanceOf(seatId).IsPresent, "not-present", "This member is not recorded as present.");
        return [new MemberDeparted(seatId, now)];
    }

    private void CheckAttendance(Guid seatId, Presence presence, string? remoteBasis)
    {
        AttendanceOf(seatId);
        if (!Enum.IsDefined(presence)) throw new InvalidInputException("presence", "Presence is InRoom, Remote or Absent.");
        if (presence == Presence.Remote && string.IsNullOrWhiteSpace(remoteBasis))
            throw new InvalidInputException("remoteBasis",
                "Remote attendance needs its legal basis on the record (for example, a teleconference location posted on the agenda).");
    }

    private static MemberAttendance Normalize(MemberAttendance m) =>
        m with { RemoteBasis = m.Presence == Presence.Remote ? Guard.Text(m.RemoteBasis, "remoteBasis", 500) : null };

    private bool ApplyAttendance(MeetingEvent e)
    {
        switch (e)
        {
            case RollCallTaken r:
                RollCallTaken = true;
                foreach (var m in r.Members)
                    Mark(_attendance[m.SeatId], m.Presence, m.RemoteBasis, r.At);
                break;
            case MemberArrived a: Mark(_attendance[a.SeatId], a.Presence, a.RemoteBasis, a.At); break;
            case MemberDeparted d: Mark(_attendance[d.SeatId], Presence.Absent, null, d.At); break;
            default: return false;
        }
        return true;
    }

    private static void Mark(SeatAttendance seat, Presence presence, string? basis, DateTimeOffset at)
    {
        if (presence != Presence.Absent && !seat.IsPresent) (seat.ArrivedAt, seat.DepartedAt) = (at, null);
        if (presence == Presence.Absent && seat.IsPresent) seat.DepartedAt = at;
        (seat.Presence, seat.RemoteBasis) = (presence, basis);
    }
}
