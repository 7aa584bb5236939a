using System.Text.Json.Serialization;

namespace Nop.Contracts;

/// <summary>The time step of a level series.</summary>
public enum LevelResolution
{
    /// <summary>One point per window as Processing closed it (60 s by default).</summary>
    [JsonStringEnumMemberName("minute")] Minute,
    /// <summary>One point per local clock hour.</summary>
    [JsonStringEnumMemberName("hour")] Hour,
    /// <summary>One point per local calendar day (23, 24 or 25 hours long).</summary>
    [JsonStringEnumMemberName("day")] Day,
}

/// <summary>The span each point of an indicator series covers.</summary>
public enum IndicatorSpan
{
    /// <summary>One local calendar day.</summary>
    [JsonStringEnumMemberName("day")] Day,
    /// <summary>One calendar month: energy averages over its days.</summary>
    [JsonStringEnumMemberName("month")] Month,
    /// <summary>One calendar year: energy averages over its days.</summary>
    [JsonStringEnumMemberName("year")] Year,
}

/// <summary>Query to History: the levels of one sensor in [<paramref name="From"/>, <paramref name="To"/>) at a
/// resolution; answered with <see cref="LevelSeries"/>. Routing key <c>history.query</c>.</summary>
public sealed record GetLevels(string SensorId, DateTimeOffset From, DateTimeOffset To, LevelResolution Resolution)
    : IMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.get-levels.v1";
}

/// <summary>One point of a level series: energy average, maximum and the levels exceeded 10, 50 and 90 % of the
/// covered time, all dB(A); null where nothing was covered. <paramref name="Coverage"/> is covered time ÷ the
/// point's length, 0–1.</summary>
public sealed record LevelPoint(
    DateTimeOffset Start,
    DateTimeOffset End,
    double? Laeq,
    double? Lamax,
    double? L10,
    double? L50,
    double? L90,
    double Coverage);

/// <summary>Reply to <see cref="GetLevels"/>: the points that hold data, oldest first.</summary>
public sealed record LevelSeries(string SensorId, LevelResolution Resolution, IReadOnlyList<LevelPoint> Items)
    : IMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.level-series.v1";
}

/// <summary>Query to History: every sensor's indicators for one local calendar day; answered with
/// <see cref="DayIndicatorTable"/>. Routing key <c>history.query</c>.</summary>
public sealed record GetDayIndicators(DateOnly Date) : IMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.get-day-indicators.v1";
}

/// <summary>One period (day, evening or night) of a day: its energy-average level over the covered time, the covered
/// share of the period, whether that share reaches History's minimum coverage, and the minutes above the zone's
/// limit.</summary>
public sealed record PeriodIndicator(double? Level, double Coverage, bool Sufficient, double ExceedanceMinutes);

/// <summary>One sensor's indicators for one local day. <paramref name="Lden"/> is null unless all three periods are
/// sufficiently covered (a period short of data is flagged, never silently averaged). <paramref name="Coverage"/>
/// is the covered share of the whole day; <paramref name="ExceedanceMinutes"/> the day's minutes above the limit;
/// <paramref name="AlertEpisodes"/> the level-alert episodes that began that day.</summary>
public sealed record SensorDayIndicators(
    string SensorId,
    Zone Zone,
    DateOnly Date,
    DateTimeOffset Start,
    DateTimeOffset End,
    double? Lday,
    double? Levening,
    double? Lnight,
    double? Lden,
    double Coverage,
    double ExceedanceMinutes,
    int AlertEpisodes,
    PeriodIndicator Day,
    PeriodIndicator Evening,
    PeriodIndicator Night);

/// <summary>Reply to <see cref="GetDayIndicators"/>: one entry per sensor with data that day, ordered by sensor id.
/// <paramref name="TimeZone"/> is the IANA zone the day is reckoned in.</summary>
public sealed record DayIndicatorTable(DateOnly Date, string TimeZone, IReadOnlyList<SensorDayIndicators> Items)
    : IMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.day-indicator-table.v1";
}

/// <summary>Query to History: one sensor's day indicators from <paramref name="From"/> to <paramref name="To"/>
/// (local dates, both included), per day, month or year; answered with <see cref="IndicatorSeries"/>. Routing key
/// <c>history.query</c>.</summary>
public sealed record GetIndicators(string SensorId, DateOnly From, DateOnly To, IndicatorSpan Span) : IMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.get-indicators.v1";
}

/// <summary>One point of an indicator series: the local dates it spans (both included), Lden, Lnight, Lday and
/// Levening as energy averages over its valid days (null when none), the days with data and the valid ones (all
/// periods sufficiently covered), minutes above the limit and level-alert episodes.</summary>
public sealed record IndicatorPoint(
    DateOnly From,
    DateOnly To,
    double? Lden,
    double? Lnight,
    double? Lday,
    double? Levening,
    int Days,
    int ValidDays,
    double ExceedanceMinutes,
    int AlertEpisodes);

/// <summary>Reply to <see cref="GetIndicators"/>, oldest first.</summary>
public sealed record IndicatorSeries(string SensorId, IndicatorSpan Span, IReadOnlyList<IndicatorPoint> Items)
    : IMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.indicator-series.v1";
}
