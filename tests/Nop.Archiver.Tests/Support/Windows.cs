using Nop.Contracts;

namespace Nop.Archiver.Tests.Support;

/// <summary>Windows as Processing publishes them.</summary>
public static class Windows
{
    public static readonly DateOnly Day1 = new(2026, 6, 15);
    public static readonly DateOnly Day2 = new(2026, 6, 16);

    /// <summary>The one-minute window <paramref name="minute"/> minutes after midnight (UTC) of
    /// <paramref name="day"/>, with a level that tells windows apart.</summary>
    public static NoiseLevelMeasured Minute(string sensorId, DateOnly day, int minute, bool maintenance = false)
    {
        var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddMinutes(minute);
        var level = 40 + minute % 50 + 0.25;
        return new(sensorId, Zone.Residential, start, start.AddMinutes(1), level, level + 10.5, level + 3, level - 4,
            60, 0, 0, DayPeriod.Day, 55, level - 1, 0.95, new Dictionary<int, double> { [(int)(level * 10)] = 60 },
            maintenance);
    }

    public static NoiseThresholdExceeded Exceeded(string sensorId, DateOnly day, int minute)
    {
        var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddMinutes(minute);
        return new(sensorId, Zone.Residential, AlertRule.Level, start, start.AddMinutes(1), 70, 55, DayPeriod.Day, 3);
    }
}
