using Microsoft.EntityFrameworkCore;
using Nop.Contracts;
using Nop.History.Data;
using Nop.History.Indicators;
using Nop.History.Levels;
using Nop.Messaging;
using Nop.Persistence;

namespace Nop.History.Queries;

// One sensor's levels: minute points straight from the minute rows; hour points from the hour rows' aggregates; day
// points from the hours merged per local day (every day from the one holding From to the one holding the last instant
// before To, each point spanning its whole day).
public sealed class GetLevelsHandler(HistoryDbContext db, HourReader hours, LocalCalendar calendar,
    DatabaseResilience resilience, HistoryMetrics metrics) : IRequestHandler<GetLevels, LevelSeries>
{
    public async Task<LevelSeries> HandleAsync(GetLevels request, MessageContext context,
        CancellationToken cancellationToken)
    {
        using var timing = metrics.Time(HistoryMetrics.Queries.Levels);
        QueryLimits.Check(request);
        var items = await resilience.BrieflyAsync(ct => request.Resolution switch
        {
            LevelResolution.Minute => MinutesAsync(request, ct),
            LevelResolution.Hour => HoursAsync(request, ct),
            _ => DaysAsync(request, ct),
        }, cancellationToken);
        return new LevelSeries(request.SensorId, request.Resolution, items);
    }

    private async Task<List<LevelPoint>> MinutesAsync(GetLevels request, CancellationToken cancellationToken)
    {
        var rows = await db.Minutes.AsNoTracking()
            .Where(m => m.SensorId == request.SensorId && m.WindowStart >= request.From && m.WindowStart < request.To)
            .OrderBy(m => m.WindowStart)
            .Select(m => new { m.WindowStart, m.WindowEnd, m.Laeq, m.Lamax, m.L10, m.L50, m.L90, m.Coverage })
            .ToListAsync(cancellationToken);
        return rows.ConvertAll(m => new LevelPoint(m.WindowStart, m.WindowEnd, m.Laeq, m.Lamax, m.L10, m.L50, m.L90,
            m.Coverage));
    }

    private async Task<List<LevelPoint>> HoursAsync(GetLevels request, CancellationToken cancellationToken)
    {
        // Hours that begin in the range (a local clock hour is an hour of UTC too).
        return await hours.PointsAsync(request.SensorId, request.From, request.To, cancellationToken);
    }

    private async Task<List<LevelPoint>> DaysAsync(GetLevels request, CancellationToken cancellationToken)
    {
        var first = calendar.DateOf(request.From);
        var last = calendar.DateOf(request.To.AddTicks(-1));
        var rows = await hours.WithHistogramsAsync(request.SensorId, calendar.DayBounds(first).Start,
            calendar.DayBounds(last).End, cancellationToken);
        var points = new List<LevelPoint>();
        foreach (var day in rows.GroupBy(h => calendar.DateOf(h.Start)))
        {
            var merged = new LevelAggregate();
            foreach (var (_, aggregate) in day)
            {
                merged.Merge(aggregate);
            }
            var (start, end) = calendar.DayBounds(day.Key);
            points.Add(merged.ToPoint(start, end));
        }
        return points;
    }
}
