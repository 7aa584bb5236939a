using System.Globalization;
using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.Messaging;

namespace Nop.Alerting.Alerts;

// Severity of a dB rule from how far the level is above the rule's threshold: below
// AlertingOptions.WarningExcess info, below AlertingOptions.CriticalExcess warning, else
// critical. A spike-rate rule counts spikes, so dB bands mean nothing there (see OfSpikeCount).
public sealed class SeverityBands(IOptions<AlertingOptions> options)
{
    public AlertSeverity Of(double level, double threshold)
    {
        var excess = level - threshold;
        return excess >= options.Value.CriticalExcess ? AlertSeverity.Critical
            : excess >= options.Value.WarningExcess ? AlertSeverity.Warning
            : AlertSeverity.Info;
    }

    // More spikes in one window than allowed is at least a warning: each spike is already a loud event of its own.
    // Twice the allowed count or more is critical: the place is being hit over and over.
    public static AlertSeverity OfSpikeCount(double count, double limit) =>
        count >= 2 * limit ? AlertSeverity.Critical : AlertSeverity.Warning;
}

// K windows above the threshold (level) or too many spikes in a window (spike rate): raise, escalate or record,
// unless a later threshold event of the sensor and rule was applied already.
public sealed class NoiseThresholdExceededHandler(AlertLedger ledger, SeverityBands severity)
    : IMessageHandler<NoiseThresholdExceeded>
{
    public Task HandleAsync(NoiseThresholdExceeded message, MessageContext context, CancellationToken cancellationToken)
    {
        var text = message.Rule == AlertRule.SpikeRate
            ? string.Create(CultureInfo.InvariantCulture,
                $"{message.Level:0} spikes in one window, more than {message.Threshold:0}")
            : string.Create(CultureInfo.InvariantCulture,
                $"LAeq {message.Level:0.0} dB(A) above the {message.Period.ToString().ToLowerInvariant()} " +
                $"threshold of {message.Threshold:0.0} dB(A) for {message.ConsecutiveWindows} window(s)");
        return RaiseOrReport.HandleAsync(ledger, message.SensorId, message.Zone, message.Rule,
            message.Rule == AlertRule.SpikeRate
                ? SeverityBands.OfSpikeCount(message.Level, message.Threshold)
                : severity.Of(message.Level, message.Threshold),
            message.Level, message.Threshold, text, message.WindowEnd, message.WindowStart, context,
            cancellationToken, orderedAt: message.WindowEnd);
    }
}

// M windows back below the threshold: resolves the open alert of that rule, if there is one, unless a later
// threshold event of the sensor and rule was applied already.
public sealed class NoiseThresholdClearedHandler(AlertLedger ledger) : IMessageHandler<NoiseThresholdCleared>
{
    public Task HandleAsync(NoiseThresholdCleared message, MessageContext context,
        CancellationToken cancellationToken) =>
        ledger.ChangeAsync(async ct =>
        {
            if (await ledger.AdvanceThresholdAsync(message.SensorId, message.Rule, message.WindowEnd, ct)
                && await ledger.FindOpenAsync(message.SensorId, message.Rule, ct) is { } alert)
            {
                ledger.Resolve(alert, string.Create(CultureInfo.InvariantCulture,
                    $"Cleared: {message.Level:0.0} below the threshold of {message.Threshold:0.0}"),
                    Cause.Of(context.Envelope));
            }
            return true;
        }, waitForDatabase: true, cancellationToken);
}

// A single reading above the spike level: one spike alert per sensor, resolved after a quiet period in event
// time (QuietAlertSweeper).
public sealed class NoiseSpikeDetectedHandler(AlertLedger ledger, SeverityBands severity)
    : IMessageHandler<NoiseSpikeDetected>
{
    public Task HandleAsync(NoiseSpikeDetected message, MessageContext context, CancellationToken cancellationToken) =>
        RaiseOrReport.HandleAsync(ledger, message.SensorId, message.Zone, AlertRule.Spike,
            severity.Of(message.Level, message.SpikeLevel), message.Level, message.SpikeLevel,
            string.Create(CultureInfo.InvariantCulture,
                $"Spike of {message.Level:0.0} dB(A), above {message.SpikeLevel:0.0} dB(A)"),
            message.MeasuredAt, message.MeasuredAt, context, cancellationToken);
}

// A stuck, implausible or offline sensor: a warning per sensor, resolved when the sensor is back
// (SensorFaultClearedHandler), never by a timer. Reports and recoveries of a sensor may arrive out of
// order (they come from the classifier and the aggregator, and through retries): they are applied in the order of
// their readings' event time (a ThresholdMark with rule sensor-fault), so a report older than an
// applied recovery changes nothing.
public sealed class SensorFaultDetectedHandler(AlertLedger ledger) : IMessageHandler<SensorFaultDetected>
{
    public Task HandleAsync(SensorFaultDetected message, MessageContext context, CancellationToken cancellationToken)
    {
        var readingTime = message.LastSeenAt ?? message.DetectedAt;
        return RaiseOrReport.HandleAsync(ledger, message.SensorId, message.Zone, AlertRule.SensorFault,
            AlertSeverity.Warning, 0, 0, $"Sensor {message.Fault.ToString().ToLowerInvariant()}: {message.Detail}",
            readingTime,
            // An offline sensor has no reading in the silence: the time it was found silent is the fault's.
            message.Fault == SensorFault.Offline ? message.DetectedAt : readingTime,
            context, cancellationToken, orderedAt: readingTime);
    }
}

// The sensor is back (readings again, a changed or a plausible value): resolves its open sensor-fault alert,
// unless a later fault report of the sensor was applied already.
public sealed class SensorFaultClearedHandler(AlertLedger ledger) : IMessageHandler<SensorFaultCleared>
{
    public Task HandleAsync(SensorFaultCleared message, MessageContext context, CancellationToken cancellationToken) =>
        ledger.ChangeAsync(async ct =>
        {
            if (await ledger.AdvanceThresholdAsync(message.SensorId, AlertRule.SensorFault, message.MeasuredAt, ct)
                && await ledger.FindOpenAsync(message.SensorId, AlertRule.SensorFault, ct) is { } alert)
            {
                ledger.Resolve(alert, $"Sensor back: {message.Detail}", Cause.Of(context.Envelope));
            }
            return true;
        }, waitForDatabase: true, cancellationToken);
}

internal static class RaiseOrReport
{
    public static Task HandleAsync(AlertLedger ledger, string sensorId, Zone zone, AlertRule rule,
        AlertSeverity severity,
        double level, double threshold, string message, DateTimeOffset seenAt, DateTimeOffset eventTime,
        MessageContext context, CancellationToken cancellationToken, DateTimeOffset? orderedAt = null) =>
        ledger.ChangeAsync(async ct =>
        {
            if (orderedAt is { } at && !await ledger.AdvanceThresholdAsync(sensorId, rule, at, ct))
            {
                return true; // older than an event of the sensor and rule already applied
            }
            if (await ledger.SuppressedAsync(sensorId, rule, eventTime, ct))
            {
                return true; // the sensor is in maintenance at the event's own time
            }
            var cause = Cause.Of(context.Envelope);
            if (await ledger.FindOpenAsync(sensorId, rule, ct) is { } open)
            {
                ledger.Report(open, severity, level, threshold, message, seenAt, cause);
            }
            else
            {
                ledger.Raise(sensorId, zone, rule, severity, level, threshold, message, seenAt, cause);
            }
            return true;
        }, waitForDatabase: true, cancellationToken);
}
