using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Nop.Contracts;
using Nop.History.Indicators;
using Nop.History.Levels;
using Nop.History.Tests.Support;
using Nop.Messaging;
using Nop.Testing;
using Xunit.Abstractions;

namespace Nop.History.Tests;

// The store's figures, run by hand (NOP_HISTORY_PERF=1; minutes, and about 1 GB of temp disk): levels written per
// second, in process and through the broker; bytes per sensor-day; the 30-day hourly query and the day table with
// 1,000 sensors × 30 days stored. The figures are printed, never asserted; the answers' contents are.
public sealed class StorePerformanceTests(ITestOutputHelper output)
{
    private const int Sensors = 1000;

    [SkippableFact]
    public async Task Levels_are_written_in_batches()
    {
        Skip.IfNot(Environment.GetEnvironmentVariable("NOP_HISTORY_PERF") == "1", "run by hand: NOP_HISTORY_PERF=1");
        await using var bed = await HistoryTestBed.CreateAsync("history-perf-write");
        // The default flush interval (the test bed's is short, for quick tests).
        var settings = new Dictionary<string, string?> { ["History:Writer:FlushInterval"] = "00:00:00.200" };
        var app = await bed.StartHistoryAsync(settings);
        var writer = app.Get<LevelWriter>();
        var ack = new IgnoredAck();
        var context = new MessageContext(new MessageEnvelope("m", "c", null, NoiseLevelMeasured.MessageType,
            DateTimeOffset.UtcNow, null, Exchanges.Noise, "noise.level.x", false, 1), Queues.HistoryLevels, ack);

        // One hour of 1,000 sensors, minute by minute as Processing closes them, straight into the writer.
        var windows = Enumerable.Range(0, 60).SelectMany(m => Enumerable.Range(0, Sensors)
            .Select(s => Window($"s-{s:D4}", LevelEvents.DayStart.AddHours(8).AddMinutes(m), 55 + s % 20))).ToList();
        var started = Stopwatch.GetTimestamp();
        foreach (var window in windows)
        {
            await writer.AddAsync(window, context, CancellationToken.None);
        }
        await writer.FlushAsync(CancellationToken.None);
        var elapsed = Stopwatch.GetElapsedTime(started);
        writer.Totals.Counted.ShouldBe(windows.Count);
        output.WriteLine($"In process: {windows.Count} windows in {elapsed.TotalSeconds:0.00} s = "
            + $"{windows.Count / elapsed.TotalSeconds:0} windows/s");

        var (minuteBytes, hourBytes) = await TableBytesAsync(bed);
        // 60 minute rows and one hour row per sensor were written: × 24 for a day.
        output.WriteLine($"Storage per sensor-day: minutes {minuteBytes * 24.0 / Sensors:0} B, "
            + $"hours {hourBytes * 24.0 / Sensors:0} B (tables and their indexes)");

        // Through the broker: History stopped while another hour is queued, then started.
        await bed.StopAsync(app);
        var queued = Enumerable.Range(0, 30).SelectMany(m => Enumerable.Range(0, Sensors)
            .Select(s => Window($"s-{s:D4}", LevelEvents.DayStart.AddHours(9).AddMinutes(m), 60))).ToList();
        await Task.WhenAll(queued.Chunk(queued.Count / 8).Select(async chunk =>
        {
            foreach (var window in chunk)
            {
                await bed.PublishAsync(window);
            }
        }));
        started = Stopwatch.GetTimestamp();
        var second = await bed.StartHistoryAsync(settings);
        await Eventually.TrueAsync(() => second.Get<LevelWriter>().Totals.Counted == queued.Count,
            TimeSpan.FromMinutes(5), "the queued windows are written");
        elapsed = Stopwatch.GetElapsedTime(started);
        output.WriteLine($"Through the broker (start-up included): {queued.Count} windows in "
            + $"{elapsed.TotalSeconds:0.00} s = {queued.Count / elapsed.TotalSeconds:0} windows/s");
    }

    [SkippableFact]
    public async Task A_month_of_hours_and_the_day_table_are_read_from_30_days_of_1000_sensors()
    {
        Skip.IfNot(Environment.GetEnvironmentVariable("NOP_HISTORY_PERF") == "1", "run by hand: NOP_HISTORY_PERF=1");
        await using var bed = await HistoryTestBed.CreateAsync("history-perf-read");
        await bed.StartHistoryAsync();
        var first = LevelEvents.DayStart.AddDays(-29);
        await SeedHoursAsync(bed, first, 30 * 24);

        var from = first;
        var to = LevelEvents.DayStart.AddDays(1);
        var series = await bed.GetLevelsAsync("s-0042", from, to, LevelResolution.Hour);
        series.Items.Count.ShouldBe(720);
        series.Items[0].Laeq!.Value.ShouldBe(62, 1e-6);
        var levels = await TimeAsync(100, () => bed.GetLevelsAsync($"s-{Random.Shared.Next(Sensors):D4}", from, to,
            LevelResolution.Hour));
        output.WriteLine($"30-day hourly query (720 points), 100 requests over the broker: {levels}");

        var table = await bed.GetDayAsync(LevelEvents.Day);
        table.Items.Count.ShouldBe(Sensors);
        table.Items[42].Lden!.Value.ShouldBe(62 + 6.39, 0.01);
        var day = await TimeAsync(20, () => bed.GetDayAsync(LevelEvents.Day));
        output.WriteLine($"Day table of {Sensors} sensors, 20 requests over the broker: {day}");
    }

    private static NoiseLevelMeasured Window(string sensorId, DateTimeOffset start, double level)
    {
        // 30 classes of 2 s around the level: a minute spread over 3 dB.
        var distribution = Enumerable.Range(0, 30).ToDictionary(i => (int)Math.Round(level * 10) - 15 + i, _ => 2.0);
        return LevelEvents.Minute(sensorId, start, level) with { Distribution = distribution };
    }

    // hours rows written directly (one transaction): every sensor at a constant 62 dB, its histogram spread over 15 dB
    // as a real hour's is (150 classes).
    private static async Task SeedHoursAsync(HistoryTestBed bed, DateTimeOffset first, int hours)
    {
        var histogram = new LevelHistogram();
        for (var i = 0; i < 150; i++)
        {
            histogram.Add(545 + i, 24);
        }
        var bytes = histogram.Encode();
        await using var connection = new SqliteConnection(bed.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = connection.BeginTransaction();
        await using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO hours (sensor_id, hour_start, zone, energy, covered_seconds, lamax, exceedance_seconds,
                histogram, version)
            VALUES ($sensor, $start, 'Residential', $energy, 3600, 70, 600, $histogram, 1)
            """;
        var sensor = insert.Parameters.Add("$sensor", SqliteType.Text);
        var start = insert.Parameters.Add("$start", SqliteType.Integer);
        insert.Parameters.AddWithValue("$energy", 3600 * Math.Pow(10, 6.2));
        insert.Parameters.AddWithValue("$histogram", bytes);
        for (var s = 0; s < Sensors; s++)
        {
            sensor.Value = $"s-{s:D4}";
            for (var h = 0; h < hours; h++)
            {
                start.Value = first.AddHours(h).ToUnixTimeMilliseconds();
                await insert.ExecuteNonQueryAsync();
            }
        }
        await transaction.CommitAsync();
    }

    // The file's bytes with everything, then without the minute rows (both vacuumed): minutes and hours apart.
    private static async Task<(long Minutes, long Hours)> TableBytesAsync(HistoryTestBed bed)
    {
        await using var connection = new SqliteConnection(bed.ConnectionString);
        await connection.OpenAsync();
        var all = await VacuumedBytesAsync(connection);
        await ExecuteAsync(connection, "DELETE FROM minutes");
        var withoutMinutes = await VacuumedBytesAsync(connection);
        await ExecuteAsync(connection, "DELETE FROM hours");
        var empty = await VacuumedBytesAsync(connection);
        return (all - withoutMinutes, withoutMinutes - empty);
    }

    private static async Task<long> VacuumedBytesAsync(SqliteConnection connection)
    {
        await ExecuteAsync(connection, "VACUUM");
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> TimeAsync(int count, Func<Task> request)
    {
        var times = new List<double>();
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await request();
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        times.Sort();
        return $"p50 {times[count / 2]:0.0} ms, p99 {times[(int)Math.Ceiling(count * 0.99) - 1]:0.0} ms, "
            + $"max {times[^1]:0.0} ms";
    }

    private sealed class IgnoredAck : IDeliveryAck
    {
        public ulong DeliveryTag => 1;

        public ValueTask AckAsync(bool multiple, CancellationToken cancellationToken = default) =>
            ValueTask.CompletedTask;
    }
}
