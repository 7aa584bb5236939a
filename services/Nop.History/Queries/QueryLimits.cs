using Nop.Contracts;
using Nop.History.Levels;

namespace Nop.History.Queries;

// The ranges a query may ask for, so one request cannot read years of minutes: minute points for 2 days, hours for
// 93 days (a quarter), days for 3 years, indicators for 10 years. A request beyond them, or an empty or reversed
// range, is answered with an error (the Dashboard checks the same caps and answers 400 before asking).
public static class QueryLimits
{
    public static readonly TimeSpan MaxMinuteRange = TimeSpan.FromDays(2);
    public static readonly TimeSpan MaxHourRange = TimeSpan.FromDays(93);
    public const int MaxDayRangeYears = 3;
    public const int MaxIndicatorRangeYears = 10;

    public static void Check(GetLevels query)
    {
        CheckSensor(query.SensorId);
        if (query.To <= query.From)
        {
            throw new ArgumentException($"The range must end after it begins ({query.From:O} to {query.To:O})");
        }
        var tooLong = query.Resolution switch
        {
            LevelResolution.Minute => query.To - query.From > MaxMinuteRange,
            LevelResolution.Hour => query.To - query.From > MaxHourRange,
            LevelResolution.Day => query.To > query.From.AddYears(MaxDayRangeYears),
            _ => throw new ArgumentException($"Unknown resolution {query.Resolution}"),
        };
        if (tooLong)
        {
            throw new ArgumentException($"The range is longer than {query.Resolution} points allow "
                + $"(minute: {MaxMinuteRange.TotalDays} days, hour: {MaxHourRange.TotalDays} days, "
                + $"day: {MaxDayRangeYears} years)");
        }
    }

    public static void Check(GetIndicators query)
    {
        CheckSensor(query.SensorId);
        if (query.To < query.From)
        {
            throw new ArgumentException($"The range must not end before it begins ({query.From} to {query.To})");
        }
        if (query.To >= query.From.AddYears(MaxIndicatorRangeYears))
        {
            throw new ArgumentException($"The range is longer than {MaxIndicatorRangeYears} years");
        }
        if (!Enum.IsDefined(query.Span))
        {
            throw new ArgumentException($"Unknown span {query.Span}");
        }
    }

    private static void CheckSensor(string? sensorId)
    {
        if (string.IsNullOrWhiteSpace(sensorId) || sensorId.Length > LevelValidation.MaxSensorIdLength)
        {
            throw new ArgumentException($"Sensor id must be 1 to {LevelValidation.MaxSensorIdLength} characters");
        }
    }
}
