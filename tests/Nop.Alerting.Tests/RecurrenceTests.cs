using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Nop.Alerting.Alerts;
using Nop.Alerting.Tests.Support;
using Nop.Contracts;
using Xunit.Abstractions;

namespace Nop.Alerting.Tests;

public sealed class RecurrenceTests(ITestOutputHelper output)
{
    /// <summary>
    /// A level alert open for an hour is reported every one-minute window. With the interval (5 min, the default) it
    /// stores at most one <c>Recurred</c> per interval; with 0 it stores every report, as before coalescing. Prints the
    /// stored bytes per alert-hour of both (the figures in services/Nop.Alerting/README.md).
    /// </summary>
    [Theory]
    [InlineData(5)]
    [InlineData(0)]
    public async Task An_alert_reported_every_minute_for_an_hour_stores_a_bounded_stream_and_counts_it(int minutes)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var bed = await AlertingTestBed.CreateAsync("recur");
        await bed.StartAlertingAsync(s => s.AddSingleton<TimeProvider>(clock), new Dictionary<string, string?>
        {
            ["Alerting:RecurrenceInterval"] = TimeSpan.FromMinutes(minutes).ToString("c", CultureInfo.InvariantCulture),
        });

        const int Reports = 61; // the raise, then one report a minute for an hour
        for (var i = 1; i <= Reports; i++)
        {
            await bed.PublishAsync(Noise.Exceeded("s-hour", level: i == 2 ? 72 : 70, windowEnd: Noise.WindowEnd(i)));
            await bed.AlertsWhenAsync(a => a.SingleOrDefault()?.Occurrences == i, $"report {i} was counted");
            clock.Advance(TimeSpan.FromMinutes(1));
        }
        var alert = (await bed.AlertsWhenAsync(a => a.Count == 1, "one alert")).Single();
        alert.LastSeenAt.ShouldBe(Noise.WindowEnd(Reports)); // the event time of the last report
        alert.Level.ShouldBe(72); // the peak
        var events = await bed.EventsOfAsync(alert.Id);
        if (minutes == 0)
        {
            events.Count.ShouldBe(Reports);
        }
        else
        {
            events.Count.ShouldBeLessThanOrEqualTo(60 / minutes + 2); // one an interval, the raise and the escalation
        }
        output.WriteLine($"interval {minutes} min: {events.Count} events, {await StoredEventBytesAsync(bed)} bytes "
            + "of alert_events columns for one alert-hour");

        // Resolving stores the count and last-seen time the coalesced reports kept only on the alert, so the read
        // model rebuilt from the events is the same.
        await bed.PublishAsync(Noise.Cleared("s-hour", windowEnd: Noise.WindowEnd(Reports + 1)));
        var resolved = (await bed.AlertsWhenAsync(a => a.Single().State == AlertState.Resolved, "resolved")).Single();
        await using (var db = bed.OpenDatabase())
        {
            (await ReadModelRebuilder.RebuildAsync(db)).ShouldBe(1);
        }
        var rebuilt = (await bed.AlertsWhenAsync(a => a.Count == 1, "rebuilt")).Single();
        (rebuilt.Occurrences, rebuilt.LastSeenAt, rebuilt.Version)
            .ShouldBe((Reports, Noise.WindowEnd(Reports), resolved.Version));
    }

    /// <summary>
    /// The bytes of the stored <c>alert_events</c> rows, read from the SQLite file: every column's stored length, the
    /// key twice (the row and its primary-key index); page and record-header overhead not included (this SQLite build
    /// has no dbstat table to read those from).
    /// </summary>
    private static async Task<long> StoredEventBytesAsync(AlertingTestBed bed)
    {
        await using var connection = new SqliteConnection(bed.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT SUM(2 * (LENGTH(CAST(alert_id AS BLOB)) + LENGTH(CAST(sequence AS BLOB)))
                + LENGTH(CAST(type AS BLOB)) + LENGTH(CAST(at AS BLOB)) + IFNULL(LENGTH(CAST(by AS BLOB)), 0)
                + LENGTH(CAST(data AS BLOB)) + LENGTH(CAST(correlation_id AS BLOB))
                + IFNULL(LENGTH(CAST(causation_id AS BLOB)), 0))
            FROM alert_events
            """;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
