using Nop.Contracts;
using Nop.History.Indicators;
using Nop.History.Levels;
using Nop.Messaging;
using Nop.Persistence;

namespace Nop.History.Queries;

// One sensor's indicators per day, month or year: its days computed from their hours, then combined per calendar
// month or year (each point's dates clipped to the requested range). Points without any day of data are left out.
public sealed class GetIndicatorsHandler(DayIndicatorReader days, DatabaseResilience resilience, HistoryMetrics metrics)
    : IRequestHandler<GetIndicators, IndicatorSeries>
{
    public async Task<IndicatorSeries> HandleAsync(GetIndicators request, MessageContext context,
        CancellationToken cancellationToken)
    {
        using var timing = metrics.Time(HistoryMetrics.Queries.Indicators);
        QueryLimits.Check(request);
        var sensorDays = await resilience.BrieflyAsync(
            ct => days.ReadAsync(request.SensorId, request.From, request.To, ct), cancellationToken);
        var items = sensorDays
            .GroupBy(d => SpanStart(d.Date, request.Span))
            .Select(span =>
            {
                var from = Max(span.Key, request.From);
                var to = Min(SpanEnd(span.Key, request.Span), request.To);
                return DayIndicators.Combine(from, to, span.ToList());
            })
            .ToList();
        return new IndicatorSeries(request.SensorId, request.Span, items);
    }

    private static DateOnly SpanStart(DateOnly date, IndicatorSpan span) => span switch
    {
        IndicatorSpan.Month => new DateOnly(date.Year, date.Month, 1),
        IndicatorSpan.Year => new DateOnly(date.Year, 1, 1),
        _ => date,
    };

    private static DateOnly SpanEnd(DateOnly start, IndicatorSpan span) => span switch
    {
        IndicatorSpan.Month => start.AddMonths(1).AddDays(-1),
        IndicatorSpan.Year => start.AddYears(1).AddDays(-1),
        _ => start,
    };

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;
}
