using Nop.Contracts;

namespace Nop.History.Tests.Support;

/// <summary>Windows and alerts as Processing publishes them, for the service tests.</summary>
public static class LevelEvents
{
    /// <summary>2026-06-15 00:00 in Vienna (CEST, UTC+2): a 24-hour local day.</summary>
    public static readonly DateOnly Day = new(2026, 6, 15);
    public static readonly DateTimeOffset DayStart = new(2026, 6, 14, 22, 0, 0, TimeSpan.Zero);

    /// <summary>A fully covered one-minute window at a constant level (its distribution all in that level's class).
    /// </summary>
    public static NoiseLevelMeasured Minute(string sensorId, DateTimeOffset start, double level,
        double threshold = 55) =>
        new(sensorId, Zone.Residential, start, start.AddMinutes(1), level, level, level, level, 60, 0, 0,
            DayPeriod.Day, threshold, level, 1.0, new Dictionary<int, double> { [(int)Math.Round(level * 10)] = 60 });

    public static NoiseThresholdExceeded Alert(string sensorId, DateTimeOffset windowStart,
        AlertRule rule = AlertRule.Level) =>
        new(sensorId, Zone.Residential, rule, windowStart, windowStart.AddMinutes(1), 70, 55, DayPeriod.Day, 3);

    public static NoiseThresholdCleared Cleared(string sensorId, DateTimeOffset windowStart) =>
        new(sensorId, Zone.Residential, AlertRule.Level, windowStart, windowStart.AddMinutes(1), 40, 55, DayPeriod.Day);
}
