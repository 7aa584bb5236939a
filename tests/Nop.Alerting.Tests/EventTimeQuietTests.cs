using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Nop.Alerting.Alerts;
using Nop.Alerting.Tests.Support;
using Nop.Contracts;
using Nop.Testing;

namespace Nop.Alerting.Tests;

/// <summary>Quiet periods are judged in the events' own time, and never while the queue holds newer evidence.</summary>
public sealed class EventTimeQuietTests
{
    [Fact]
    public async Task After_a_long_downtime_with_spikes_queued_the_spike_alert_keeps_its_id_and_acknowledgement()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var bed = await AlertingTestBed.CreateAsync("quiet-backlog");
        var first = await bed.StartAlertingAsync(services => services.AddSingleton<TimeProvider>(clock));
        await bed.PublishAsync(Noise.Spike("s-busy", level: 105, measuredAt: clock.GetUtcNow()));
        var raised = (await bed.AlertsWhenAsync(a => a.Count == 1, "the spike alert was raised")).Single();
        var ack =
            await bed.Requests.RequestAsync<AcknowledgeAlert, AcknowledgeAlertResult>(RoutingKeys.AcknowledgeAlert,
            new AcknowledgeAlert(raised.Id, "ana", "on it"));
        ack.Outcome.ShouldBe(AcknowledgeOutcome.Acknowledged);

        // Alerting is down for 20 minutes of event time while the sensor spikes every minute.
        await first.DisposeAsync();
        for (var minute = 1; minute <= 20; minute++)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            await bed.PublishAsync(Noise.Spike("s-busy", level: 103, measuredAt: clock.GetUtcNow()));
        }

        // Started again, with the queued spikes held back: a sweep now finds the alert 20 minutes old in processing
        // time, but the spikes behind it in the queue are newer evidence.
        using var gate = new ManualResetEventSlim();
        var second = await bed.StartAlertingAsync(services =>
        {
            services.AddSingleton<TimeProvider>(clock);
            services.AddScoped(provider =>
            {
                gate.Wait(Noise.Timeout);
                return ActivatorUtilities.CreateInstance<NoiseSpikeDetectedHandler>(provider);
            });
        });
        var sweeper = second.Get<QuietAlertSweeper>();
        (await sweeper.SweepAsync(default)).ShouldBe(0, "nothing is quiet while the queue holds newer spikes");

        gate.Set();
        var handled = (await bed.AlertsWhenAsync(a => a.Single().LastSeenAt == clock.GetUtcNow(),
            "the queued spikes were handled"))
            .Single();
        await Eventually.TrueAsync(async () => await sweeper.SweepAsync(default) == 0
            && second.Get<QueueMarkerClock>().ConsumedUpTo >= clock.GetUtcNow(), Noise.Timeout,
                "a sweep after the backlog");
        handled.Id.ShouldBe(raised.Id);
        handled.State.ShouldBe(AlertState.Acknowledged);
        handled.AcknowledgedBy.ShouldBe("ana");
        var events = (await bed.EventsOfAsync(raised.Id)).Select(e => e.Type).ToList();
        events.ShouldNotContain(AlertEventType.Resolved);
        handled.Occurrences.ShouldBe(21, "the raise and the 20 queued spikes, recurrences coalesced on the alert");

        // Then ten quiet minutes of event time, and the sweeper resolves it (the sweep after the marker of 10.5 min).
        await second.SweepRoundAsync(clock, TimeSpan.FromMinutes(10.5));
        await second.SweepRoundAsync(clock, TimeSpan.FromSeconds(30));
        var alerts = await bed.AlertsWhenAsync(a => a.Single().State == AlertState.Resolved,
            "the alert resolved after its quiet period");
        alerts.Single().Id.ShouldBe(raised.Id);
        (await bed.PublishedAsync(3)).Select(p => p.RoutingKey)
            .ShouldBe([RoutingKeys.AlertRaised, RoutingKeys.AlertAcknowledged, RoutingKeys.AlertResolved]);
    }
}
