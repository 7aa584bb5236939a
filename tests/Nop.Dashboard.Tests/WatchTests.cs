using Microsoft.AspNetCore.SignalR.Client;
using Nop.Dashboard.Hub;
using Nop.Testing;

namespace Nop.Dashboard.Tests;

/// <summary>A page receives readings and windows only of the sensors it said it shows.</summary>
public sealed class WatchTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_page_showing_sensor_A_gets_none_of_B_s_levels_or_readings_and_a_page_that_never_said_gets_both()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-watch");
        await using var broker = await BrokerSide.StartAsync(vhost);
        await using var dashboard = await DashboardApp.StartAsync(vhost);
        var showsA = await dashboard.OpenPageAsync();
        var everything = await dashboard.OpenPageAsync();
        await broker.PublishBatchAsync(Make.Batch("dev-001", 50));
        await Eventually.TrueAsync(() => everything.Readings.Any(r => r.Tick.SensorId == "dev-001"), Wait,
            "a first reading is seen");

        var current =
            await showsA.Connection.InvokeAsync<SensorView[]>(nameof(DashboardHub.Watch), new[] { "dev-001" });
        current.Single().Reading!.Laeq.ShouldBe(50, "the hub answers the sensor's current value");
        var readingsBefore = showsA.Readings.Count;

        foreach (var sensor in new[] { "dev-002", "dev-001" })
        {
            await broker.PublishLevelAsync(Make.Level(sensor, 61));
            await broker.PublishBatchAsync(Make.Batch(sensor, 62));
        }
        await Eventually.TrueAsync(() =>
            everything.Levels.Count == 2 && everything.Readings.Count(r => r.Tick.Laeq == 62) == 2,
            Wait, "the page that never said gets both sensors");
        // B's events were published before A's, on the same queues: had they been sent to this page, they are here now.
        await Eventually.TrueAsync(() => showsA.Levels.Any(l => l.SensorId == "dev-001")
            && showsA.Readings.Any(r => r.Tick is { SensorId: "dev-001", Laeq: 62 }), Wait,
                "the page showing A gets A's");

        showsA.Levels.ShouldAllBe(l => l.SensorId == "dev-001");
        showsA.Readings.Skip(readingsBefore).ShouldAllBe(r => r.Tick.SensorId == "dev-001");
    }
}
