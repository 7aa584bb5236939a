using Microsoft.Extensions.Time.Testing;
using Nop.Simulator;
using Nop.Simulator.Generation;
using Nop.Simulator.Running;
using Nop.Testing;

namespace Nop.Ingest.Tests.Simulator;

/// <summary>
/// <c>--backfill</c> against the real Ingest and broker, on a clock that moves only when the test says so: the past
/// hours go out without waiting for the clock, in order, as packets of a minute, and then the run is live.
/// </summary>
public sealed class BackfillTests
{
    [Fact]
    public async Task A_23_hour_backfill_posts_every_past_packet_in_order_at_once_then_one_packet_a_minute()
    {
        // Ingest's per-key limit out of the way: the simulator's own pace is what is tested.
        await using var app = await IngestApp.StartAsync("sim-backfill", new Dictionary<string, string?>
        {
            ["Ingest:RateLimit:RequestsPerSecond"] = "100000",
            ["Ingest:RateLimit:Burst"] = "100000",
        });
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var start = time.GetUtcNow();
        var settings = new SimulatorSettings
        {
            Url = app.BaseAddress,
            CatalogPath = IngestApp.DevCatalogPath,
            Sensors = 3,
            Seed = 16,
            // 10 s levels: 6 a packet, 8,280 per sensor in 23 hours.
            Rate = 0.1,
            Profile = Profile.City,
            Backfill = TimeSpan.FromHours(23),
        };
        var sensors = SimulatorCatalogue.Spread(SimulatorCatalogue.Load(settings.CatalogPath, null), 3);
        using var http = new HttpClient();
        var runner = new SimulatorRunner(settings, http, TextWriter.Null, time);
        using var stop = new CancellationTokenSource();
        var run = runner.RunAsync(sensors, stop.Token);

        // Each sensor posts at its own second of the minute: its last past packet is the last one due by now, and
        // holds the 10 s levels up to that second.
        var lastLevel = sensors.ToDictionary(sensor => sensor.Id, sensor =>
        {
            var schedule = new PacketSchedule(start.AddHours(-23), TimeSpan.FromMinutes(1),
                TimeSpan.FromMinutes(1) * PacketSchedule.Phase(settings.Seed, sensor.Id), firstPacketNow: false);
            var packet = schedule.First;
            while (schedule.After(packet) <= start)
            {
                packet = schedule.After(packet);
            }
            return packet.AddTicks(-(packet.UtcTicks % TimeSpan.FromSeconds(10).Ticks));
        });
        var backfilled = new List<Published>();
        await Eventually.TrueAsync(async () =>
        {
            backfilled.AddRange(await app.Tap.TakeAllAsync());
            // Each sensor's own last level: the sensors' 10 s levels share time stamps.
            return lastLevel.All(last => backfilled.Any(p =>
                p.Batch.SensorId == last.Key && p.Batch.Readings.Any(r => r.MeasuredAt == last.Value)));
        }, TimeSpan.FromMinutes(3), $"23 hours arrive without the clock moving (accepted {runner.Counters.Accepted})");
        runner.Counters.Accepted.ShouldBe(backfilled.Readings().Count());

        time.GetUtcNow().ShouldBe(start, "nothing advanced the clock: no packet waited for it");
        foreach (var sensor in backfilled.GroupBy(p => p.Batch.SensorId))
        {
            var packets = sensor.ToList();
            var readings = packets.SelectMany(p => p.Batch.Readings).Select(r => r.MeasuredAt).ToList();
            readings[0].ShouldBeInRange(start.AddHours(-23), start.AddHours(-23).AddSeconds(10));
            readings[^1].ShouldBe(lastLevel[sensor.Key]);
            // In order, as posted, none missing and none twice: every level 10 s after the one before.
            readings.Zip(readings.Skip(1), (a, b) => b - a).ShouldAllBe(gap => gap == TimeSpan.FromSeconds(10));
            packets.Skip(1).ShouldAllBe(p => p.Batch.Readings.Count == 6, "a packet of a minute, as live");
        }
        backfilled.Select(p => p.Batch.SensorId).Distinct().Count().ShouldBe(3);
        // The profile follows the event time of day: the city's traffic is louder at 17:00 than at 03:00 UTC.
        var levels = backfilled.SelectMany(p => p.Batch.Readings).ToList();
        double Mean(int hour) => levels.Where(r => r.MeasuredAt.UtcDateTime.Hour == hour).Average(r => r.Laeq);
        Mean(17).ShouldBeGreaterThan(Mean(3) + 10);

        // Live: one more minute on the clock brings one packet per sensor, the minute after the backfill.
        var before = runner.Counters.Accepted;
        time.Advance(TimeSpan.FromMinutes(1));
        await Eventually.TrueAsync(() => runner.Counters.Accepted == before + 18, TimeSpan.FromSeconds(30),
            "one live packet of 6 readings per sensor");
        var live = await app.Tap.ReadAtLeastAsync(18, TimeSpan.FromSeconds(30));
        live.Count.ShouldBe(3);
        foreach (var packet in live)
        {
            // The minute after the backfill's last level, with nothing left out or posted twice.
            var last = lastLevel[packet.Batch.SensorId];
            packet.Batch.Readings.Select(r => r.MeasuredAt)
                .ShouldBe(Enumerable.Range(1, 6).Select(i => last.AddSeconds(10 * i)));
        }

        await stop.CancelAsync();
        var summary = await run.WaitAsync(TimeSpan.FromSeconds(30));
        summary.Complete.ShouldBeTrue(summary.ToString());
        (summary.Throttled + summary.Unavailable + summary.FailedAttempts).ShouldBe(0, summary.ToString());
    }
}
