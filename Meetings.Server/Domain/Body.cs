namespace Meetings.Server.Domain;

public enum MeetingKind { Regular, Special, Emergency }

/// <summary>
/// Hours of public notice a body must give before each kind of meeting; when subscribers are reminded
/// (<see cref="ReminderHours"/>, hours before the start, comma-separated; whole days fall at the same local
/// time of day); how many places ahead a speaker who asked for a text is told they are up soon; and how long a meeting
/// lasts in the calendar when its agenda has no estimates (<see cref="MeetingMinutes"/>).
/// </summary>
public sealed record NoticeRule(int RegularHours = 72, int SpecialHours = 24, int EmergencyHours = 1, string ReminderHours = "24,1", int UpSoonAhead = 2,
    int MeetingMinutes = 120)
{
    public const int MostNoticeHours = 8760;

    /// <summary>The reminder offsets, largest first.</summary>
    public IReadOnlyList<int> Reminders =>
        [.. ReminderHours.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(h => int.Parse(h, System.Globalization.CultureInfo.InvariantCulture)).Distinct().OrderDescending()];

    public void Validate()
    {
        // A year at most: no law asks more, and a meeting's notice deadline must fall on a real date.
        if (RegularHours is < 0 or > MostNoticeHours || SpecialHours is < 0 or > MostNoticeHours || EmergencyHours is < 0 or > MostNoticeHours)
            throw new InvalidInputException("notice", $"Notice hours are between 0 and {MostNoticeHours} (a year).");
        if (MeetingMinutes is < 15 or > 1440)
            throw new InvalidInputException("meetingMinutes", "A meeting's usual length is between 15 minutes and 24 hours.");
        if (UpSoonAhead is < 1 or > 10)
            throw new InvalidInputException("upSoonAhead", "Speakers are told they are up soon 1 to 10 places ahead.");
        var parts = ReminderHours.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length > 5 || parts.Any(p => !int.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var h) || h is < 1 or > 720))
            throw new InvalidInputException("reminderHours", "Reminders are up to five offsets of 1 to 720 hours, such as \"24,1\".");
    }

    public TimeSpan For(MeetingKind kind) => TimeSpan.FromHours(kind switch
    {
        MeetingKind.Regular => RegularHours,
        MeetingKind.Special => SpecialHours,
        _ => EmergencyHours,
    });
}

/// <summary>When residents' written comments become public: once the clerk releases each one, or as soon as they are sent.</summary>
public enum CommentRelease { AfterRelease, AtOnce }

/// <summary>A seat on a body and who holds it. The member's name is public; the account link is not.</summary>
public sealed record SeatInfo(Guid Id, string Title, string? MemberName);

/// <summary>
/// The rules of a body as they stood when a meeting was scheduled. The meeting's journal carries this
/// snapshot, so the record of a meeting reads the same after the body's rules change.
/// </summary>
public sealed record BodyRules(
    IReadOnlyList<SeatInfo> Seats,
    Guid? ChairSeatId,
    int? QuorumCount,
    bool MotionsNeedSecond,
    int SpeakerMinutes,
    NoticeRule Notice,
    // Meetings scheduled before these rules existed showed comments at once; silence was never meant to be an abstention.
    CommentRelease WrittenComments = CommentRelease.AtOnce,
    VoteChoice SilenceCountsAs = VoteChoice.NotVoting)
{
    /// <summary>Members needed for quorum: the body's fixed number, else a majority of seats.</summary>
    public int QuorumNeeded => QuorumCount ?? Seats.Count / 2 + 1;
}

/// <summary>A seat as the body keeps it, with the official's account when one is linked.</summary>
public sealed class Seat
{
    public Guid Id { get; private set; }
    /// <summary>Where the seat stands in the body's roll: the order seats were added.</summary>
    public int Position { get; private set; }
    public string Title { get; private set; } = "";
    public string? MemberName { get; private set; }
    public string? OfficialUserId { get; private set; }

    private Seat() { }

    public Seat(Guid id, int position, string title, string? memberName = null, string? officialUserId = null)
    {
        Id = id;
        Position = position;
        Rename(title);
        Assign(memberName, officialUserId);
    }

    public void Rename(string title) => Title = Guard.Text(title, "title", 100);

    public void Assign(string? memberName, string? officialUserId)
    {
        MemberName = Guard.OptionalText(memberName, "memberName", 100);
        OfficialUserId = officialUserId;
    }

    public SeatInfo ToInfo() => new(Id, Title, MemberName);
}

/// <summary>A council, board or commission: its seats and its rules of procedure.</summary>
public sealed class Body
{
    private readonly List<Seat> _seats = [];

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";
    /// <summary>The seats in roll order (the database returns them in no particular order).</summary>
    public IReadOnlyList<Seat> Seats => [.. _seats.OrderBy(s => s.Position)];
    public Guid? ChairSeatId { get; private set; }
    public int? QuorumCount { get; private set; }
    public bool MotionsNeedSecond { get; private set; } = true;
    public int SpeakerMinutes { get; private set; } = 3;
    public NoticeRule Notice { get; private set; } = new();
    /// <summary>Whether written comments wait for the clerk to release them (the default) or are public at once.</summary>
    public CommentRelease WrittenComments { get; private set; } = CommentRelease.AfterRelease;
    /// <summary>How a present member who does not vote is recorded: present, not voting (the default), or as the charter counts silence.</summary>
    public VoteChoice SilenceCountsAs { get; private set; } = VoteChoice.NotVoting;

    private Body() { }

    public Body(Guid id, string name) : this()
    {
        Id = id;
        Rename(name);
    }

    public void Rename(string name) => Name = Guard.Text(name, "name", 200);

    public void SetRules(int? quorumCount, bool motionsNeedSecond, int speakerMinutes, NoticeRule notice)
    {
        if (quorumCount is { } q && (q < 1 || (_seats.Count > 0 && q > _seats.Count)))
            throw new InvalidInputException("quorumCount", $"Quorum must be between 1 and the number of seats ({_seats.Count}).");
        if (speakerMinutes is < 1 or > 60)
            throw new InvalidInputException("speakerMinutes", "Minutes per speaker must be between 1 and 60.");
        notice.Validate();
        QuorumCount = quorumCount;
        MotionsNeedSecond = motionsNeedSecond;
        SpeakerMinutes = speakerMinutes;
        Notice = notice;
    }

    /// <summary>How comments and silent members are treated; each is a per-body rule, not a constant.</summary>
    public void SetRecordRules(CommentRelease writtenComments, VoteChoice silenceCountsAs)
    {
        if (!Enum.IsDefined(writtenComments))
            throw new InvalidInputException("writtenComments", "Written comments are public AfterRelease or AtOnce.");
        if (silenceCountsAs is not (VoteChoice.NotVoting or VoteChoice.Aye or VoteChoice.Nay or VoteChoice.Abstain))
            throw new InvalidInputException("silenceCountsAs", "Silence counts as NotVoting, Aye, Nay or Abstain.");
        (WrittenComments, SilenceCountsAs) = (writtenComments, silenceCountsAs);
    }

    public Seat AddSeat(Guid id, string title, string? memberName = null, string? officialUserId = null)
    {
        if (_seats.Count >= 99)
            throw new InvalidInputException("seats", "A body may have at most 99 seats.");
        OneSeatEach(id, officialUserId);
        var seat = new Seat(id, _seats.Count == 0 ? 0 : _seats.Max(s => s.Position) + 1, title, memberName, officialUserId);
        _seats.Add(seat);
        return seat;
    }

    /// <summary>Names the seat's member and links the official's account, which may hold no other seat of this body.</summary>
    public void AssignSeat(Guid seatId, string? memberName, string? officialUserId)
    {
        var seat = FindSeat(seatId);
        OneSeatEach(seatId, officialUserId);
        seat.Assign(memberName, officialUserId);
    }

    // An official votes and speaks from their seat: an account in two seats would vote for one and leave the other silent.
    private void OneSeatEach(Guid seatId, string? officialUserId)
    {
        if (officialUserId is not null && _seats.FirstOrDefault(s => s.Id != seatId && s.OfficialUserId == officialUserId) is { } other)
            throw new InvalidInputException("officialEmail", $"This account already holds the seat \"{other.Title}\" on this body; an official holds one seat.");
    }

    public Seat FindSeat(Guid seatId) =>
        _seats.FirstOrDefault(s => s.Id == seatId)
        ?? throw new InvalidInputException("seatId", "This body has no such seat.");

    public void RemoveSeat(Guid seatId)
    {
        var seat = FindSeat(seatId);
        // A quorum larger than the seats could never be met, and every meeting scheduled after would copy it.
        if (QuorumCount is { } quorum && quorum > _seats.Count - 1)
            throw new InvalidInputException("quorumCount", $"The quorum ({quorum}) would be more than the {_seats.Count - 1} seats left; lower it first.");
        _seats.Remove(seat);
        if (ChairSeatId == seatId) ChairSeatId = null;
    }

    public void SetChair(Guid? seatId)
    {
        if (seatId is { } id) FindSeat(id);
        ChairSeatId = seatId;
    }

    /// <summary>The seat held by an official's account, if any.</summary>
    public Seat? SeatOf(string userId) => _seats.FirstOrDefault(s => s.OfficialUserId == userId);

    public BodyRules ToRules() => new(
        Seats.Select(s => s.ToInfo()).ToList(), ChairSeatId, QuorumCount, MotionsNeedSecond, SpeakerMinutes, Notice, WrittenComments, SilenceCountsAs);
}
