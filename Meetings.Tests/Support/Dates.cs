using System.Globalization;

namespace Meetings.Tests.Support;

/// <summary>
/// Dates for scheduling meetings, worked out from the test's clock (a host's <c>Clock</c>), never written as a
/// fixed year: a test that passes today passes next year too.
/// </summary>
public static class Dates
{
    /// <summary>The wall-clock time <paramref name="hour"/> o'clock on the (UTC) day <paramref name="days"/> days after <paramref name="now"/>.</summary>
    public static DateTime DaysAfter(DateTimeOffset now, int days, double hour = 18) =>
        DateTime.SpecifyKind(now.UtcDateTime.Date.AddDays(days).AddHours(hour), DateTimeKind.Unspecified);

    /// <summary>The instant of a wall-clock time in a zone (not for times the zone skips or repeats).</summary>
    public static DateTimeOffset Instant(DateTime local, string zone)
    {
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        return new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), tz.GetUtcOffset(local));
    }

    /// <summary>
    /// The first local day after <paramref name="after"/> on which <paramref name="zone"/>'s clocks change (daylight
    /// saving starts or ends); only changes forward (spring) or back (autumn) when <paramref name="forward"/> says so.
    /// </summary>
    public static DateTime NextClockChange(string zone, DateTimeOffset after, bool? forward = null)
    {
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        var day = TimeZoneInfo.ConvertTime(after, tz).Date;
        for (var i = 0; i < 800; i++, day = day.AddDays(1))
        {
            var before = tz.GetUtcOffset(day.AddHours(-12));
            var then = tz.GetUtcOffset(day.AddHours(12));
            if (before != then && (forward is null || forward == then > before)) return day;
        }
        throw new InvalidOperationException($"{zone} does not change its clocks: pick a zone with daylight saving.");
    }

    /// <summary>The first local day after <paramref name="after"/> that <paramref name="zone"/> keeps on standard (winter) time.</summary>
    public static DateTime NextStandardTimeDay(string zone, DateTimeOffset after)
    {
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        var day = TimeZoneInfo.ConvertTime(after, tz).Date;
        while (tz.IsDaylightSavingTime(day.AddHours(12))) day = day.AddDays(1);
        return day;
    }

    /// <summary>An instant as iCalendar writes it in UTC: 20270608T013000Z.</summary>
    public static string ICalendar(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A wall-clock time as JSON carries it: 2027-03-14T02:30:00.</summary>
    public static string Json(DateTime local) => local.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
}
