using Nop.Simulator;
using Nop.Simulator.Generation;
using Nop.Simulator.Running;
using Nop.Testing;

namespace Nop.Ingest.Tests.Simulator;

/// <summary>The simulator against the real Ingest and broker.</summary>
public sealed class SimulatorRunTests
{
    private static SimulatorSettings Settings(IngestApp app, long count, int sensors, int seed) => new()
    {
        Url = app.BaseAddress,
        CatalogPath = IngestApp.DevCatalogPath,
        Sensors = sensors,
        Count = count,
        Seed = seed,
        Profile = Profile.Mixed,
        DrainTimeout = TimeSpan.FromSeconds(60),
    };

    private static async Task<(SimulationSummary Summary, SimulatorRunner Runner)> RunAsync(SimulatorSettings settings,
        Func<SimulatorRunner, Task>? during = null)
    {
        using var http = new HttpClient();
        var runner = new SimulatorRunner(settings, http, TextWriter.Null, TimeProvider.System);
        var sensors = SimulatorCatalogue.Spread(SimulatorCatalogue.Load(settings.CatalogPath, null), settings.Sensors);
        var run = runner.RunAsync(sensors, CancellationToken.None);
        if (during is not null)
        {
            await during(runner);
        }
        return (await run.WaitAsync(TimeSpan.FromMinutes(2)), runner);
    }

    [Fact]
    public async Task A_replayed_hour_is_accepted_whole_published_once_per_reading_a_seed_publishes_the_same_readings()
    {
        await using var app = await IngestApp.StartAsync("sim-run");
        var settings = Settings(app, count: 600, sensors: 12, seed: 7) with
        {
            Rate = 0.2,
            EventTimeFrom = DateTimeOffset.UtcNow.AddHours(-2),
            Speed = 10_000,
        };

        var (first, _) = await RunAsync(settings);

        first.Complete.ShouldBeTrue(first.ToString());
        first.Intended.ShouldBe(600);
        first.Accepted.ShouldBe(600);
        var published = await app.Tap.ReadAtLeastAsync(600, TimeSpan.FromSeconds(20));
        var readings = published.Readings().ToList();
        readings.Count.ShouldBe(600);
        readings.Select(r => r.ReadingId).Distinct().Count().ShouldBe(600);
        published.Select(p => p.Batch.SensorId).Distinct().Count().ShouldBe(12);
        readings.ShouldAllBe(r => r.ReadingId.StartsWith("sim-00000007-", StringComparison.Ordinal));
        readings.Min(r => r.MeasuredAt).ShouldBeLessThan(DateTimeOffset.UtcNow.AddMinutes(-100));
        // 5 s readings in packets of a minute: at most 12 a packet, stamped on the 5 s grid.
        readings.ShouldAllBe(r => r.DurationSeconds == 5 && r.MeasuredAt.ToUnixTimeMilliseconds() % 5000 == 0);
        published.ShouldAllBe(p => p.Batch.Readings.Count <= 12);

        // The same seed and event times again: the same readings, with the same message ids, so downstream counts them
        // once.
        var (second, _) = await RunAsync(settings with { EventTimeFrom = settings.EventTimeFrom });
        second.Accepted.ShouldBe(600);
        var again = await app.Tap.ReadAtLeastAsync(600, TimeSpan.FromSeconds(20));
        static IEnumerable<string> Keys(List<Published> messages) =>
            messages.SelectMany(p => p.Batch.Readings.Select(r =>
            $"{p.Properties.MessageId} {r.ReadingId} {r.MeasuredAt:O} {r.Laeq} {r.Lamax}"));
        var firstRun = Keys(published).ToHashSet();
        var secondRun = Keys(again).ToHashSet();
        secondRun.Count.ShouldBe(600);
        secondRun.Except(firstRun).ShouldBeEmpty("the second run published readings the first did not");
    }

    [Fact]
    public async Task By_default_each_sensor_posts_a_packet_of_60_one_second_levels_a_minute()
    {
        await using var app = await IngestApp.StartAsync("sim-packets");
        var settings = Settings(app, count: 3 * 300, sensors: 3, seed: 5) with
        {
            EventTimeFrom = DateTimeOffset.UtcNow.AddHours(-1),
            Speed = 10_000,
        };

        var (summary, _) = await RunAsync(settings);

        summary.Accepted.ShouldBe(900, summary.ToString());
        var published = await app.Tap.ReadAtLeastAsync(900, TimeSpan.FromSeconds(20));
        foreach (var sensor in published.GroupBy(p => p.Batch.SensorId))
        {
            var packets = sensor.OrderBy(p => p.Batch.Readings[0].MeasuredAt).ToList();
            // The first packet holds the levels up to the sensor's phase, the last one what its quota left.
            packets.Skip(1).SkipLast(1).ShouldAllBe(p => p.Batch.Readings.Count == 60);
            packets.Count.ShouldBeInRange(5, 6);
            var levels = packets.SelectMany(p => p.Batch.Readings).ToList();
            levels.ShouldAllBe(r => r.DurationSeconds == 1 && r.MeasuredAt.Millisecond == 0);
            levels.Zip(levels.Skip(1), (a, b) => b.MeasuredAt - a.MeasuredAt)
                .ShouldAllBe(gap => gap == TimeSpan.FromSeconds(1));
            packets.Zip(packets.Skip(1), (a, b) => b.Batch.Readings[^1].MeasuredAt - a.Batch.Readings[^1].MeasuredAt)
                .SkipLast(1).ShouldAllBe(gap => gap == TimeSpan.FromMinutes(1));
        }
    }

    [Fact]
    public async Task With_first_packet_now_every_sensor_posts_the_last_minute_at_once()
    {
        await using var app = await IngestApp.StartAsync("sim-first");
        var started = DateTimeOffset.UtcNow;
        var settings = Settings(app, count: 4 * 60, sensors: 4, seed: 9) with { FirstPacketNow = true };

        var (summary, _) = await RunAsync(settings);

        summary.Accepted.ShouldBe(240, summary.ToString());
        var published = await app.Tap.ReadAtLeastAsync(240, TimeSpan.FromSeconds(20));
        published.Count.ShouldBe(4);
        published.ShouldAllBe(p => p.Batch.Readings.Count == 60);
        published.Readings()
            .ShouldAllBe(r => r.MeasuredAt > started.AddSeconds(-61) && r.MeasuredAt <= started.AddSeconds(1));
    }

    [Fact]
    public async Task While_the_broker_is_down_Ingest_answers_503_the_simulator_retries_and_then_every_reading_arrives()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("sim-outage");
        await using var proxy = TcpProxy.Start(TestBroker.Uri.Host, TestBroker.Uri.Port);
        var viaProxy = new UriBuilder(vhost.Uri) { Port = proxy.Port }.Uri;
        await using var app = await IngestApp.StartAsync("sim-outage", new Dictionary<string, string?>
        {
            ["RabbitMq:Uri"] = viaProxy.ToString(),
            ["Ingest:UnavailableRetryAfterSeconds"] = "1",
        }, vhost);
        var settings = Settings(app, count: 500, sensors: 10, seed: 11) with
        {
            Rate = 10,
            PacketInterval = TimeSpan.FromSeconds(1)
        };

        var (summary, runner) = await RunAsync(settings, async runner =>
        {
            await Eventually.TrueAsync(() => runner.Counters.Accepted >= 100, TimeSpan.FromSeconds(30),
                "some readings are accepted");
            proxy.Stop();
            await Eventually.TrueAsync(() => runner.Counters.Unavailable >= 5, TimeSpan.FromSeconds(30),
                "the simulator got 503s");
            proxy.Resume();
        });

        summary.Complete.ShouldBeTrue(summary.ToString());
        summary.Accepted.ShouldBe(500);
        summary.Unavailable.ShouldBeGreaterThanOrEqualTo(5);
        // At least once on the wire, exactly once by reading id: a batch retried after a partial publish repeats
        // messages with the same message ids, which downstream drops.
        var published = await app.Tap.ReadAtLeastAsync(500, TimeSpan.FromSeconds(20));
        published.AddRange(await app.Tap.TakeAllAsync());
        var readings =
            published.SelectMany(p => p.Batch.Readings.Select(r => (r.ReadingId, p.Properties.MessageId))).ToList();
        readings.Select(r => r.ReadingId).Distinct().Count().ShouldBe(500);
        readings.GroupBy(r => r.ReadingId).ShouldAllBe(g => g.Select(r => r.MessageId).Distinct().Count() == 1);
    }
}
