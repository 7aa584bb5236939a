using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Nop.Alerting.Alerts;
using Nop.Alerting.Tests.Support;
using Nop.Contracts;

namespace Nop.Alerting.Tests;

public sealed class LifecycleTests
{
    [Fact]
    public async Task Alert_is_raised_escalated_acknowledged_and_resolved_with_its_events_and_read_model()
    {
        await using var bed = await AlertingTestBed.CreateAsync("lifecycle");
        await bed.StartAlertingAsync();

        await bed.PublishAsync(Noise.Exceeded("s-1", level: 67), "m-raise", "corr-raise");
        var raised = (await bed.AlertsWhenAsync(a => a.Count == 1, "the alert was raised")).Single();
        raised.State.ShouldBe(AlertState.Open);
        raised.Severity.ShouldBe(AlertSeverity.Info); // 2 dB over
        raised.CorrelationId.ShouldBe("corr-raise");

        await bed.PublishAsync(Noise.Exceeded("s-1", level: 78), "m-escalate", "corr-escalate");
        await bed.AlertsWhenAsync(a => a.Single().Version == 2, "the alert was escalated");

        var ack = await bed.Requests.RequestAsync<AcknowledgeAlert, AcknowledgeAlertResult>(
            RoutingKeys.AcknowledgeAlert, new AcknowledgeAlert(raised.Id, "olga", "crew on site"), "corr-ack");
        ack.Outcome.ShouldBe(AcknowledgeOutcome.Acknowledged);
        ack.Alert!.State.ShouldBe(AlertState.Acknowledged);
        ack.Alert.AcknowledgedBy.ShouldBe("olga");
        ack.Alert.AcknowledgeComment.ShouldBe("crew on site");

        await bed.PublishAsync(Noise.Cleared("s-1"), "m-clear", "corr-clear");
        var alert = (await bed.AlertsWhenAsync(a => a.Single().State == AlertState.Resolved, "the alert was resolved"))
            .Single();

        alert.Id.ShouldBe(raised.Id);
        alert.Severity.ShouldBe(AlertSeverity.Critical); // 13 dB over
        alert.Level.ShouldBe(78);
        alert.Threshold.ShouldBe(65);
        alert.AcknowledgedBy.ShouldBe("olga");
        alert.AcknowledgeComment.ShouldBe("crew on site");
        // The sensor's alert history (the Dashboard's /api/alerts/sensors/{id}) shows the comment too.
        var history = await bed.Requests.RequestAsync<GetSensorAlerts, AlertPage>(
            RoutingKeys.AlertQuery, new GetSensorAlerts("s-1"));
        history.Items.ShouldHaveSingleItem().AcknowledgeComment.ShouldBe("crew on site");
        alert.ResolvedReason!.ShouldStartWith("Cleared");
        alert.CorrelationId.ShouldBe("corr-raise");
        alert.Version.ShouldBe(4);

        var events = await bed.EventsOfAsync(alert.Id);
        events.Select(e => (e.Sequence, e.Type, e.By, e.CorrelationId, e.CausationId)).ShouldBe(
        [
            (1, AlertEventType.Raised, "alerting", "corr-raise", "m-raise"),
            (2, AlertEventType.Escalated, "alerting", "corr-escalate", "m-escalate"),
            (3, AlertEventType.Acknowledged, "olga", "corr-ack", events[2].CausationId),
            (4, AlertEventType.Resolved, "alerting", "corr-clear", "m-clear"),
        ]);
        events[2].CausationId.ShouldNotBeNullOrEmpty();

        var published = await bed.PublishedAsync(4);
        published.Select(p => (p.RoutingKey, p.Type, p.CorrelationId)).ShouldBe(
        [
            (RoutingKeys.AlertRaised, AlertRaised.MessageType, "corr-raise"),
            (RoutingKeys.AlertEscalated, AlertEscalated.MessageType, "corr-escalate"),
            (RoutingKeys.AlertAcknowledged, AlertAcknowledged.MessageType, "corr-ack"),
            (RoutingKeys.AlertResolved, AlertResolved.MessageType, "corr-clear"),
        ]);
        published[0].CausationId.ShouldBe("m-raise");
        var body = published[0].Json();
        body.GetProperty("alertId").GetGuid().ShouldBe(alert.Id);
        body.GetProperty("sensorId").GetString().ShouldBe("s-1");
        body.GetProperty("rule").GetString().ShouldBe("level");
        body.GetProperty("severity").GetString().ShouldBe("info");
        body.GetProperty("level").GetDouble().ShouldBe(67);
        body.GetProperty("threshold").GetDouble().ShouldBe(65);
        body.GetProperty("raisedAt").GetDateTimeOffset().ShouldBe(alert.RaisedAt);

        var details =
            await bed.Requests.RequestAsync<GetAlert, AlertDetails>(RoutingKeys.AlertQuery, new GetAlert(alert.Id));
        details.Alert!.State.ShouldBe(AlertState.Resolved);
        details.History.Select(h => h.EventType).ShouldBe(["raised", "escalated", "acknowledged", "resolved"]);
        details.History[2].By.ShouldBe("olga");
        details.History[2].Data.ShouldContain("crew on site");
    }

    [Fact]
    public async Task Acknowledging_twice_a_resolved_alert_or_an_unknown_one_is_answered_with_its_outcome()
    {
        await using var bed = await AlertingTestBed.CreateAsync("ack");
        await bed.StartAlertingAsync();
        await bed.PublishAsync(Noise.Exceeded("s-open", level: 70));
        await bed.PublishAsync(Noise.Exceeded("s-gone", level: 70));
        await bed.PublishAsync(Noise.Cleared("s-gone"));
        var alerts = await bed.AlertsWhenAsync(a => a.Count == 2 && a.Any(x => x.State == AlertState.Resolved),
            "both alerts were stored");
        var open = alerts.Single(a => a.SensorId == "s-open");
        var resolved = alerts.Single(a => a.SensorId == "s-gone");

        Task<AcknowledgeAlertResult> Acknowledge(Guid id, string by) =>
            bed.Requests.RequestAsync<AcknowledgeAlert, AcknowledgeAlertResult>(RoutingKeys.AcknowledgeAlert,
                new AcknowledgeAlert(id, by, null));

        (await Acknowledge(open.Id, "ana")).Outcome.ShouldBe(AcknowledgeOutcome.Acknowledged);
        var twice = await Acknowledge(open.Id, "ben");
        twice.Outcome.ShouldBe(AcknowledgeOutcome.AlreadyAcknowledged);
        twice.Alert!.AcknowledgedBy.ShouldBe("ana");
        (await Acknowledge(resolved.Id, "ana")).Outcome.ShouldBe(AcknowledgeOutcome.AlreadyResolved);
        var unknown = await Acknowledge(Guid.NewGuid(), "ana");
        unknown.Outcome.ShouldBe(AcknowledgeOutcome.NotFound);
        unknown.Alert.ShouldBeNull();

        // Only the first acknowledgement changed anything.
        (await bed.EventsOfAsync(open.Id)).Select(e => e.Type)
            .ShouldBe([AlertEventType.Raised, AlertEventType.Acknowledged]);
        (await bed.EventsOfAsync(resolved.Id)).Select(e => e.Type)
            .ShouldBe([AlertEventType.Raised, AlertEventType.Resolved]);
        (await bed.PublishedAsync(4)).Count(p => p.RoutingKey == RoutingKeys.AlertAcknowledged).ShouldBe(1);

        await Should.ThrowAsync<Nop.Messaging.RequestFailedException>(() => Acknowledge(open.Id, " "));

        // Worse than what was acknowledged (warning to critical): it is open again and needs a person.
        await bed.PublishAsync(Noise.Exceeded("s-open", level: 80));
        var reopened = (await bed.AlertsWhenAsync(a => a.Single(x => x.Id == open.Id).Version == 3,
            "the acknowledged alert was escalated"))
            .Single(x => x.Id == open.Id);
        reopened.State.ShouldBe(AlertState.Open);
        reopened.Severity.ShouldBe(AlertSeverity.Critical);
        reopened.AcknowledgedBy.ShouldBeNull();
        (await Acknowledge(open.Id, "ben")).Outcome.ShouldBe(AcknowledgeOutcome.Acknowledged);
    }

    [Fact]
    public async Task Spike_alerts_escalate_record_recurrences_and_resolve_after_their_quiet_period_in_event_time()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var bed = await AlertingTestBed.CreateAsync("spike");
        var app = await bed.StartAlertingAsync(services => services.AddSingleton<TimeProvider>(clock));

        await bed.PublishAsync(Noise.Spike("s-loud", level: 105, measuredAt: clock.GetUtcNow()));
        var spike = (await bed.AlertsWhenAsync(a => a.Count == 1, "the spike alert was raised")).Single();
        spike.Rule.ShouldBe(AlertRule.Spike);
        spike.Severity.ShouldBe(AlertSeverity.Warning); // 5 dB over the spike level

        clock.Advance(TimeSpan.FromMinutes(5)); // a recurrence interval: stored as an event
        var measured = clock.GetUtcNow().AddSeconds(-3); // its event time, not when Alerting handled it
        // no worse: recorded, not announced
        await bed.PublishAsync(Noise.Spike("s-loud", level: 103, measuredAt: measured));
        spike = (await bed.AlertsWhenAsync(a => a.Single().Version == 2, "the recurrence was recorded")).Single();
        spike.LastSeenAt.ShouldBe(measured);
        spike.Level.ShouldBe(105);

        await bed.PublishAsync(Noise.Spike("s-loud", level: 112, measuredAt: measured));
        await bed.PublishAsync(Noise.Fault("s-stuck"));
        await bed.AlertsWhenAsync(a =>
            a.Count == 2 && a.Single(x => x.Rule == AlertRule.Spike).Severity == AlertSeverity.Critical,
            "the spike alert was escalated and the fault alert raised");

        // Nine quiet minutes: not yet. Ten and a half: the spike alert resolves; the fault alert stays (it has no
        // timer).
        await app.SweepRoundAsync(clock, TimeSpan.FromMinutes(9));
        (await app.Get<QuietAlertSweeper>().SweepAsync(default)).ShouldBe(0);
        await app.SweepRoundAsync(clock, TimeSpan.FromMinutes(1.5));
        await app.SweepRoundAsync(clock, TimeSpan.FromSeconds(30));
        var alerts = await bed.AlertsWhenAsync(a =>
            a.Single(x => x.Rule == AlertRule.Spike).State == AlertState.Resolved, "the spike alert resolved");
        alerts.Single(x => x.Rule == AlertRule.SensorFault).State.ShouldBe(AlertState.Open);

        (await bed.EventsOfAsync(spike.Id)).Select(e => e.Type).ShouldBe(
            [AlertEventType.Raised, AlertEventType.Recurred, AlertEventType.Escalated, AlertEventType.Resolved]);
        var published = await bed.PublishedAsync(4);
        published.Select(p => p.RoutingKey).ShouldBe(
            [RoutingKeys.AlertRaised, RoutingKeys.AlertEscalated, RoutingKeys.AlertRaised, RoutingKeys.AlertResolved]);
        // A resolution nobody sent a message for still carries the alert's own correlation id.
        published[3].CorrelationId.ShouldBe(spike.CorrelationId);
    }
}
