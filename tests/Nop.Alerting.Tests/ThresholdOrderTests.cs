using Microsoft.EntityFrameworkCore;
using Nop.Alerting.Tests.Support;
using Nop.Contracts;
using Nop.Testing;

namespace Nop.Alerting.Tests;

/// <summary>
/// With competing consumers (several instances) or after a retry, a sensor's Cleared can arrive before the Exceeded
/// that preceded it. Alerting decides by the events' windows, not by arrival.
/// </summary>
public sealed class ThresholdOrderTests
{
    [Fact]
    public async Task A_cleared_that_overtook_its_exceeded_leaves_no_open_alert_the_normal_order_raises_and_resolves()
    {
        await using var bed = await AlertingTestBed.CreateAsync("order");
        await bed.StartAlertingAsync();

        // Overtaken: the cleared of minute 5 arrives before the exceeded of minute 3.
        await bed.PublishAsync(Noise.Cleared("s-late", windowEnd: Noise.WindowEnd(5)), "late-clear");
        await bed.PublishAsync(Noise.Exceeded("s-late", level: 72, windowEnd: Noise.WindowEnd(3)), "late-exceed");
        // In order: raised at minute 3, resolved at minute 5, raised again by a newer episode at minute 9 that a stale
        // cleared (minute 6, arriving last) does not close.
        await bed.PublishAsync(Noise.Exceeded("s-normal", level: 72, windowEnd: Noise.WindowEnd(3)), "normal-exceed");
        await bed.PublishAsync(Noise.Cleared("s-normal", windowEnd: Noise.WindowEnd(5)), "normal-clear");
        await bed.PublishAsync(Noise.Exceeded("s-normal", level: 70, windowEnd: Noise.WindowEnd(9)), "again-exceed");
        await bed.PublishAsync(Noise.Cleared("s-normal", windowEnd: Noise.WindowEnd(6)), "stale-clear");

        await Eventually.TrueAsync(async () =>
        {
            await using var db = bed.OpenDatabase();
            return await db.Inbox.CountAsync() == 6;
        }, Noise.Timeout, "all six events were handled");

        var alerts = await bed.AlertsWhenAsync(_ => true, "read the alerts");
        alerts.ShouldNotContain(a => a.SensorId == "s-late", "the late exceeded must not raise what its cleared ended");
        var normal = alerts.Where(a => a.SensorId == "s-normal").OrderBy(a => a.RaisedAt).ToList();
        normal.Select(a => a.State).ShouldBe([AlertState.Resolved, AlertState.Open]);
        normal[1].Level.ShouldBe(70);
        var published = await bed.PublishedAsync(3);
        // The relay publishes different alerts' rows concurrently (one alert's in order): which alert's comes first is
        // open.
        published.Select(p => p.RoutingKey)
            .ShouldBe([RoutingKeys.AlertRaised, RoutingKeys.AlertResolved, RoutingKeys.AlertRaised],
            ignoreOrder: true);
    }
}
