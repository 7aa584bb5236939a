using Nop.Contracts;

namespace Nop.Notifier.Subscriptions;

// Local hours in which a subscription is not disturbed: notifications wait until the quiet hours end, except that
// those below DropBelow are dropped and those at or above SendAtOrAbove go out at once.
public sealed class QuietHoursOptions
{
    public TimeOnly From { get; set; }

    public TimeOnly To { get; set; }

    // IANA id, e.g. Europe/Vienna.
    public string TimeZone { get; set; } = "UTC";

    public AlertSeverity? DropBelow { get; set; }

    public AlertSeverity? SendAtOrAbove { get; set; }

    public string? Validate()
    {
        if (From == To)
            return "QuietHours From and To are equal.";
        try
        {
            _ = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
            return null;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return $"QuietHours TimeZone '{TimeZone}' is not a known time zone.";
        }
    }

    // When the quiet hours around `now` end, or null when `now` is not in quiet hours.
    public DateTimeOffset? EndAfter(DateTimeOffset now)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var time = TimeOnly.FromTimeSpan(local.TimeOfDay);
        var quiet = From < To ? time >= From && time < To : time >= From || time < To;
        if (!quiet)
            return null;
        var date = DateOnly.FromDateTime(local.DateTime);
        if (time >= To)
            date = date.AddDays(1); // Over midnight: they end tomorrow.
        var end = date.ToDateTime(To);
        // A local time skipped by the clock change does not exist: the quiet hours end when the clock jumps past it.
        while (zone.IsInvalidTime(end))
            end = end.AddMinutes(1);
        // A local time the clock passes twice (the autumn change) ends them the first time it comes after now.
        if (zone.IsAmbiguousTime(end))
            return zone.GetAmbiguousTimeOffsets(end).Select(offset => new DateTimeOffset(end, offset).ToUniversalTime())
                .Where(instant => instant > now).DefaultIfEmpty(now).Min();
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(end, zone), TimeSpan.Zero);
    }
}
