using System.Collections.Concurrent;
using Nop.Contracts;
using Nop.Messaging;

namespace Nop.Dashboard.Tests;

/// <summary>
/// History's side of the query contract, from fixed data: our side of the contract (the end-to-end tests run the real
/// History). Records each query, and can be told to stall so the Dashboard's request times out.
/// </summary>
public sealed class HistoryStandIn
{
    /// <summary>11:00 in Vienna on 30 November 2026.</summary>
    public static readonly DateTimeOffset Hour = new(2026, 11, 30, 10, 0, 0, TimeSpan.Zero);

    /// <summary>The local day 30 November 2026 in Vienna (UTC+1).</summary>
    public static readonly DateOnly Date = new(2026, 11, 30);

    public static readonly DateTimeOffset DayStart = new(2026, 11, 29, 23, 0, 0, TimeSpan.Zero);

    /// <summary>A sensor History has data of that the Dashboard's catalogue does not list.</summary>
    public const string Uncatalogued = "ext-001";

    /// <summary>dev-001's (and ext-001's) two stored hours: one fully covered, one half covered without an
    /// L50.</summary>
    public static readonly LevelPoint[] Hours =
    [
        new(Hour, Hour.AddHours(1), 67.04, 78.26, 70, 60, 50, 1),
        new(Hour.AddHours(1), Hour.AddHours(2), 55.56, 61.0, 58.0, null, 52.04, 0.5),
    ];

    /// <summary>dev-001's day: a constant 60 dB(A).</summary>
    public static readonly LevelPoint Day = new(DayStart, DayStart.AddHours(24), 60, 60, 60, 60, 60, 1);

    public static readonly IndicatorPoint DayIndicators =
        new(Date, Date, 66.4, 60, 60, 60, 1, 1, 12.5, 2);

    /// <summary>The day table: dev-001 fully covered, dev-002 with too little of the night.</summary>
    public static readonly SensorDayIndicators[] Table =
    [
        new("dev-001", Zone.Commercial, Date, DayStart, DayStart.AddHours(24), 60, 60, 60, 66.4, 1, 12.5, 2,
            new PeriodIndicator(60, 1, true, 12.5), new PeriodIndicator(60, 1, true, 0),
            new PeriodIndicator(60, 1, true, 0)),
        new("dev-002", Zone.Residential, Date, DayStart, DayStart.AddHours(24), 58.24, 52, null, null, 0.625, 0, 0,
            new PeriodIndicator(58.24, 1, true, 0), new PeriodIndicator(52, 1, true, 0),
            new PeriodIndicator(null, 0.25, false, 0)),
    ];

    /// <summary>The queries received, in order.</summary>
    public ConcurrentQueue<object> Queries { get; } = new();

    /// <summary>While set, queries are not answered before the Dashboard gives up.</summary>
    public bool Stalled { get; set; }

    internal async Task<T> AnswerAsync<T>(object query, Func<T> answer, CancellationToken cancellationToken)
    {
        Queries.Enqueue(query);
        if (Stalled)
        {
            await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken);
        }
        return answer();
    }

    internal static LevelSeries Levels(GetLevels query)
    {
        IEnumerable<LevelPoint> points = query.SensorId is not ("dev-001" or Uncatalogued) ? []
            : query.Resolution == LevelResolution.Day ? [Day]
            : query.Resolution == LevelResolution.Hour ? Hours
            : [];
        return new LevelSeries(query.SensorId, query.Resolution,
            points.Where(p => p.Start >= query.From && p.Start < query.To).ToArray());
    }

    internal static IndicatorSeries Indicators(GetIndicators query) => new(query.SensorId, query.Span,
        query.SensorId == "dev-001" && query.From <= Date && Date <= query.To ? [DayIndicators] : []);

    internal static DayIndicatorTable Days(GetDayIndicators query) =>
        new(query.Date, "Europe/Vienna", query.Date == Date ? Table : []);
}

internal sealed class LevelsHandler(HistoryStandIn history) : IRequestHandler<GetLevels, LevelSeries>
{
    public Task<LevelSeries> HandleAsync(GetLevels request, MessageContext context,
        CancellationToken cancellationToken) =>
        history.AnswerAsync(request, () => HistoryStandIn.Levels(request), cancellationToken);
}

internal sealed class IndicatorsHandler(HistoryStandIn history) : IRequestHandler<GetIndicators, IndicatorSeries>
{
    public Task<IndicatorSeries> HandleAsync(GetIndicators request, MessageContext context,
        CancellationToken cancellationToken) =>
        history.AnswerAsync(request, () => HistoryStandIn.Indicators(request), cancellationToken);
}

internal sealed class DayIndicatorsHandler(HistoryStandIn history)
    : IRequestHandler<GetDayIndicators, DayIndicatorTable>
{
    public Task<DayIndicatorTable> HandleAsync(GetDayIndicators request, MessageContext context,
        CancellationToken cancellationToken) =>
        history.AnswerAsync(request, () => HistoryStandIn.Days(request), cancellationToken);
}
