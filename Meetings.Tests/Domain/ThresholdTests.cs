using Meetings.Server.Domain;

namespace Meetings.Tests.Domain;

public class ThresholdTests
{
    // Numerator, denominator, basis, ayes, nays, seats, present: met?
    [TestCase(1, 2, ThresholdBasis.VotesCast, 3, 2, 5, 5, ExpectedResult = true)]
    [TestCase(1, 2, ThresholdBasis.VotesCast, 2, 2, 5, 5, ExpectedResult = false, TestName = "Majority_FailsOnATie")]
    [TestCase(1, 2, ThresholdBasis.VotesCast, 1, 0, 5, 5, ExpectedResult = true)]
    [TestCase(1, 2, ThresholdBasis.VotesCast, 0, 0, 5, 5, ExpectedResult = false, TestName = "Majority_FailsWithNoVotesCast")]
    [TestCase(1, 2, ThresholdBasis.VotesCast, 0, 3, 5, 5, ExpectedResult = false)]
    [TestCase(2, 4, ThresholdBasis.VotesCast, 2, 2, 5, 5, ExpectedResult = false, TestName = "TwoQuarters_IsAHalf_AndFailsOnATie")]
    [TestCase(2, 3, ThresholdBasis.VotesCast, 4, 2, 7, 7, ExpectedResult = true, TestName = "TwoThirds_IsMet_AtExactlyTwoThirds")]
    [TestCase(2, 3, ThresholdBasis.VotesCast, 4, 3, 7, 7, ExpectedResult = false)]
    [TestCase(2, 3, ThresholdBasis.VotesCast, 2, 1, 7, 7, ExpectedResult = true)]
    [TestCase(2, 3, ThresholdBasis.VotesCast, 19, 10, 29, 29, ExpectedResult = false)]
    [TestCase(2, 3, ThresholdBasis.VotesCast, 20, 10, 30, 30, ExpectedResult = true)]
    [TestCase(1, 2, ThresholdBasis.Seats, 4, 0, 7, 4, ExpectedResult = true)]
    [TestCase(1, 2, ThresholdBasis.Seats, 3, 0, 7, 7, ExpectedResult = false, TestName = "MajorityOfSeats_IgnoresAbstentions_InTheBasis")]
    [TestCase(1, 2, ThresholdBasis.Seats, 3, 0, 6, 6, ExpectedResult = false, TestName = "MajorityOfSeats_NeedsMoreThanHalf")]
    [TestCase(1, 2, ThresholdBasis.Seats, 4, 2, 6, 6, ExpectedResult = true)]
    [TestCase(1, 2, ThresholdBasis.Seats, 1, 0, 0, 0, ExpectedResult = false, TestName = "ABasisOfZero_IsNeverMet")]
    [TestCase(1, 2, ThresholdBasis.MembersPresent, 3, 0, 7, 5, ExpectedResult = true)]
    [TestCase(1, 2, ThresholdBasis.MembersPresent, 2, 0, 7, 4, ExpectedResult = false)]
    [TestCase(3, 4, ThresholdBasis.VotesCast, 3, 1, 5, 5, ExpectedResult = true, TestName = "ThreeQuarters_IsAtLeast")]
    [TestCase(3, 4, ThresholdBasis.VotesCast, 2, 1, 5, 5, ExpectedResult = false)]
    [TestCase(3, 5, ThresholdBasis.Seats, 3, 0, 5, 3, ExpectedResult = true)]
    [TestCase(3, 5, ThresholdBasis.Seats, 2, 0, 5, 5, ExpectedResult = false)]
    [TestCase(1, 1, ThresholdBasis.VotesCast, 5, 0, 5, 5, ExpectedResult = true, TestName = "Unanimity_IsMetWithNoNays")]
    [TestCase(1, 1, ThresholdBasis.VotesCast, 5, 1, 6, 6, ExpectedResult = false)]
    public bool IsMet(int numerator, int denominator, ThresholdBasis basis, int ayes, int nays, int seats, int present) =>
        new Threshold(numerator, denominator, basis).IsMet(ayes, nays, seats, present);

    [TestCase(0, 2)]
    [TestCase(-1, 2)]
    [TestCase(3, 2)]
    [TestCase(1, 0)]
    public void Validate_RefusesAnythingButAFractionUpToOne(int numerator, int denominator)
    {
        Assert.That(() => new Threshold(numerator, denominator, ThresholdBasis.VotesCast).Validate(), Refused.Field("threshold"));
    }

    [TestCase(1, 1)]
    [TestCase(2, 3)]
    public void Validate_AcceptsAFraction(int numerator, int denominator)
    {
        Assert.That(() => new Threshold(numerator, denominator, ThresholdBasis.Seats).Validate(), Throws.Nothing);
    }

    [Test]
    public void ToString_NamesTheShareAndTheBasis()
    {
        Assert.That(Threshold.Majority.ToString(), Is.EqualTo("majority of votes cast"));
        Assert.That(Threshold.MajorityOfSeats.ToString(), Is.EqualTo("majority of seats"));
        Assert.That(Threshold.TwoThirds.ToString(), Is.EqualTo("two-thirds of votes cast"));
        Assert.That(new Threshold(3, 5, ThresholdBasis.MembersPresent).ToString(), Is.EqualTo("3/5 of members present"));
    }
}
