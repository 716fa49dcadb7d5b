namespace Meetings.Server.Domain;

public enum ThresholdBasis { VotesCast, Seats, MembersPresent }

/// <summary>
/// What share of ayes a motion needs. A half is "more than half" (a tie fails); any other fraction is
/// "at least" that fraction, as in Robert's Rules (two-thirds: ayes at least twice the nays).
/// Votes cast are ayes and nays: abstentions and recusals do not count.
/// </summary>
public sealed record Threshold(int Numerator, int Denominator, ThresholdBasis Basis)
{
    public static Threshold Majority { get; } = new(1, 2, ThresholdBasis.VotesCast);
    public static Threshold MajorityOfSeats { get; } = new(1, 2, ThresholdBasis.Seats);
    public static Threshold TwoThirds { get; } = new(2, 3, ThresholdBasis.VotesCast);

    public void Validate()
    {
        if (Denominator < 1 || Numerator < 1 || Numerator > Denominator)
            throw new InvalidInputException("threshold", "A threshold is a fraction between 0 and 1, such as 1/2 or 2/3.");
    }

    public bool IsMet(int ayes, int nays, int seats, int present)
    {
        var basis = Basis switch
        {
            ThresholdBasis.VotesCast => ayes + nays,
            ThresholdBasis.Seats => seats,
            _ => present,
        };
        if (basis == 0 || ayes == 0) return false;
        long need = (long)Numerator * basis, have = (long)ayes * Denominator;
        return Numerator * 2 == Denominator ? have > need : have >= need;
    }

    public override string ToString() =>
        (Numerator, Denominator) switch { (1, 2) => "majority", (2, 3) => "two-thirds", _ => $"{Numerator}/{Denominator}" }
        + Basis switch { ThresholdBasis.VotesCast => " of votes cast", ThresholdBasis.Seats => " of seats", _ => " of members present" };
}
