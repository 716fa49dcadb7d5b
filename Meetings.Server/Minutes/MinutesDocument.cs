using Meetings.Server.Domain;
using Meetings.Server.Moderation;
using Meetings.Server.Records;

namespace Meetings.Server.Minutes;

// The minutes as data, in no language: what an approved version freezes (as JSON, under its SHA-256 in the journal)
// and what each format and language renders. Times are the meeting's local times, with their offset.

public sealed record MinutesDocument(
    Guid MeetingId, int? Version, DateTimeOffset? ApprovedAt, string? Correction, IReadOnlyList<string> Changed,
    string BodyName, string? SealText, string Title, MeetingKind Kind, string TimeZone, string Location, DateTimeOffset Scheduled,
    DateTimeOffset? CalledToOrder, DateTimeOffset? Adjourned, string? HeadAtAdjournment, long AsOfSequence,
    string? Narrative, IReadOnlyList<MinutesMember> Attendance, IReadOnlyList<MinutesArrival> ArrivalsAndDepartures,
    IReadOnlyList<MinutesQuorum> Quorum, IReadOnlyList<MinutesRecess> Recesses, IReadOnlyList<MinutesItem> Items,
    IReadOnlyList<MinutesComment> WrittenComments);

/// <summary>A member as first recorded: at the roll call, or absent from it.</summary>
public sealed record MinutesMember(string Seat, string Name, bool Chair, Presence Presence, string? RemoteBasis);
public sealed record MinutesArrival(DateTimeOffset At, string Name, AttendanceChangeKind Kind, Presence Presence, string? RemoteBasis);
public sealed record MinutesQuorum(DateTimeOffset At, int Present, int Needed);
public sealed record MinutesRecess(DateTimeOffset From, DateTimeOffset? To);

public sealed record MinutesItem(
    string Number, string Title, AgendaItemKind Kind, string? Narrative, IReadOnlyList<MinutesAction> Actions,
    IReadOnlyList<MinutesMotion> Motions, IReadOnlyList<MinutesSpeaker> Speakers, int WrittenComments);
public sealed record MinutesAction(DateTimeOffset At, ItemActionKind Kind);

public sealed record MinutesMotion(
    string Identifier, string Text, string? MovedText, string Mover, string? Seconder, string? Amends, MotionState State,
    int Numerator, int Denominator, ThresholdBasis Basis, DateTimeOffset? VoteClosedAt,
    IReadOnlyList<MinutesVote> Votes, int Ayes, int Nays, int Abstentions, int Recusals, int Absent, int Seats,
    IReadOnlyList<MinutesCorrection> Corrections, MinutesTally? AsClosed, int NotVoting = 0);
/// <summary>A vote as it was closed, before corrections: given only when corrections followed.</summary>
public sealed record MinutesTally(MotionState State, int Ayes, int Nays, int Abstentions, int Recusals, int Absent, int NotVoting = 0);
public sealed record MinutesVote(string Seat, string Name, VoteChoice Choice);
public sealed record MinutesCorrection(DateTimeOffset At, string Name, VoteChoice From, VoteChoice To, string Reason);

/// <summary>A public speaker who had the floor: the name as given (as the public may see it, through <see cref="PublicRecord"/>), how they took part, their stance and time.</summary>
public sealed record MinutesSpeaker(string Name, SpeakerSource Source, Stance? Stance, DateTimeOffset StartedAt, int SecondsSpoken);
public sealed record MinutesComment(string Item, string Name, string Text, DateTimeOffset At);

/// <summary>Makes the minutes from a meeting's record and the clerk's narratives.</summary>
public static class MinutesBuilder
{
    public static MinutesDocument Build(MeetingRecord r, Func<string, string?> textOf, string bodyName, string? sealText)
    {
        var m = r.Meeting;
        DateTimeOffset L(DateTimeOffset t) => m.Local(t);
        string? Narrative(Guid key) => m.Narratives.TryGetValue(key, out var hash) && textOf(hash) is { Length: > 0 } text ? text : null;
        var (rollCall, changes) = FirstRollCall(r.AttendanceLog);
        return new MinutesDocument(
            m.Id, null, null, null, [], bodyName, sealText, m.Title, m.Kind, m.TimeZone, m.Location, L(m.Start),
            r.CalledToOrderAt is { } c ? L(c) : null, r.AdjournedAt is { } a ? L(a) : null, r.HeadAtAdjournment, r.Events,
            Narrative(Guid.Empty),
            [.. m.Rules.Seats.Select(s => new MinutesMember(s.Title, RecordFacts.Member(m, s.Id), m.Rules.ChairSeatId == s.Id,
                rollCall.GetValueOrDefault(s.Id)?.Presence ?? Presence.Absent, rollCall.GetValueOrDefault(s.Id)?.RemoteBasis))],
            [.. changes.Select(x => new MinutesArrival(L(x.At), RecordFacts.Member(m, x.SeatId), x.Kind, x.Presence, x.RemoteBasis))],
            [.. r.QuorumLog.Select(q => new MinutesQuorum(L(q.At), q.Present, q.Needed))],
            [.. r.Recesses.Select(x => new MinutesRecess(L(x.From), x.To is { } to ? L(to) : null))],
            [.. m.Agenda.Select(i => Item(r, i, Narrative(i.Id)))],
            [.. PublicRecord.Comments(m).Select(w => new MinutesComment(m.Item(w.ItemId).Number, w.Name, w.Text, L(w.At)))]);
    }

    /// <summary>
    /// Each seat's answer at the first roll call, and everything after it in order: arrivals, departures, and the
    /// answers of any roll call taken again (after a recess, or to correct the first).
    /// </summary>
    private static (Dictionary<Guid, AttendanceChange> First, List<AttendanceChange> After) FirstRollCall(IReadOnlyList<AttendanceChange> log)
    {
        var first = new Dictionary<Guid, AttendanceChange>();
        var after = new List<AttendanceChange>();
        foreach (var change in log)
        {
            if (change.Kind == AttendanceChangeKind.RollCall && first.TryAdd(change.SeatId, change)) continue;
            after.Add(change);
        }
        return (first, after);
    }

    private static MinutesItem Item(MeetingRecord r, AgendaItem item, string? narrative)
    {
        var m = r.Meeting;
        return new MinutesItem(
            item.Number, item.Title, item.Kind, narrative,
            [.. r.Actions.Where(a => a.ItemId == item.Id).Select(a => new MinutesAction(m.Local(a.At), a.Kind))],
            [.. m.Motions.Where(x => x.ItemId == item.Id).Select(x => Motion(r, x))],
            // In the order they spoke: the clerk may give the floor out of the order of the line.
            [.. m.QueueFor(item.Id).Where(e => e.Turn is not null).OrderBy(e => e.Turn!.StartedAt)
                .Select(e => new MinutesSpeaker(PublicRecord.PrintedName(e), e.Source, e.Stance, m.Local(e.Turn!.StartedAt), r.SecondsSpoken(e.Id)))],
            PublicRecord.Comments(m).Count(w => w.ItemId == item.Id));
    }

    private static MinutesMotion Motion(MeetingRecord r, Motion x)
    {
        var m = r.Meeting;
        var vote = r.VoteOn(x.Id);
        return new MinutesMotion(
            RecordFacts.Identifier(m, x), x.Text, x.Text != x.MovedText ? x.MovedText : null, RecordFacts.Member(m, x.MoverSeatId),
            x.SeconderSeatId is { } s ? RecordFacts.Member(m, s) : null,
            x.AmendsMotionId is { } main ? RecordFacts.Identifier(m, m.Motion(main)) : null, x.State,
            x.Threshold.Numerator, x.Threshold.Denominator, x.Threshold.Basis, vote is null ? null : m.Local(vote.ClosedAt),
            [.. RecordFacts.Roll(m, x).Select(v => new MinutesVote(v.Seat.Title, RecordFacts.Member(m, v.Seat.Id), v.Choice))],
            x.Count(VoteChoice.Aye), x.Count(VoteChoice.Nay), x.Count(VoteChoice.Abstain), x.Count(VoteChoice.Recuse), x.Count(VoteChoice.Absent),
            m.Rules.Seats.Count,
            [.. r.Corrections.Where(c => c.MotionId == x.Id)
                .Select(c => new MinutesCorrection(m.Local(c.At), RecordFacts.Member(m, c.SeatId), c.From, c.To, c.Reason))],
            vote is null || !r.Corrections.Any(c => c.MotionId == x.Id) ? null : AsClosed(vote), x.Count(VoteChoice.NotVoting));
    }

    private static MinutesTally AsClosed(VoteRecord vote)
    {
        int Count(VoteChoice c) => vote.AsClosed.Values.Count(v => v == c);
        var state = vote.OutcomeAsClosed switch { VoteOutcome.Passed => MotionState.Passed, VoteOutcome.Failed => MotionState.Failed, _ => MotionState.NoQuorum };
        return new MinutesTally(state, Count(VoteChoice.Aye), Count(VoteChoice.Nay), Count(VoteChoice.Abstain), Count(VoteChoice.Recuse), Count(VoteChoice.Absent),
            Count(VoteChoice.NotVoting));
    }
}
