using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Nop.Alerting.Data;
using Nop.Contracts;
using Nop.Messaging;
using Nop.Persistence;
using Nop.Persistence.Inbox;
using Nop.Persistence.Outbox;

namespace Nop.Alerting.Alerts;

// Who caused a change: the correlation id it carries on and the message id that caused it.
public readonly record struct Cause(string CorrelationId, string? CausationId)
{
    public static Cause Of(MessageEnvelope envelope) => new(envelope.CorrelationId, envelope.MessageId);
}

// The write side of alerts. Each change appends an AlertEvent, applies it to the read model and, when
// it is announced, adds the outbox row; ChangeAsync{T} commits all of it (and the inbox row) in one
// SaveChanges, i.e. one transaction, then hands the committed outbox rows to the relay.
public sealed class AlertLedger(AlertingDbContext db, EfInbox inbox, DatabaseResilience resilience, OutboxSignal signal,
    TimeProvider time, IOptions<AlertingOptions> options, AlertingMetrics metrics, ILogger<AlertLedger> logger)
{
    private const string System = "alerting";

    // The events appended by the current attempt of ChangeAsync: counted on AlertingMetrics once it has committed.
    private readonly List<(AlertEventType Type, AlertRule Rule)> _appended = [];
    // The rule of an event the current attempt left unraised because its sensor is in maintenance.
    private AlertRule? _suppressed;

    public AlertingDbContext Db => db;

    // Runs decide and commits what it appended. A transient database failure or a write conflict
    // (another writer changed the same alert first, see WriteConflict) resets the unit of work and
    // runs it again (waiting until the database answers when waitForDatabase), so the decision is
    // always taken on the state it commits against. When a racing delivery of the same message committed meanwhile,
    // decide is not run again and the result is default.
    public async Task<T> ChangeAsync<T>(Func<CancellationToken, Task<T>> decide, bool waitForDatabase,
        CancellationToken cancellationToken)
    {
        var attempts = 0;
        List<OutboxMessage> committed = [];
        async Task<T> Attempt(CancellationToken ct)
        {
            db.ChangeTracker.Clear();
            _appended.Clear();
            _suppressed = null;
            if (!await inbox.TrackAsync(retry: attempts++ > 0, ct))
            {
                return default!;
            }
            var result = await decide(ct);
            await db.SaveChangesAsync(ct);
            committed = [.. db.ChangeTracker.Entries<OutboxMessage>().Select(e => e.Entity)];
            return result;
        }

        var result = waitForDatabase
            ? await resilience.UntilAvailableAsync(Attempt, cancellationToken)
            : await resilience.BrieflyAsync(Attempt, cancellationToken);
        foreach (var (type, rule) in _appended)
        {
            if (type == AlertEventType.Raised)
                metrics.Raised(rule);
            else if (type == AlertEventType.Acknowledged)
                metrics.Acknowledged(rule);
        }
        _appended.Clear();
        if (_suppressed is { } suppressed)
        {
            metrics.Suppressed(suppressed);
            _suppressed = null;
        }
        signal.Notify(committed);
        return result;
    }

    // The open or acknowledged alert of a sensor and rule, if any (tracked).
    public Task<Alert?> FindOpenAsync(string sensorId, AlertRule rule, CancellationToken cancellationToken) =>
        db.Alerts.SingleOrDefaultAsync(a => a.SensorId == sensorId && a.Rule == rule && a.State != AlertState.Resolved,
            cancellationToken);

    // Records that the threshold event of sensorId and rule whose window ended
    // at windowEnd is applied; false when a later one was applied already (see
    // ThresholdMark), in which case this one must change nothing.
    public async Task<bool> AdvanceThresholdAsync(string sensorId, AlertRule rule, DateTimeOffset windowEnd,
        CancellationToken cancellationToken)
    {
        var mark = await db.ThresholdMarks.SingleOrDefaultAsync(m => m.SensorId == sensorId && m.Rule == rule,
            cancellationToken);
        if (mark is null)
        {
            db.ThresholdMarks.Add(new ThresholdMark { SensorId = sensorId, Rule = rule, WindowEnd = windowEnd });
            return true;
        }
        if (windowEnd < mark.WindowEnd)
        {
            logger.LogInformation("Ignored a {Rule} threshold event of {SensorId} for the window ending {WindowEnd:O}: "
                + "one ending {Applied:O} was applied already", rule, sensorId, windowEnd, mark.WindowEnd);
            return false;
        }
        mark.WindowEnd = windowEnd;
        return true;
    }

    // True when a maintenance period of the sensor (not compensated) covers the event's own time: the event raises,
    // escalates and records nothing (logged, and counted once committed).
    public async Task<bool> SuppressedAsync(string sensorId, AlertRule rule, DateTimeOffset eventTime,
        CancellationToken cancellationToken)
    {
        var period = await db.SuppressionPeriods.AsNoTracking()
            .Where(p => p.SensorId == sensorId && !p.Compensated && p.From <= eventTime && p.To > eventTime)
            .Select(p => (Guid?)p.MaintenanceId).FirstOrDefaultAsync(cancellationToken);
        if (period is null)
        {
            return false;
        }
        logger.LogInformation("Suppressed a {Rule} event of {SensorId} at {EventTime:O}: in maintenance "
            + "{MaintenanceId}", rule, sensorId, eventTime, period);
        _suppressed = rule;
        return true;
    }

    public Alert Raise(string sensorId, Zone zone, AlertRule rule, AlertSeverity severity, double level,
        double threshold, string message, DateTimeOffset seenAt, Cause cause)
    {
        message = Fit(message);
        var alert = Append(null, Guid.CreateVersion7(), AlertEventType.Raised, System, cause,
            AlertEventData.Serialize(new AlertEventData.Raised(sensorId, zone, rule, severity, level, threshold,
                message, Clamp(seenAt))));
        logger.LogInformation("Raised {Severity} {Rule} alert {AlertId} for {SensorId}: {AlertMessage}", severity, rule,
            alert.Id, sensorId, message);
        return alert;
    }

    // The condition was reported again: escalates when it is worse (level or severity), else counts the recurrence.
    // Neither the severity nor the recorded (worst) level is ever lowered: a report can be worse by severity at a lower
    // level, e.g. under the stricter night threshold. A recurrence is stored as an event only when the last event is at
    // least AlertingOptions.RecurrenceInterval old; in between it only counts on the alert and moves its
    // last-seen time, so an alert reported every window stores a bounded number of events per hour.
    public void Report(Alert alert, AlertSeverity severity, double level, double threshold, string message,
        DateTimeOffset seenAt, Cause cause)
    {
        seenAt = Clamp(seenAt);
        message = Fit(message);
        var occurrences = alert.Occurrences + 1;
        if (severity > alert.Severity || level > alert.Level)
        {
            var worst = severity > alert.Severity ? severity : alert.Severity;
            var worstLevel = Math.Max(level, alert.Level);
            Append(alert, alert.Id, AlertEventType.Escalated, System, cause,
                AlertEventData.Serialize(new AlertEventData.Escalated(worst, worstLevel, threshold, message,
                    occurrences, seenAt)));
            logger.LogInformation("Escalated alert {AlertId} to {Severity} at {Level:0.0}", alert.Id, worst, level);
        }
        else if (time.GetUtcNow() - alert.UpdatedAt < options.Value.RecurrenceInterval)
        {
            alert.Occurrences = occurrences;
            alert.LastSeenAt = seenAt > alert.LastSeenAt ? seenAt : alert.LastSeenAt;
        }
        else
        {
            Append(alert, alert.Id, AlertEventType.Recurred, System, cause,
                AlertEventData.Serialize(new AlertEventData.Recurred(level, occurrences, seenAt)));
        }
    }

    public void Acknowledge(Alert alert, string by, string? comment, Cause cause)
    {
        Append(alert, alert.Id, AlertEventType.Acknowledged, by, cause,
            AlertEventData.Serialize(new AlertEventData.Acknowledged(comment)));
        logger.LogInformation("Alert {AlertId} acknowledged by {AcknowledgedBy}", alert.Id, by);
    }

    public void Resolve(Alert alert, string reason, Cause cause)
    {
        Append(alert, alert.Id, AlertEventType.Resolved, System, cause,
            AlertEventData.Serialize(new AlertEventData.Resolved(reason, alert.Occurrences, alert.LastSeenAt)));
        logger.LogInformation("Resolved alert {AlertId}: {Reason}", alert.Id, reason);
    }

    // A sensor clock ahead of ours (Ingest allows a few minutes) must not keep an alert from ever looking quiet.
    private DateTimeOffset Clamp(DateTimeOffset seenAt) => seenAt <= time.GetUtcNow() ? seenAt : time.GetUtcNow();

    // Messages are built from event fields (e.g. a fault's detail): keep them within the column.
    private static string Fit(string message) => message.Length <= 500 ? message : message[..497] + "...";

    private Alert Append(Alert? alert, Guid alertId, AlertEventType type, string by, Cause cause, string data)
    {
        var now = time.GetUtcNow();
        var e = new AlertEvent
        {
            AlertId = alertId,
            Sequence = (alert?.Version ?? 0) + 1,
            Type = type,
            At = now,
            By = by,
            Data = data,
            CorrelationId = cause.CorrelationId,
            CausationId = cause.CausationId,
        };
        db.AlertEvents.Add(e);
        var applied = AlertProjection.Apply(alert, e);
        _appended.Add((type, applied.Rule));
        if (alert is null)
        {
            db.Alerts.Add(applied);
        }
        if (Announcement(applied, e) is { } message)
        {
            db.Outbox.Add(message).Property(AlertingDbContext.OutboxSequence).CurrentValue = e.Sequence;
        }
        return applied;
    }

    // The event published for a change; a recurrence is not announced.
    private static OutboxMessage? Announcement(Alert alert, AlertEvent e) => e.Type switch
    {
        AlertEventType.Raised => Outgoing(e, RoutingKeys.AlertRaised,
            new AlertRaised(alert.Id, alert.SensorId, alert.Zone, alert.Rule,
            alert.Severity, alert.Level, alert.Threshold, alert.RaisedAt, alert.Message)),
        AlertEventType.Escalated => Outgoing(e, RoutingKeys.AlertEscalated,
            new AlertEscalated(alert.Id, alert.SensorId, alert.Rule, alert.Severity, alert.Level, e.At)),
        AlertEventType.Acknowledged => Outgoing(e, RoutingKeys.AlertAcknowledged,
            new AlertAcknowledged(alert.Id, alert.SensorId, alert.Rule,
            e.By ?? System, alert.AcknowledgeComment, e.At)),
        AlertEventType.Resolved => Outgoing(e, RoutingKeys.AlertResolved,
            new AlertResolved(alert.Id, alert.SensorId, alert.Rule, alert.ResolvedReason ?? string.Empty, e.At)),
        _ => null,
    };

    // Within the handling span of the cause: the announcement continues its trace (to the Dashboard's push).
    private static OutboxMessage Outgoing<T>(AlertEvent e, string routingKey, T message) where T : IMessage =>
        OutboxMessage.Of(message, routingKey, e.AlertId.ToString(), e.At, e.CorrelationId, e.CausationId);
}
