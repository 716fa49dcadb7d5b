namespace Meetings.Server.Domain;

/// <summary>
/// A meeting's current state, folded from its journal. Commands decide: they check the rules against
/// the current state and return the events that would follow, without changing anything; the caller
/// stores the events and then applies them. So a refused or lost append leaves the state untouched.
/// </summary>
public sealed partial class Meeting
{
    public Guid Id { get; private set; }
    public Guid BodyId { get; private set; }
    public string BodyName { get; private set; } = "";
    public string Title { get; private set; } = "";
    public MeetingKind Kind { get; private set; }
    public DateTimeOffset Start { get; private set; }
    public string TimeZone { get; private set; } = "";
    public string Location { get; private set; } = "";
    public string AccessCode { get; private set; } = "";
    public BodyRules Rules { get; private set; } = null!;
    public MeetingStatus Status { get; private set; }
    public DateTimeOffset? PublishedAt { get; private set; }
    public string? LateNoticeReason { get; private set; }
    public string? CancelReason { get; private set; }

    /// <summary>Grows each time the meeting's time, place or status changes: the iCalendar SEQUENCE.</summary>
    public int CalendarRevision { get; private set; }

    /// <summary>The sequence number of the last event applied: the journal position this state reflects.</summary>
    public long Version { get; private set; }

    /// <summary>The sequence of the adjournment, whose hash the journal recorded as its head (see <see cref="JournalHeadRecorded"/>).</summary>
    public long? AdjournedThrough { get; private set; }

    private Meeting() { }

    public static Meeting FromHistory(IEnumerable<MeetingEvent> history)
    {
        var meeting = new Meeting();
        foreach (var e in history) meeting.Apply(e);
        return meeting;
    }

    /// <summary>Schedules a new meeting in Draft: the first event of its journal.</summary>
    public static MeetingScheduled Schedule(
        Guid meetingId, Body body, string title, MeetingKind kind, DateTimeOffset start, string timeZone,
        string location, string accessCode)
    {
        if (!accessCode.All(char.IsAsciiDigit) || accessCode.Length is < 4 or > 10)
            throw new InvalidInputException("accessCode", "The phone access code must be 4 to 10 digits.");
        if (!Enum.IsDefined(kind))
            throw new InvalidInputException("kind", "The meeting kind must be Regular, Special or Emergency.");
        return new MeetingScheduled(meetingId, body.Id, body.Name, Guard.Text(title, "title", 200), kind,
            start.ToUniversalTime(), CheckTimeZone(timeZone), Guard.Text(location, "location", 300), accessCode,
            body.ToRules());
    }

    public void Apply(MeetingEvent e)
    {
        switch (e)
        {
            case MeetingScheduled s: ApplyScheduled(s); break;
            case MeetingRescheduled r:
                (Title, Start, TimeZone, Location) = (r.Title, r.Start, r.TimeZone, r.Location);
                LateNoticeReason = r.LateNoticeReason ?? LateNoticeReason;
                CalendarRevision++;
                break;
            case MeetingPublished p: (Status, PublishedAt, LateNoticeReason) = (MeetingStatus.Published, p.At, p.LateNoticeReason); break;
            case MeetingStarted: Status = MeetingStatus.Live; break;
            case MembersSeated s: Rules = Rules with { Seats = s.Seats }; break;
            case MeetingRecessed: Status = MeetingStatus.Recessed; break;
            case MeetingResumed: Status = MeetingStatus.Live; break;
            case MeetingAdjourned: Status = MeetingStatus.Adjourned; break;
            case JournalHeadRecorded h: AdjournedThrough = h.Through; break;
            case JournalRechained: break;
            case MeetingCancelled c:
                (Status, CancelReason) = (MeetingStatus.Cancelled, c.Reason);
                CalendarRevision++;
                break;
            default:
                if (!ApplyAgenda(e) && !ApplyFloor(e) && !ApplyAttendance(e) && !ApplySpeakers(e) && !ApplyMotions(e) && !ApplyStream(e)
                    && !ApplyMinutes(e) && !ApplyDocuments(e) && !ApplyModeration(e))
                    throw new InvalidOperationException($"No fold for event {e.GetType().Name}.");
                break;
        }
        Version++;
    }

    private void ApplyScheduled(MeetingScheduled s)
    {
        (Id, BodyId, BodyName, Title, Kind, Start, TimeZone, Location, AccessCode, Rules) =
            (s.MeetingId, s.BodyId, s.BodyName, s.Title, s.Kind, s.Start, s.TimeZone, s.Location, s.AccessCode, s.Rules);
        Status = MeetingStatus.Draft;
        foreach (var seat in s.Rules.Seats) _attendance[seat.Id] = new SeatAttendance(seat.Id);
    }

    // Lifecycle commands

    /// <summary>
    /// Changes the title, time or place; saving them unchanged changes nothing (no event, no notice, no new calendar
    /// revision). Moving a posted meeting earlier than its notice allows is late notice, as
    /// publishing late is: refused unless a reason is given.
    /// </summary>
    public MeetingEvent[] Reschedule(string title, DateTimeOffset start, string timeZone, string location, DateTimeOffset now, string? lateNoticeReason = null)
    {
        Require(Status is MeetingStatus.Draft or MeetingStatus.Published, "reschedule-before-start",
            "Only a meeting that has not started can be rescheduled.");
        var zone = CheckTimeZone(timeZone);
        var deadline = start.ToUniversalTime() - Rules.Notice.For(Kind);
        var reason = Guard.OptionalText(lateNoticeReason, "reason", 1000);
        var (newTitle, newLocation) = (Guard.Text(title, "title", 200), Guard.Text(location, "location", 300));
        if ((newTitle, start.ToUniversalTime(), zone, newLocation) == (Title, Start, TimeZone, Location)) return [];
        var late = Status == MeetingStatus.Published && start.ToUniversalTime() != Start && now > deadline;
        if (late) CheckNotice(deadline, now, reason, zone);
        return [new MeetingRescheduled(newTitle, start.ToUniversalTime(), zone, newLocation, late ? reason : null)];
    }

    /// <summary>
    /// Posts the agenda. Publishing later than the body's notice rule allows is refused unless a reason
    /// for late notice is given (the caller decides who may give one); the reason goes on the record.
    /// </summary>
    public MeetingEvent[] Publish(DateTimeOffset now, string? lateNoticeReason = null)
    {
        Require(Status == MeetingStatus.Draft, "publish-from-draft", $"Only a draft can be published; this is {Described}.");
        Require(_items.Count > 0, "publish-with-agenda", "A meeting cannot be published with an empty agenda.");
        var deadline = Start - Rules.Notice.For(Kind);
        var reason = Guard.OptionalText(lateNoticeReason, "reason", 1000);
        CheckNotice(deadline, now, reason, TimeZone);
        return [new MeetingPublished(now, now > deadline ? reason : null)];
    }

    /// <summary>
    /// Calls the meeting to order. <paramref name="seatsNow"/> are the body's seats as they stand: a member who took a
    /// seat since the meeting was scheduled is the one its record names (the seats themselves stay as scheduled).
    /// </summary>
    public MeetingEvent[] StartMeeting(DateTimeOffset now, IReadOnlyList<SeatInfo>? seatsNow = null)
    {
        Require(Status == MeetingStatus.Published, "start-when-published",
            Status == MeetingStatus.Draft ? "A meeting must be published before it starts." : $"{Capitalized(Described)} cannot be started.");
        return [.. Seated(seatsNow ?? []), new MeetingStarted(now)];
    }

    /// <summary>
    /// A seat of the body changed hands during the meeting (the oath of office as an agenda item): from now on the
    /// record names the member who holds it. Nothing when no seat of this meeting changed.
    /// </summary>
    public MeetingEvent[] SeatMembers(IReadOnlyList<SeatInfo> seatsNow)
    {
        RequireInSessionOrRecess();
        return Seated(seatsNow);
    }

    private MeetingEvent[] Seated(IReadOnlyList<SeatInfo> seatsNow)
    {
        var holders = seatsNow.ToDictionary(s => s.Id, s => s.MemberName);
        var seated = Rules.Seats.Select(s => holders.TryGetValue(s.Id, out var member) ? s with { MemberName = member } : s).ToList();
        return seated.SequenceEqual(Rules.Seats) ? [] : [new MembersSeated(seated)];
    }

    public MeetingEvent[] Recess(DateTimeOffset now)
    {
        Require(Status == MeetingStatus.Live, "recess-when-live", "Only a meeting in session can recess.");
        Require(OpenVote is null, "recess-with-vote-open", "Close the open vote before the recess.");
        return [.. EndTurnIfAny(now, TurnEndReason.Clerk), new MeetingRecessed(now)];
    }

    public MeetingEvent[] Resume(DateTimeOffset now)
    {
        Require(Status == MeetingStatus.Recessed, "resume-when-recessed", "Only a meeting in recess can resume.");
        return [new MeetingResumed(now)];
    }

    /// <summary>
    /// Adjourns, and records the journal's head at that moment: the event after the adjournment names it, and
    /// its previous hash is the adjournment's hash, the head printed on the minutes. Public comment still open
    /// closes with it, so no page or phone line goes on offering a turn that will never come.
    /// </summary>
    public MeetingEvent[] Adjourn(DateTimeOffset now)
    {
        Require(Status is MeetingStatus.Live or MeetingStatus.Recessed, "adjourn-when-in-session",
            "Only a meeting in session or in recess can be adjourned.");
        Require(OpenVote is null, "adjourn-with-vote-open", "Close the open vote before adjourning.");
        MeetingEvent[] closing =
        [
            .. EndTurnIfAny(now, TurnEndReason.Clerk),
            .. Agenda.Where(i => i.CommentOpen).Select(i => new PublicCommentClosed(i.Id)),
            new MeetingAdjourned(now),
        ];
        return [.. closing, new JournalHeadRecorded(Version + closing.Length)];
    }

    public MeetingEvent[] Cancel(DateTimeOffset now, string reason)
    {
        Require(Status is MeetingStatus.Draft or MeetingStatus.Published, "cancel-before-start",
            "Only a meeting that has not started can be cancelled; a meeting in session is adjourned.");
        return [new MeetingCancelled(now, Guard.Text(reason, "reason", 1000))];
    }

    // Helpers shared by the partial files

    private void CheckNotice(DateTimeOffset deadline, DateTimeOffset now, string? reason, string timeZone)
    {
        if (now <= deadline || reason is not null) return;
        var local = TimeZoneInfo.ConvertTime(deadline, LocalTime.Zone(timeZone));
        throw new MeetingRuleException("notice-deadline",
            $"{Kind} meetings need {Rules.Notice.For(Kind).TotalHours:0} hours' notice: the deadline was " +
            $"{local:yyyy-MM-dd HH:mm} ({timeZone}), missed by {Describe(now - deadline)}. " +
            "An administrator may go ahead with a recorded reason.");
    }

    private static void Require(bool condition, string rule, string message)
    {
        if (!condition) throw new MeetingRuleException(rule, message);
    }

    /// <summary>
    /// For what a speaker or a member takes back (a place in line, a motion, a request to speak): also during a
    /// recess, but never once the meeting is over, when the record is closed at its recorded head.
    /// </summary>
    private void RequireInSessionOrRecess() =>
        Require(InSessionOrRecess, "in-session-or-recess", $"The meeting is not in session: this is {Described}.");

    /// <summary>
    /// Called to order and not yet adjourned: while a speaker still waiting may be called, heard or given up as gone.
    /// After adjournment those still waiting stay as they were, on a record that is closed.
    /// </summary>
    public bool InSessionOrRecess => Status is MeetingStatus.Live or MeetingStatus.Recessed;

    private void RequireInSession() =>
        Require(Status == MeetingStatus.Live, "in-session",
            Status == MeetingStatus.Recessed ? "The meeting is in recess." : $"The meeting is not in session: this is {Described}.");

    private static string CheckTimeZone(string timeZone) => LocalTime.Zone(timeZone).Id;

    /// <summary>The meeting's local time for a moment, in its own time zone.</summary>
    public DateTimeOffset Local(DateTimeOffset moment) =>
        TimeZoneInfo.ConvertTime(moment, TimeZoneInfo.FindSystemTimeZoneById(TimeZone));

    /// <summary>The meeting as a clerk would name it in a sentence: "an adjourned meeting", "a meeting in session".</summary>
    private string Described => Status switch
    {
        MeetingStatus.Draft => "a draft meeting",
        MeetingStatus.Published => "a published meeting that has not started",
        MeetingStatus.Live => "a meeting in session",
        MeetingStatus.Recessed => "a meeting in recess",
        MeetingStatus.Adjourned => "an adjourned meeting",
        _ => "a cancelled meeting",
    };

    private static string Capitalized(string text) => char.ToUpperInvariant(text[0]) + text[1..];

    private static string Describe(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes} min" : $"{Math.Max(1, (int)Math.Ceiling(span.TotalMinutes))} min";
}
