using Nop.Contracts;
using Nop.Messaging;

namespace Nop.Alerting.Alerts;

// An operator acknowledges an alert. Every outcome is an answer, not an error: acknowledging twice, a resolved alert
// or an unknown id changes nothing and says why. That also makes a redelivered command harmless, so the command
// queue needs no inbox (an inbox would skip the redelivery without replying).
// Only the Dashboard's broker user may acknowledge (AcknowledgePermission): a refusal is an answer too, never a retry.
public sealed class AcknowledgeAlertHandler(AlertLedger ledger, AcknowledgePermission permission)
    : IRequestHandler<AcknowledgeAlert, AcknowledgeAlertResult>
{
    public Task<AcknowledgeAlertResult> HandleAsync(AcknowledgeAlert request, MessageContext context,
        CancellationToken cancellationToken)
    {
        if (!permission.Allows(context.Envelope, request))
        {
            return Task.FromResult(new AcknowledgeAlertResult(AcknowledgeOutcome.Forbidden, null));
        }
        if (string.IsNullOrWhiteSpace(request.AcknowledgedBy) || request.AcknowledgedBy.Length > 100)
        {
            throw new ArgumentException("acknowledgedBy is required and at most 100 characters.", nameof(request));
        }
        if (request.Comment is { Length: > 1000 })
        {
            throw new ArgumentException("comment is at most 1000 characters.", nameof(request));
        }

        return ledger.ChangeAsync(async ct =>
        {
            var alert = await ledger.Db.Alerts.FindAsync([request.AlertId], ct);
            if (context.Envelope.PastDeadline)
            {
                // Checked again here: a busy or locked database can hold the request past its deadline.
                throw new RequestExpiredException(
                    $"The acknowledgement of {request.AlertId} expired before it was applied.");
            }
            switch (alert?.State)
            {
                case null:
                    return new AcknowledgeAlertResult(AcknowledgeOutcome.NotFound, null);
                case AlertState.Resolved:
                    return new AcknowledgeAlertResult(AcknowledgeOutcome.AlreadyResolved, alert.ToSummary());
                case AlertState.Acknowledged:
                    return new AcknowledgeAlertResult(AcknowledgeOutcome.AlreadyAcknowledged, alert.ToSummary());
                default:
                    ledger.Acknowledge(alert, request.AcknowledgedBy.Trim(), request.Comment,
                        Cause.Of(context.Envelope));
                    return new AcknowledgeAlertResult(AcknowledgeOutcome.Acknowledged, alert.ToSummary());
            }
        }, waitForDatabase: false, cancellationToken);
    }
}
