using System.Diagnostics;
using System.Diagnostics.Metrics;
using Nop.ServiceDefaults;

namespace Nop.History.Levels;

// History's instruments (meter Nop.History, served on /metrics by the service defaults): rows each committed flush
// wrote, by table, and how long the History API's queries (request/reply on history.queries) take, by kind.
public sealed class HistoryMetrics
{
    public const string MeterName = "Nop.History";

    // The values of the query attribute: the request types History answers.
    public static class Queries
    {
        public const string Levels = "levels"; // GetLevels: one sensor's minute, hour or day points
        public const string Indicators = "indicators"; // GetIndicators: one sensor's days, months or years
        public const string DayIndicators = "day_indicators"; // GetDayIndicators: every sensor on one day
    }

    private readonly Counter<long> _rows;
    private readonly Histogram<double> _queryDuration;

    public HistoryMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _rows = meter.CreateCounter<long>("nop.history.rows.written", "{row}",
            "Rows committed by the level writer, by table: new minute rows, hour rows inserted or updated, "
            + "level-alert episodes.");
        _queryDuration = meter.CreateHistogram("nop.history.query.duration", "s",
            "Time to answer one History API query, by kind.",
            advice: Telemetry.SecondsAdvice);
    }

    // One committed flush: added once per table, not per row.
    public void Written(int minutes, int hours, int episodes)
    {
        Add("minutes", minutes);
        Add("hours", hours);
        Add("level_alert_events", episodes);
    }

    // Times a query: record the elapsed time when the returned scope is disposed (answered or failed).
    public QueryTimer Time(string query) => new(this, query, Stopwatch.GetTimestamp());

    private void Add(string table, int rows)
    {
        if (rows > 0)
            _rows.Add(rows, new KeyValuePair<string, object?>("table", table));
    }

    public readonly struct QueryTimer(HistoryMetrics metrics, string query, long started) : IDisposable
    {
        public void Dispose() => metrics._queryDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
            new KeyValuePair<string, object?>("query", query));
    }
}
