using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Nop.Alerting.Alerts;
using Nop.Alerting.Tests.Support;
using Nop.Contracts;

namespace Nop.Alerting.Tests;

/// <summary>A sensor-fault alert ends when the sensor is back, not by a timer.</summary>
public sealed class FaultRecoveryTests
{
    [Fact]
    public async Task A_fault_alert_stays_open_while_the_fault_lasts_and_resolves_once_on_the_recovery_in_order()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var bed = await AlertingTestBed.CreateAsync("fault-recovery");
        var app = await bed.StartAlertingAsync(services => services.AddSingleton<TimeProvider>(clock));
        var t0 = clock.GetUtcNow().AddMinutes(-1);

        await bed.PublishAsync(Noise.Fault("s-off", SensorFault.Offline, lastSeenAt: t0));
        var fault = (await bed.AlertsWhenAsync(a => a.Count == 1, "the fault alert was raised")).Single();

        // Two hours without another report: the sensor is still silent, so the alert stays.
        for (var i = 0; i < 4; i++)
        {
            await app.SweepRoundAsync(clock, TimeSpan.FromMinutes(30));
        }
        (await app.Get<QuietAlertSweeper>().SweepAsync(default)).ShouldBe(0);
        (await bed.AlertsWhenAsync(a => a.Count == 1, "one alert")).Single().State.ShouldBe(AlertState.Open);

        // Back: resolved once, however often the recovery is delivered.
        var recovered = Noise.Recovered("s-off", t0.AddMinutes(125), SensorFault.Offline);
        await bed.PublishAsync(recovered, "m-back");
        await bed.PublishAsync(recovered, "m-back");
        await bed.AlertsWhenAsync(a => a.Single().State == AlertState.Resolved,
            "the fault alert resolved on the recovery");

        // A report older than the recovery (overtaken on its way, e.g. through a retry) raises nothing;
        // a new fault after it does.
        await bed.PublishAsync(Noise.Fault("s-off", SensorFault.Offline, lastSeenAt: t0.AddMinutes(100)));
        await bed.PublishAsync(Noise.Fault("s-off", SensorFault.Stuck, lastSeenAt: t0.AddMinutes(130)), "m-stuck");
        var alerts = await bed.AlertsWhenAsync(a => a.Count == 2, "the new fault raised a new alert");
        alerts.Single(a => a.Id != fault.Id).State.ShouldBe(AlertState.Open);
        alerts.Single(a => a.Id != fault.Id).Message.ShouldStartWith("Sensor stuck");

        // A recovery older than the fault it would end (the stuck report overtook it) resolves nothing.
        await bed.PublishAsync(Noise.Recovered("s-off", t0.AddMinutes(128)), "m-old-back");
        await bed.PublishAsync(Noise.Recovered("s-other", t0)); // no alert to end: nothing happens
        await bed.PublishAsync(Noise.Recovered("s-off", t0.AddMinutes(131)), "m-back-again");
        await bed.AlertsWhenAsync(a => a.Count == 2 && a.All(x => x.State == AlertState.Resolved),
            "the second fault resolved");

        (await bed.EventsOfAsync(fault.Id)).Select(e => e.Type)
            .ShouldBe([AlertEventType.Raised, AlertEventType.Resolved]);
        var published = await bed.PublishedAsync(4);
        published.Select(p => p.RoutingKey).ShouldBe(
            [RoutingKeys.AlertRaised, RoutingKeys.AlertResolved, RoutingKeys.AlertRaised, RoutingKeys.AlertResolved]);
        published[1].CausationId.ShouldBe("m-back");
        published[3].CausationId.ShouldBe("m-back-again");
    }
}
