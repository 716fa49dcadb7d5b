using Meetings.Client.Contracts;
using Meetings.Server.Domain;
using Meetings.Server.Meetings;

namespace Meetings.Server.Live;

/// <summary>The live state of a meeting in its wire shape: the same for everyone, nothing private.</summary>
public static class LiveViews
{
    public static MeetingSnapshot Snapshot(Meeting m, DateTimeOffset now) => new(
        m.Version,
        MeetingViews.Summary(m),
        m.Agenda.Select(i => MeetingViews.Item(m, i)).ToList(),
        m.CurrentItemId,
        new Quorum(m.MembersPresent, m.Rules.QuorumNeeded, m.HasQuorum, m.RollCallTaken),
        m.Rules.Seats.Select(s => Member(s, m.AttendanceOf(s.Id))).ToList(),
        m.Agenda.SelectMany(i => m.QueueFor(i.Id)).Select(Speaker).ToList(),
        m.Speaking is { } speaking ? Speaker(speaking) : null,
        m.MembersWaiting.Select(r => new FloorRequestDto(r.SeatId, r.ItemId, r.At)).ToList(),
        m.RecognizedSeatId,
        m.Motions.Select(Motion).ToList(),
        m.WrittenComments.Select(c => new WrittenCommentDto(c.Id, c.ItemId, c.Name, c.Text, c.At)).ToList(),
        now,
        MeetingViews.Stream(m));

    private static MemberDto Member(SeatInfo seat, SeatAttendance a) =>
        new(seat.Id, seat.Title, seat.MemberName, a.Presence.ToString(), a.RemoteBasis, a.ArrivedAt, a.DepartedAt);

    private static SpeakerDto Speaker(SpeakerEntry e) => new(
        e.Id, e.ItemId, e.Name, e.Source.ToString(), e.Stance?.ToString(), e.UsesInterpreter, e.State.ToString(), e.PersonKey,
        e.Turn?.Seconds, e.Turn?.StartedAt, e.Turn?.EndsAt, e.Turn?.SecondsLeftWhenPaused);

    private static MotionDto Motion(Motion m) => new(
        m.Id, m.ItemId, m.Text, m.MoverSeatId, m.SeconderSeatId, m.Threshold.ToString(), m.AmendsMotionId, m.State.ToString(),
        m.Votes.ToDictionary(v => v.Key, v => v.Value.ToString()),
        m.Count(VoteChoice.Aye), m.Count(VoteChoice.Nay), m.Count(VoteChoice.Abstain), m.Count(VoteChoice.Recuse), m.Count(VoteChoice.Absent),
        m.Corrections.Select(c => new VoteCorrectionDto(c.SeatId, c.Choice.ToString(), c.Reason)).ToList());
}
