using Microsoft.EntityFrameworkCore;
using Nop.Contracts;
using Nop.History.Levels;
using Nop.History.Tests.Support;
using Nop.Testing;

namespace Nop.History.Tests;

/// <summary>/metrics after a known load: rows written by table, and query latency by kind.</summary>
[Collection(MetricsCollection.Name)]
public sealed class MetricsTests
{
    // TestServer has no remote address, so /metrics takes the scraper's token instead of loopback.
    private const string Token = "metrics-test-token-0123456789abcdef";

    [Fact]
    public async Task Rows_written_match_the_rows_stored_and_each_query_kind_is_timed()
    {
        await using var bed = await HistoryTestBed.CreateAsync("history-metrics");
        var app = await bed.StartHistoryAsync(new Dictionary<string, string?> { ["Metrics:Token"] = Token });
        using var http = app.CreateClient();
        // A level-alert episode, then 8 windows over two hours and one of them again (already counted: no row). One
        // queue: once the windows are written, so is the episode delivered before them.
        var start = LevelEvents.DayStart.AddHours(8).AddMinutes(56);
        await bed.PublishAsync(LevelEvents.Alert("s-met", start));
        for (var i = 0; i < 8; i++)
            await bed.PublishAsync(LevelEvents.Minute("s-met", start.AddMinutes(i), 60));
        await bed.PublishAsync(LevelEvents.Minute("s-met", start, 60));
        var writer = app.Get<LevelWriter>();
        await Eventually.TrueAsync(() => writer.Totals.Counted + writer.Totals.Duplicates == 9,
            TimeSpan.FromSeconds(30), "the 9 windows are written");
        await bed.GetLevelsAsync("s-met", start, start.AddHours(1), LevelResolution.Minute);
        await bed.GetIndicatorsAsync("s-met", LevelEvents.Day, LevelEvents.Day, IndicatorSpan.Day);
        await bed.GetDayAsync(LevelEvents.Day);

        int minutes, hours, episodes;
        await using (var db = bed.OpenDatabase())
        {
            minutes = await db.Minutes.CountAsync();
            hours = await db.Hours.CountAsync();
            episodes = await db.LevelAlertEvents.CountAsync();
        }
        (minutes, hours, episodes).ShouldBe((8, 2, 1));
        PrometheusText? metrics = null;
        await Eventually.TrueAsync(async () =>
        {
            metrics = await PrometheusText.ScrapeAsync(http, Token);
            return metrics.Value("nop_history_rows_written_total", ("table", "minutes")) == minutes
                && metrics.Value("nop_history_rows_written_total", ("table", "level_alert_events")) == episodes
                // An hour row is written again by each flush that adds to it: at least once per hour stored.
                && metrics.Value("nop_history_rows_written_total", ("table", "hours")) >= hours
                && metrics.Value("nop_history_query_duration_seconds_count", ("query", "levels")) == 1
                && metrics.Value("nop_history_query_duration_seconds_count", ("query", "indicators")) == 1
                && metrics.Value("nop_history_query_duration_seconds_count", ("query", "day_indicators")) == 1;
        }, TimeSpan.FromSeconds(10), () => $"the rows stored and one query of each kind are on /metrics:\n"
            + metrics?.Text);
    }
}

/// <summary>
/// Metrics tests run alone: the OpenTelemetry SDK tells instruments apart by meter and instrument name only, so
/// with other hosts of this service alive in the test process a host's /metrics may show their series, and lose its
/// own when they are disposed. One host per process, as deployed, has no such problem.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "Metrics";
}
