namespace Meetings.Server.Domain;

/// <summary>Clerks schedule in wall-clock time where the meeting is held; the journal keeps instants.</summary>
public static class LocalTime
{
    /// <summary>
    /// The instant of a wall-clock time in an IANA zone. A time skipped by the change to daylight saving
    /// does not exist and is refused; a time that occurs twice (the change back) is taken the first time.
    /// </summary>
    public static DateTimeOffset ToInstant(DateTime wallClock, string timeZone)
    {
        var zone = Zone(timeZone);
        var local = DateTime.SpecifyKind(wallClock, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
            throw new InvalidInputException("start", $"{local:yyyy-MM-dd HH:mm} does not exist in {timeZone}: the clocks skip it for daylight saving.");
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    /// <summary>
    /// A meeting's start: the wall-clock time in its zone, no more than a year back (to record a meeting already
    /// held) and no more than ten years ahead of <paramref name="now"/>. Anything else is refused, not converted.
    /// </summary>
    public static DateTimeOffset ToStart(DateTime wallClock, string timeZone, DateTimeOffset now)
    {
        var (earliest, latest) = (now.AddYears(-1), now.AddYears(10));
        var outOfRange = new InvalidInputException("start",
            $"The start must be between {earliest:yyyy-MM-dd} and {latest:yyyy-MM-dd}: no more than a year back or ten years ahead.");
        // Checked on the wall clock first (no zone is a day away from UTC), so converting a year such as 9999 cannot overflow.
        if (wallClock < earliest.UtcDateTime.AddDays(-1) || wallClock > latest.UtcDateTime.AddDays(1)) throw outOfRange;
        var start = ToInstant(wallClock, timeZone);
        return start >= earliest && start <= latest ? start : throw outOfRange;
    }

    /// <summary>An IANA time zone by name, or a clear refusal (a region such as "America" is not a zone).</summary>
    public static TimeZoneInfo Zone(string? timeZone)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(Guard.Text(timeZone, "timeZone", 100));
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or System.Security.SecurityException
                                      or IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException("timeZone", $"'{timeZone}' is not a known IANA time zone, such as America/Los_Angeles.");
        }
    }
}
