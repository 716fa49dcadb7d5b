using Meetings.Server.Domain;

namespace Meetings.Tests.Domain;

public class LocalTimeTests
{
    private const string LosAngeles = "America/Los_Angeles";
    private const string Berlin = "Europe/Berlin";

    [TestCase(LosAngeles, 2025, 7, 1, 18, 30, -7, TestName = "LosAngeles_InSummer_IsPacificDaylightTime")]
    [TestCase(LosAngeles, 2025, 1, 15, 18, 30, -8, TestName = "LosAngeles_InWinter_IsPacificStandardTime")]
    [TestCase(LosAngeles, 2025, 3, 9, 3, 0, -7, TestName = "LosAngeles_RightAfterTheSpringForwardGap_IsDaylightTime")]
    [TestCase(LosAngeles, 2025, 3, 9, 1, 59, -8, TestName = "LosAngeles_RightBeforeTheSpringForwardGap_IsStandardTime")]
    [TestCase(Berlin, 2025, 7, 1, 19, 0, 2, TestName = "Berlin_InSummer_IsCentralEuropeanSummerTime")]
    [TestCase(Berlin, 2025, 12, 1, 19, 0, 1, TestName = "Berlin_InWinter_IsCentralEuropeanTime")]
    [TestCase(Berlin, 2025, 3, 30, 3, 0, 2, TestName = "Berlin_RightAfterTheSpringForwardGap_IsSummerTime")]
    [TestCase(Berlin, 2025, 10, 26, 3, 0, 1, TestName = "Berlin_RightAfterTheRepeatedHour_IsWinterTime")]
    public void ToInstant_UsesTheZonesOffsetForThatDate(string zone, int year, int month, int day, int hour, int minute, int offsetHours)
    {
        var wallClock = new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified);

        var instant = LocalTime.ToInstant(wallClock, zone);

        Assert.That(instant.Offset, Is.EqualTo(TimeSpan.FromHours(offsetHours)));
        Assert.That(instant.DateTime, Is.EqualTo(wallClock), "the wall-clock time is kept");
    }

    [TestCase(LosAngeles, 2025, 3, 9, 2, 30)]
    [TestCase(LosAngeles, 2025, 3, 9, 2, 0)]
    [TestCase(Berlin, 2025, 3, 30, 2, 30)]
    public void ToInstant_RefusesATimeSkippedBySpringForward(string zone, int year, int month, int day, int hour, int minute)
    {
        var wallClock = new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified);

        Assert.That(() => LocalTime.ToInstant(wallClock, zone),
            Throws.TypeOf<InvalidInputException>().With.Property(nameof(InvalidInputException.Field)).EqualTo("start")
                .And.Message.Contains("does not exist"));
    }

    [Test]
    public void ToInstant_TakesAnAmbiguousTimeInLosAngeles_TheFirstTime_InDaylightTime()
    {
        var instant = LocalTime.ToInstant(new DateTime(2025, 11, 2, 1, 30, 0, DateTimeKind.Unspecified), LosAngeles);

        Assert.That(instant.Offset, Is.EqualTo(TimeSpan.FromHours(-7)));
        Assert.That(instant.UtcDateTime, Is.EqualTo(new DateTime(2025, 11, 2, 8, 30, 0, DateTimeKind.Utc)));
    }

    [Test]
    public void ToInstant_TakesAnAmbiguousTimeInBerlin_TheFirstTime_InSummerTime()
    {
        var instant = LocalTime.ToInstant(new DateTime(2025, 10, 26, 2, 30, 0, DateTimeKind.Unspecified), Berlin);

        Assert.That(instant.Offset, Is.EqualTo(TimeSpan.FromHours(2)));
        Assert.That(instant.UtcDateTime, Is.EqualTo(new DateTime(2025, 10, 26, 0, 30, 0, DateTimeKind.Utc)));
    }

    [Test]
    public void ToInstant_TreatsTheGivenTimeAsWallClock_WhateverItsKind()
    {
        var utcKind = new DateTime(2025, 7, 1, 18, 30, 0, DateTimeKind.Utc);

        var instant = LocalTime.ToInstant(utcKind, LosAngeles);

        Assert.That(instant.UtcDateTime, Is.EqualTo(new DateTime(2025, 7, 2, 1, 30, 0, DateTimeKind.Utc)));
    }

    [Test]
    public void ToInstant_RefusesAnUnknownZone()
    {
        Assert.That(() => LocalTime.ToInstant(new DateTime(2025, 7, 1, 18, 30, 0, DateTimeKind.Unspecified), "Europe/Atlantis"),
            Throws.TypeOf<InvalidInputException>().With.Property(nameof(InvalidInputException.Field)).EqualTo("timeZone")
                .And.Message.Contains("Europe/Atlantis"));
    }

    [TestCase("Europe")]
    [TestCase("America")]
    public void ToInstant_RefusesARegionNameThatIsNotAZone(string zone)
    {
        // On Linux these names are directories of the zone database, not zones.
        Assert.That(() => LocalTime.ToInstant(new DateTime(2025, 7, 1, 18, 30, 0, DateTimeKind.Unspecified), zone),
            Refused.Field("timeZone"));
    }

    [Test]
    public void AMeetingsLocalTime_IsShownInItsOwnZone()
    {
        var test = TestMeeting.Draft();

        var local = test.Meeting.Local(test.Meeting.Start);

        Assert.That(local.Offset, Is.EqualTo(TimeSpan.FromHours(-7)));
        Assert.That(local.Hour, Is.EqualTo(18));
    }
}
