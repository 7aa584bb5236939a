using Nop.Contracts;

namespace Nop.Alerting.Alerts;

// Folds alert events into the read model. The live write path and the rebuild both go through Apply,
// which is why a rebuilt alerts table equals the one kept up to date.
public static class AlertProjection
{
    // Applies e to alert (null before the first event) and returns the alert.
    public static Alert Apply(Alert? alert, AlertEvent e)
    {
        if (e.Type == AlertEventType.Raised)
        {
            if (alert is not null)
            {
                throw new InvalidOperationException($"Alert {e.AlertId} was raised twice (sequence {e.Sequence}).");
            }
            var raised = AlertEventData.Deserialize<AlertEventData.Raised>(e.Data);
            return new Alert
            {
                Id = e.AlertId,
                SensorId = raised.SensorId,
                Zone = raised.Zone,
                Rule = raised.Rule,
                Severity = raised.Severity,
                State = AlertState.Open,
                Level = raised.Level,
                Threshold = raised.Threshold,
                Message = raised.Message,
                RaisedAt = e.At,
                UpdatedAt = e.At,
                LastSeenAt = raised.SeenAt ?? e.At,
                Occurrences = 1,
                CorrelationId = e.CorrelationId,
                Version = e.Sequence,
            };
        }

        if (alert is null)
        {
            throw new InvalidOperationException(
                $"Alert {e.AlertId} has a {e.Type} event (sequence {e.Sequence}) before it was raised.");
        }
        if (e.Sequence != alert.Version + 1)
        {
            throw new InvalidOperationException($"Alert {e.AlertId}: event {e.Sequence} follows {alert.Version}.");
        }

        switch (e.Type)
        {
            case AlertEventType.Escalated:
                var escalated = AlertEventData.Deserialize<AlertEventData.Escalated>(e.Data);
                if (escalated.Severity > alert.Severity && alert.State == AlertState.Acknowledged)
                {
                    // Worse than what the operator acknowledged: it needs a person again.
                    alert.State = AlertState.Open;
                    alert.AcknowledgedBy = null;
                    alert.AcknowledgedAt = null;
                    alert.AcknowledgeComment = null;
                }
                alert.Severity = escalated.Severity;
                alert.Level = escalated.Level;
                alert.Threshold = escalated.Threshold;
                alert.Message = escalated.Message;
                alert.LastSeenAt = Latest(alert.LastSeenAt, escalated.SeenAt ?? e.At);
                alert.Occurrences = escalated.Occurrences ?? alert.Occurrences + 1;
                break;
            case AlertEventType.Recurred:
                var recurred = AlertEventData.Deserialize<AlertEventData.Recurred>(e.Data);
                alert.LastSeenAt = Latest(alert.LastSeenAt, recurred.SeenAt ?? e.At);
                alert.Occurrences = recurred.Occurrences ?? alert.Occurrences + 1;
                break;
            case AlertEventType.Acknowledged:
                alert.State = AlertState.Acknowledged;
                alert.AcknowledgedBy = e.By;
                alert.AcknowledgedAt = e.At;
                alert.AcknowledgeComment = AlertEventData.Deserialize<AlertEventData.Acknowledged>(e.Data).Comment;
                break;
            case AlertEventType.Resolved:
                var resolved = AlertEventData.Deserialize<AlertEventData.Resolved>(e.Data);
                alert.State = AlertState.Resolved;
                alert.ResolvedAt = e.At;
                alert.ResolvedReason = resolved.Reason;
                alert.Occurrences = resolved.Occurrences ?? alert.Occurrences;
                alert.LastSeenAt = resolved.LastSeenAt ?? alert.LastSeenAt;
                break;
            default:
                throw new InvalidOperationException($"Unknown alert event type {e.Type}.");
        }
        alert.UpdatedAt = e.At;
        alert.Version = e.Sequence;
        return alert;
    }

    // Evidence may be handled out of its event-time order (retries, competing consumers): last seen never goes back.
    private static DateTimeOffset Latest(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;
}
