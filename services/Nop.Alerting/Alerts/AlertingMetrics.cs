using System.Diagnostics.Metrics;
using Nop.Contracts;

namespace Nop.Alerting.Alerts;

// Alerting's instruments (meter Nop.Alerting, served on /metrics by the service defaults). The counters count
// committed changes (AlertLedger); the gauges read the figures AlertingGaugeRefresher last queried, so a scrape never
// touches the database.
public sealed class AlertingMetrics
{
    public const string MeterName = "Nop.Alerting";

    private readonly Counter<long> _raised;
    private readonly Counter<long> _acknowledged;
    private readonly Counter<long> _suppressed;
    private readonly TimeProvider _time;
    private volatile Snapshot _last = new(0, null, new Dictionary<AlertRule, int>());

    // What one refresh read: unsent outbox rows, the oldest one's creation time, and unresolved alerts by rule.
    public sealed record Snapshot(int OutboxDepth, DateTimeOffset? OldestUnsent,
        IReadOnlyDictionary<AlertRule, int> Open);

    public AlertingMetrics(IMeterFactory meters, TimeProvider time)
    {
        _time = time;
        var meter = meters.Create(MeterName);
        _raised = meter.CreateCounter<long>("nop.alerting.alerts.raised", "{alert}", "Alerts raised, by rule.");
        _acknowledged = meter.CreateCounter<long>("nop.alerting.alerts.acknowledged", "{alert}",
            "Alerts acknowledged by an operator, by rule.");
        _suppressed = meter.CreateCounter<long>("nop.alerting.events.suppressed", "{event}",
            "Noise events that raised nothing because their sensor was in maintenance, by rule.");
        meter.CreateObservableGauge("nop.alerting.outbox.depth", () => _last.OutboxDepth, "{message}",
            "Alert events in the outbox not yet confirmed by the broker.");
        // Age at the scrape, from the oldest row's time as last read: it grows between refreshes like the real age.
        meter.CreateObservableGauge("nop.alerting.outbox.age",
            () => _last.OldestUnsent is { } oldest ? Math.Max(0, (_time.GetUtcNow() - oldest).TotalSeconds) : 0, "s",
            "Age of the oldest alert event not yet published; 0 when the outbox is empty.");
        meter.CreateObservableGauge("nop.alerting.alerts.open", ObserveOpen, "{alert}",
            "Alerts not resolved (open or acknowledged), by rule.");
    }

    public void Update(Snapshot snapshot) => _last = snapshot;

    public void Raised(AlertRule rule) => _raised.Add(1, Rule(rule));

    public void Acknowledged(AlertRule rule) => _acknowledged.Add(1, Rule(rule));

    public void Suppressed(AlertRule rule) => _suppressed.Add(1, Rule(rule));

    // Every rule, 0 included: a series that vanishes when its last alert resolves would read as "no data".
    private IEnumerable<Measurement<int>> ObserveOpen()
    {
        var open = _last.Open;
        foreach (var rule in Enum.GetValues<AlertRule>())
            yield return new Measurement<int>(open.GetValueOrDefault(rule), Rule(rule));
    }

    // The rule as the contracts write it in JSON (level, spike-rate, spike, sensor-fault).
    private static KeyValuePair<string, object?> Rule(AlertRule rule) => new("rule", rule switch
    {
        AlertRule.Level => "level",
        AlertRule.SpikeRate => "spike-rate",
        AlertRule.Spike => "spike",
        AlertRule.SensorFault => "sensor-fault",
        _ => rule.ToString(),
    });
}
