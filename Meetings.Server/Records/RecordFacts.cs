using System.Globalization;
using Meetings.Server.Domain;

namespace Meetings.Server.Records;

/// <summary>Small readings of the record shared by the minutes and the exports, so both say the same thing.</summary>
public static class RecordFacts
{
    /// <summary>A member as the record names them: the member's name, or the seat's title for a vacant seat.</summary>
    public static string Member(Meeting m, Guid seatId) =>
        m.Rules.Seats.FirstOrDefault(s => s.Id == seatId) is { } seat ? seat.MemberName ?? seat.Title : "unknown seat";

    public static string SeatTitle(Meeting m, Guid seatId) => m.Rules.Seats.FirstOrDefault(s => s.Id == seatId)?.Title ?? "";

    /// <summary>Motions that went to a vote, in the order they were made.</summary>
    public static IEnumerable<Motion> Voted(MeetingRecord r) => r.Meeting.Motions.Where(mo => r.VoteOn(mo.Id) is not null);

    /// <summary>A motion's short public identifier: its item's number and its place among the item's motions, such as "6-2".</summary>
    public static string Identifier(Meeting m, Motion motion)
    {
        var index = m.Motions.Where(x => x.ItemId == motion.ItemId).Select(x => x.Id).ToList().IndexOf(motion.Id) + 1;
        return $"{m.Item(motion.ItemId).Number}-{index}";
    }

    /// <summary>The seats in roll order with their recorded vote (after corrections).</summary>
    public static IEnumerable<(SeatInfo Seat, VoteChoice Choice)> Roll(Meeting m, Motion motion) =>
        m.Rules.Seats.Where(s => motion.Votes.ContainsKey(s.Id)).Select(s => (s, motion.Votes[s.Id]));

    /// <summary>An ISO 8601 local time with its offset and no fractions, as Open Civic Data and most tools read it.</summary>
    public static string Iso(Meeting m, DateTimeOffset instant) =>
        m.Local(instant).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    public static bool Passed(Motion motion) => motion.State == MotionState.Passed;
}
