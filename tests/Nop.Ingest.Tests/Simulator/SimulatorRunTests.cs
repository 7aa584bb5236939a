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
        BatchSize = 50,
        FlushInterval = TimeSpan.FromMilliseconds(100),
        DrainTimeout = TimeSpan.FromSeconds(60),
    };

    private static async Task<(SimulationSummary Summary, SimulatorRunner Runner)> RunAsync(SimulatorSettings settings, Func<SimulatorRunner, Task>? during = null)
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
    public async Task A_replayed_hour_is_accepted_whole_and_published_once_per_reading_and_the_same_seed_publishes_the_same_readings()
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
        published.Count.ShouldBe(600);
        published.Select(p => p.Reading.ReadingId).Distinct().Count().ShouldBe(600);
        published.Select(p => p.Reading.SensorId).Distinct().Count().ShouldBe(12);
        published.ShouldAllBe(p => p.Reading.ReadingId.StartsWith("sim-00000007-", StringComparison.Ordinal));
        published.Min(p => p.Reading.MeasuredAt).ShouldBeLessThan(DateTimeOffset.UtcNow.AddMinutes(-100));

        // The same seed and event times again: the same readings, with the same message ids, so downstream counts them once.
        var (second, _) = await RunAsync(settings with { EventTimeFrom = settings.EventTimeFrom });
        second.Accepted.ShouldBe(600);
        var again = await app.Tap.ReadAtLeastAsync(600, TimeSpan.FromSeconds(20));
        static string Key(Published p) => $"{p.Properties.MessageId} {p.Reading.ReadingId} {p.Reading.MeasuredAt:O} {p.Reading.Laeq} {p.Reading.Lamax}";
        var firstRun = published.Select(Key).ToHashSet();
        var secondRun = again.Select(Key).ToHashSet();
        secondRun.Count.ShouldBe(600);
        secondRun.Except(firstRun).ShouldBeEmpty("the second run published readings the first did not");
    }

    [Fact]
    public async Task While_the_broker_is_down_Ingest_answers_503_the_simulator_retries_and_afterwards_every_reading_arrives()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("sim-outage");
        await using var proxy = TcpProxy.Start(TestBroker.Uri.Host, TestBroker.Uri.Port);
        var viaProxy = new UriBuilder(vhost.Uri) { Port = proxy.Port }.Uri;
        await using var app = await IngestApp.StartAsync("sim-outage", new Dictionary<string, string?>
        {
            ["RabbitMq:Uri"] = viaProxy.ToString(),
            ["Ingest:UnavailableRetryAfterSeconds"] = "1",
        }, vhost);
        var settings = Settings(app, count: 500, sensors: 10, seed: 11) with { Rate = 10 };

        var (summary, runner) = await RunAsync(settings, async runner =>
        {
            await Eventually.TrueAsync(() => runner.Counters.Accepted >= 100, TimeSpan.FromSeconds(30), "some readings are accepted");
            proxy.Stop();
            await Eventually.TrueAsync(() => runner.Counters.Unavailable >= 5, TimeSpan.FromSeconds(30), "the simulator got 503s");
            proxy.Resume();
        });

        summary.Complete.ShouldBeTrue(summary.ToString());
        summary.Accepted.ShouldBe(500);
        summary.Unavailable.ShouldBeGreaterThanOrEqualTo(5);
        // At least once on the wire, exactly once by reading id: a batch retried after a partial publish repeats messages
        // with the same message ids, which downstream drops.
        var published = await app.Tap.ReadAtLeastAsync(500, TimeSpan.FromSeconds(20));
        published.AddRange(await app.Tap.TakeAllAsync());
        published.Select(p => p.Reading.ReadingId).Distinct().Count().ShouldBe(500);
        published.GroupBy(p => p.Reading.ReadingId).ShouldAllBe(g => g.Select(p => p.Properties.MessageId).Distinct().Count() == 1);
    }
}
