using Nop.Contracts;
using Nop.Testing;

namespace Nop.Dashboard.Tests;

/// <summary>The readings feed carries one batch per request and sensor, and for one release the old single
/// reading.</summary>
public sealed class ReadingBatchTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_batch_is_one_update_showing_its_latest_reading_and_adds_a_sensor_first_seen_in_it()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-batch");
        await using var broker = await BrokerSide.StartAsync(vhost);
        await using var dashboard = await DashboardApp.StartAsync(vhost);
        var page = await dashboard.OpenPageAsync();

        // 60 one-second levels, posted out of order: the latest (00:59, 45.9 dB) sits in the middle of the list and
        // the last one in the list is the earliest (00:00, 40.0 dB).
        var minute = new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero);
        var readings = Enumerable.Range(0, 60).Select(i => (Laeq: 40 + i * 0.1, At: minute.AddSeconds(i + 1))).ToList();
        var latest = readings[^1];
        readings.RemoveAt(59);
        readings.Insert(30, latest);
        readings.Add(readings[0]);
        readings.RemoveAt(0);
        var batch = Make.Batch("pop-up-7", [.. readings]) with
        {
            Zone = Zone.Quiet,
            Location = new GeoLocation(48.21, 16.36),
        };
        await broker.PublishBatchAsync(batch);

        await Eventually.TrueAsync(() => page.Readings.Any(r => r.Tick.SensorId == "pop-up-7"), Wait,
            "the batch is pushed");
        // Several push intervals more: a batch must not trickle out as one push per reading.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var ticks = page.Readings.Where(r => r.Tick.SensorId == "pop-up-7").Select(r => r.Tick).ToArray();
        ticks.Length.ShouldBe(1, "one update for the sensor's batch of 60 readings");
        ticks[0].Laeq.ShouldBe(45.9, 1e-9);
        ticks[0].MeasuredAt.ShouldBe(minute.AddMinutes(1));
        ticks[0].Lamax!.Value.ShouldBe(49.9, 1e-9);

        var snapshot = await page.GetSnapshotAsync();
        var sensor = snapshot.Sensors.Single(s => s.Id == "pop-up-7");
        sensor.Zone.ShouldBe(Zone.Quiet, "the zone the batch carries");
        sensor.Location.ShouldBe(new GeoLocation(48.21, 16.36));
        sensor.Reading!.Laeq.ShouldBe(45.9, 1e-9);
    }

    [Fact]
    public async Task An_old_single_reading_message_is_still_shown_and_an_older_one_does_not_move_the_live_value_back()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-single");
        await using var broker = await BrokerSide.StartAsync(vhost);
        await using var dashboard = await DashboardApp.StartAsync(vhost);
        var page = await dashboard.OpenPageAsync();
        var now = DateTimeOffset.UtcNow;

        await broker.PublishReadingAsync(Make.Reading("legacy-3", 52.4, now) with { Zone = Zone.Industrial });
        await Eventually.TrueAsync(() => page.Readings.Any(r => r.Tick is { SensorId: "legacy-3", Laeq: 52.4 }), Wait,
            "the single reading is pushed");

        await broker.PublishBatchAsync(Make.Batch("legacy-3", (61.0, now.AddSeconds(1))));
        await Eventually.TrueAsync(() => page.Readings.Any(r => r.Tick is { SensorId: "legacy-3", Laeq: 61.0 }), Wait,
            "the newer batch is pushed");
        await broker.PublishReadingAsync(Make.Reading("legacy-3", 30.0, now.AddSeconds(-10)));
        await broker.PublishBatchAsync(Make.Batch("dev-001", 55));
        await Eventually.TrueAsync(() => page.Readings.Any(r => r.Tick.SensorId == "dev-001"), Wait,
            "a later batch is pushed");

        page.Readings.ShouldNotContain(r => r.Tick.SensorId == "legacy-3" && r.Tick.Laeq == 30.0,
            "a late single reading does not replace a newer live value");
        var sensor = (await page.GetSnapshotAsync()).Sensors.Single(s => s.Id == "legacy-3");
        sensor.Zone.ShouldBe(Zone.Industrial, "a sensor first seen in a single reading is added to the catalogue");
        sensor.Reading!.Laeq.ShouldBe(61.0);
    }
}
