using Meetings.Client.Contracts;
using Meetings.Server.Domain;
using Meetings.Server.Meetings;
using Meetings.Server.Moderation;

namespace Meetings.Server.Live;

/// <summary>
/// The live state of a meeting in its wire shape: the same for everyone, nothing private. Residents' free text
/// comes through <see cref="PublicRecord"/>, so what the clerk withholds is not in it.
/// </summary>
public static class LiveViews
{
    public static MeetingSnapshot Snapshot(Meeting m, DateTimeOffset now) => new(
        m.Version,
        MeetingViews.Summary(m),
        m.Agenda.Select(i => MeetingViews.Item(m, i)).ToList(),
        m.CurrentItemId,
        new Quorum(m.MembersPresent, m.Rules.QuorumNeeded, m.HasQuorum, m.RollCallTaken),
        m.Rules.Seats.Select(s => Member(s, m.AttendanceOf(s.Id))).ToList(),
        m.Agenda.SelectMany(i => m.QueueFor(i.Id)).Select(PublicRecord.Speaker).ToList(),
        m.Speaking is { } speaking ? PublicRecord.Speaker(speaking) : null,
        m.MembersWaiting.Select(r => new FloorRequestDto(r.SeatId, r.ItemId, r.At)).ToList(),
        m.RecognizedSeatId,
        m.Motions.Select(x => Motion(x, m.Rules)).ToList(),
        PublicRecord.WrittenComments(m),
        now,
        MeetingViews.Stream(m));

    private static MemberDto Member(SeatInfo seat, SeatAttendance a) =>
        new(seat.Id, seat.Title, seat.MemberName, a.Presence.ToString(), a.RemoteBasis, a.ArrivedAt, a.DepartedAt);

    private static MotionDto Motion(Motion m, BodyRules rules) => new(
        m.Id, m.ItemId, m.Text, m.MoverSeatId, m.SeconderSeatId, m.Threshold.ToString(), m.AmendsMotionId, m.State.ToString(),
        m.Votes.ToDictionary(v => v.Key, v => v.Value.ToString()),
        m.Count(VoteChoice.Aye), m.Count(VoteChoice.Nay), m.Count(VoteChoice.Abstain), m.Count(VoteChoice.Recuse), m.Count(VoteChoice.Absent),
        m.Corrections.Select(c => new VoteCorrectionDto(c.SeatId, c.Choice.ToString(), c.Reason, c.OfAttendance ? "Attendance" : "Vote")).ToList(),
        m.Count(VoteChoice.NotVoting), rules.SilenceCountsAs.ToString());
}
