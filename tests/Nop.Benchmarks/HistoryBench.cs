using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.History.Extensions;
using Nop.History.Indicators;
using Nop.History.Levels;
using Nop.History.Queries;
using Nop.Messaging;
using Nop.Processing.Aggregation;
using Nop.Testing;

namespace Nop.Benchmarks;

/// <summary>
/// History (<c>--only history</c>): the level events it writes per second, in process (the real
/// <see cref="LevelWriter"/> on a SQLite file, one thread feeding it as the consumer does) and through the broker
/// (the built History service draining its queue on a bench virtual host); the storage bytes per sensor-day; and the
/// queries' latency with 1,000 sensors × 30 days of hours stored (the handlers called in process, so the figure is
/// History's, not the request/reply hop's).
/// </summary>
public static class HistoryBench
{
    private const int Sensors = 1000;
    private const int Days = 30;
    private static readonly DateTimeOffset Start = new(2026, 6, 14, 22, 0, 0, TimeSpan.Zero); // 2026-06-15 in Vienna
    private static readonly DateOnly Day = new(2026, 6, 15);

    public static async Task RunAsync(BenchSettings settings, BenchResults results)
    {
        var folder = Directory.CreateTempSubdirectory("nop-bench-history-");
        try
        {
            await WritesAsync(settings, results, Path.Combine(folder.FullName, "writes.db"));
            await ReadsAsync(settings, results, Path.Combine(folder.FullName, "reads.db"));
            await BrokerAsync(settings, results, folder.FullName);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try
            {
                folder.Delete(recursive: true);
            }
            catch (IOException)
            {
                // In the temp folder; SQLite may hold it a moment longer.
            }
        }
    }

    // Minutes of every sensor, in the order Processing closes them, straight into the writer; then the bytes.
    private static async Task WritesAsync(BenchSettings settings, BenchResults results, string file)
    {
        await using var history = await HistoryHost.StartAsync(file);
        var writer = history.Services.GetRequiredService<LevelWriter>();
        var context = Context();
        var windows = Enumerable.Range(0, settings.HistoryMinutes)
            .SelectMany(m => Enumerable.Range(0, Sensors).Select(s => Window(Sensor(s), Start.AddHours(8), m)))
            .ToList();
        var started = Stopwatch.GetTimestamp();
        // As the levels stream delivers Processing's messages: up to LevelBatches.MaxWindows at a time.
        foreach (var levels in windows.Chunk(LevelBatches.MaxWindows))
        {
            await writer.AddAsync(levels, context, CancellationToken.None);
        }
        await writer.FlushAsync(CancellationToken.None);
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (writer.Totals.Counted != windows.Count)
        {
            throw new InvalidOperationException($"{writer.Totals.Counted} of {windows.Count} windows were counted");
        }
        results.HistoryWritesPerS = Stats.Round(windows.Count / elapsed.TotalSeconds);
        var (minutes, hours) = await TableBytesAsync(file);
        // Per sensor-day: 1,440 minute rows, 24 hour rows (the hour rows written hold settings.HistoryMinutes).
        results.HistoryMinuteBytesPerSensorDay = Math.Round(minutes / (double)windows.Count * 1440);
        results.HistoryHourBytesPerSensorDay = Math.Round(hours / (double)Sensors * 24);
        Console.WriteLine($"      in process: {results.HistoryWritesPerS:N0} level events/s; per sensor-day " +
            $"{results.HistoryMinuteBytesPerSensorDay:N0} B of minutes, {results.HistoryHourBytesPerSensorDay:N0} B " +
            "of hours");
    }

    // 1,000 sensors × 30 days of hours, then one sensor's 30 days hourly (sensors taken in turn) and the day table.
    private static async Task ReadsAsync(BenchSettings settings, BenchResults results, string file)
    {
        await using var history = await HistoryHost.StartAsync(file);
        var first = Start.AddDays(1 - Days);
        await SeedHoursAsync(file, first);
        var context = Context();
        var to = Start.AddDays(1);
        var levels = await TimeAsync(settings.HistoryQueries, async i =>
        {
            await using var scope = history.Services.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetRequiredService<GetLevelsHandler>();
            var series = await handler.HandleAsync(new GetLevels(Sensor(i * 7 % Sensors), first, to,
                LevelResolution.Hour), context, CancellationToken.None);
            Check(series.Items.Count == Days * 24 && Math.Abs(series.Items[0].Laeq!.Value - 62.0) < 0.05,
                "the hourly series");
        });
        var table = await TimeAsync(settings.HistoryQueries / 5, async _ =>
        {
            await using var scope = history.Services.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetRequiredService<GetDayIndicatorsHandler>();
            var day = await handler.HandleAsync(new GetDayIndicators(Day), context, CancellationToken.None);
            // A constant 62 dB day: Lden = 62 + 6.4.
            Check(day.Items.Count == Sensors && Math.Abs(day.Items[42].Lden!.Value - 68.39) < 0.01, "the day table");
        });
        (results.HistoryHourlyQueryP50Ms, results.HistoryHourlyQueryP99Ms) = levels;
        (results.HistoryDayTableP50Ms, results.HistoryDayTableP99Ms) = table;
        Console.WriteLine($"      30-day hourly query: p50 {levels.P50:0.0} ms, p99 {levels.P99:0.0} ms; day table " +
            $"of {Sensors} sensors: p50 {table.P50:0.0} ms, p99 {table.P99:0.0} ms");
    }

    // The History service stopped while its queue fills, then started: level events/s from its first written row to
    // its last.
    private static async Task BrokerAsync(BenchSettings settings, BenchResults results, string folder)
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("bench-history");
        var file = Path.Combine(folder, "broker.db");
        var environment = new Dictionary<string, string>
        {
            ["RabbitMq:Uri"] = vhost.Uri.ToString(),
            ["ConnectionStrings:History"] = $"Data Source={file}",
            ["History:MinuteRetention"] = "3650.00:00:00",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["Logging:Console:Format"] = "text",
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
        // Started as a program and watched through the broker (its reader on the stream) rather than its readiness.
        // The first start declares the levels stream.
        string[] urls = ["--urls", "http://127.0.0.1:0"];
        await using (var declaring = await ServiceProcess.StartProgramAsync("Nop.History", urls, environment,
                         "history-bench-1"))
        {
            var declared = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 120;
            // Its reader comes after the stream's bindings: then a published window reaches the stream, and the second
            // start, with nothing stored, reads it from the first message.
            while ((await TestBroker.GetQueueAsync(vhost.Name, Queues.LevelsStream))?["consumers"]?.GetValue<int>()
                   is not > 0)
            {
                Check(Stopwatch.GetTimestamp() < declared, "History reads the levels stream");
                await Task.Delay(200);
            }
        }

        var windows = Enumerable.Range(0, settings.HistoryMinutes)
            .SelectMany(m => Enumerable.Range(0, Sensors).Select(s => Window(Sensor(s), Start.AddHours(9), m)))
            .ToList();
        await PublishAsync(vhost.Uri, windows);

        await using var history = await ServiceProcess.StartProgramAsync("Nop.History", urls, environment,
            "history-bench-2");
        await using var connection = new SqliteConnection($"Data Source={file}");
        await connection.OpenAsync();
        long firstAt = 0, firstCount = 0, count = 0;
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 600;
        while (count < windows.Count && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(50);
            count = await MinuteRowsAsync(connection);
            if (firstAt == 0 && count > 0)
            {
                (firstAt, firstCount) = (Stopwatch.GetTimestamp(), count);
            }
        }
        Check(count == windows.Count, $"History wrote the queued windows ({count} of {windows.Count})");
        var seconds = Stopwatch.GetElapsedTime(firstAt).TotalSeconds;
        results.HistoryBrokerWritesPerS = Stats.Round((count - firstCount) / seconds);
        Console.WriteLine($"      through the broker: {results.HistoryBrokerWritesPerS:N0} level events/s " +
            $"({windows.Count:N0} queued)");
    }

    // Minute rows written so far (0 until History has migrated its database).
    private static async Task<long> MinuteRowsAsync(SqliteConnection connection)
    {
        try
        {
            return await ScalarAsync(connection, "SELECT count(*) FROM minutes");
        }
        catch (SqliteException)
        {
            return 0;
        }
    }

    private static async Task PublishAsync(Uri broker, List<NoiseLevelMeasured> windows)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(Options.Create(new RabbitMqOptions { Uri = broker, ClientName = "nop-bench-history" }));
        services.AddSingleton<RabbitMqConnection>();
        services.AddSingleton<MessagePublisher>();
        await using var provider = services.BuildServiceProvider();
        var publisher = provider.GetRequiredService<MessagePublisher>();
        // As Processing publishes them: up to LevelBatches.MaxWindows in a message. Eight publishers, so confirms
        // overlap.
        await Task.WhenAll(windows.Chunk((windows.Count + 7) / 8).Select(async (chunk, partition) =>
        {
            foreach (var levels in chunk.Chunk(LevelBatches.MaxWindows))
            {
                await publisher.PublishAsync(Exchanges.Noise, RoutingKeys.Levels(partition),
                    new NoiseLevelsMeasured(levels));
            }
        }));
    }

    private static string Sensor(int s) => "s-" + s.ToString("D4", CultureInfo.InvariantCulture);

    // Minute m of the hour: 30 classes of 2 s around a level that walks over 15 dB in 20 minutes, so an hour's
    // histogram holds about 180 classes, as a real street's does.
    private static NoiseLevelMeasured Window(string sensorId, DateTimeOffset hour, int m)
    {
        var level = 55 + (m * 7 % 20) * 0.75;
        var first = (int)Math.Round(level * 10) - 15;
        var distribution = new Dictionary<int, double>(30);
        for (var i = 0; i < 30; i++)
        {
            distribution[first + i] = 2.0;
        }
        var start = hour.AddMinutes(m);
        return new NoiseLevelMeasured(sensorId, Zone.Residential, start, start.AddMinutes(1), level, level + 5,
            level + 1.5, level, 60, 0, 0, DayPeriod.Day, 65, level - 1.5, 1.0, distribution);
    }

    // hours rows written directly (one transaction): every sensor at a constant 62 dB, its histogram 150 classes
    // spread over 15 dB.
    private static async Task SeedHoursAsync(string file, DateTimeOffset first)
    {
        var histogram = new LevelHistogram();
        for (var i = 0; i < 150; i++)
        {
            histogram.Add(545 + i, 24);
        }
        await using var connection = new SqliteConnection($"Data Source={file}");
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
        insert.Parameters.AddWithValue("$histogram", histogram.Encode());
        for (var s = 0; s < Sensors; s++)
        {
            sensor.Value = Sensor(s);
            for (var h = 0; h < Days * 24; h++)
            {
                start.Value = first.AddHours(h).ToUnixTimeMilliseconds();
                await insert.ExecuteNonQueryAsync();
            }
        }
        await transaction.CommitAsync();
    }

    // The file's bytes with everything, then without the minute rows, then without the hours (each vacuumed).
    private static async Task<(long Minutes, long Hours)> TableBytesAsync(string file)
    {
        SqliteConnection.ClearAllPools();
        await using var connection = new SqliteConnection($"Data Source={file}");
        await connection.OpenAsync();
        var all = await VacuumedBytesAsync(connection);
        await ScalarAsync(connection, "DELETE FROM minutes");
        var withoutMinutes = await VacuumedBytesAsync(connection);
        await ScalarAsync(connection, "DELETE FROM hours");
        var empty = await VacuumedBytesAsync(connection);
        return (all - withoutMinutes, withoutMinutes - empty);
    }

    private static async Task<long> VacuumedBytesAsync(SqliteConnection connection)
    {
        await ScalarAsync(connection, "VACUUM");
        return await ScalarAsync(connection,
            "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()");
    }

    private static async Task<long> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync() is long value ? value : 0;
    }

    // p50 and p99 of count calls after two unmeasured ones (JIT, first connection).
    private static async Task<(double P50, double P99)> TimeAsync(int count, Func<int, Task> call)
    {
        await call(-1 + Sensors);
        await call(-2 + Sensors);
        var times = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await call(i);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        times.Sort();
        return (Math.Round(times[count / 2], 1), Math.Round(times[(int)Math.Ceiling(count * 0.99) - 1], 1));
    }

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"Wrong answer: {what}");
        }
    }

    private static MessageContext Context() => new(new MessageEnvelope("bench", "bench", null,
        NoiseLevelsMeasured.MessageType, DateTimeOffset.UtcNow, null, Exchanges.Noise, "noise.levels.0", false, 1),
        Queues.HistoryLevels, new NoAck());

    /// <summary>History's services on a SQLite file, built as the service builds them but not started (no
    /// consumers): the database migrated, the writer and the handlers resolved from it.</summary>
    private sealed class HistoryHost(WebApplication app) : IAsyncDisposable
    {
        public IServiceProvider Services => app.Services;

        public static async Task<HistoryHost> StartAsync(string file)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Configuration["ConnectionStrings:History"] = $"Data Source={file}";
            builder.Configuration["History:MinuteRetention"] = "3650.00:00:00";
            builder.Configuration["RabbitMq:Uri"] = "amqp://guest:guest@127.0.0.1:5672/";
            builder.Configuration["Logging:LogLevel:Default"] = "Warning";
            builder.AddNopMessaging();
            builder.AddHistory();
            var app = builder.Build();
            foreach (var migrator in app.Services.GetServices<IHostedService>()
                         .Where(s => s.GetType().Name.StartsWith("DatabaseMigrator", StringComparison.Ordinal)))
            {
                await migrator.StartAsync(CancellationToken.None);
            }
            return new HistoryHost(app);
        }

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }

    private sealed class NoAck : IDeliveryAck
    {
        public ulong DeliveryTag => 0;

        public ValueTask AckAsync(bool multiple, CancellationToken cancellationToken = default) =>
            ValueTask.CompletedTask;
    }
}
