using Microsoft.EntityFrameworkCore;
using Nop.Alerting.Alerts;
using Nop.Contracts;
using Nop.Messaging;
using Nop.Persistence.Outbox;

namespace Nop.Alerting.Maintenance;

// Alerting as a participant of the maintenance saga (alerting.maintenance-steps). Begin stores the period and resolves
// the sensor's open and acknowledged alerts with the reason through the ledger (so AlertResolved goes out as usual);
// the noise handlers then raise nothing for the sensor while the period covers an event's time (AlertLedger
// .SuppressedAsync). End keeps the period up to its (possibly earlier) To. Compensate lifts the suppression; alerts it
// closed stay closed (reopening them would raise alerts nobody can tell from new ones; a condition that persists raises
// a new alert on its next event). A Begin or End after Compensate is refused. Idempotent by (maintenance, action):
// a repeat answers as the first did. The answer is an outbox row in the same transaction as the change.
public sealed class MaintenanceStepHandler(AlertLedger ledger, TimeProvider time,
    ILogger<MaintenanceStepHandler> logger)
    : IMessageHandler<MaintenanceStepCommand>
{
    public Task HandleAsync(MaintenanceStepCommand command, MessageContext context,
        CancellationToken cancellationToken) =>
        ledger.ChangeAsync(async ct =>
        {
            var db = ledger.Db;
            var now = time.GetUtcNow();
            var period = await db.SuppressionPeriods.FindAsync([command.MaintenanceId], ct);
            // The period this command names, as stored when it is the first step of the maintenance to arrive here.
            SuppressionPeriod Period(bool ended = false, bool compensated = false) => new()
            {
                MaintenanceId = command.MaintenanceId,
                SensorId = command.SensorId,
                From = command.From,
                To = command.To,
                Ended = ended,
                Compensated = compensated,
                UpdatedAt = now,
            };
            var refusal = MaintenanceSteps.Invalid(command)
                ?? MaintenanceSteps.Refusal(command, period?.Compensated ?? false);
            switch (refusal is null ? command.Action : (MaintenanceAction?)null)
            {
                case MaintenanceAction.Begin when period is null:
                    db.SuppressionPeriods.Add(Period());
                    var open = await db.Alerts.Where(a => a.SensorId == command.SensorId
                        && a.State != AlertState.Resolved).ToListAsync(ct);
                    foreach (var alert in open)
                    {
                        ledger.Resolve(alert, Fit($"maintenance: {command.Reason}"), Cause.Of(context.Envelope));
                    }
                    logger.LogInformation("Maintenance {MaintenanceId} of {SensorId} begun over [{From:O}, {To:O}): "
                        + "{Count} alert(s) resolved", command.MaintenanceId, command.SensorId, command.From,
                        command.To, open.Count);
                    break;
                case MaintenanceAction.Begin:
                    break; // begun already: answered as the first time
                case MaintenanceAction.End when period is null:
                    // Its begin is not here (a lost database?): the period it names is still maintenance, as in
                    // Processing and History.
                    db.SuppressionPeriods.Add(Period(ended: true));
                    break;
                case MaintenanceAction.End:
                    period!.To = command.To;
                    period.Ended = true;
                    period.UpdatedAt = now;
                    logger.LogInformation("Maintenance {MaintenanceId} of {SensorId} ended at {To:O}",
                        command.MaintenanceId, command.SensorId, command.To);
                    break;
                case MaintenanceAction.Compensate when period is null:
                    // Compensated before its Begin arrived (the saga gave up on us): remember it, so the Begin that
                    // may still be on its way is refused.
                    db.SuppressionPeriods.Add(Period(compensated: true));
                    break;
                case null:
                    break; // refused
                default:
                    if (!period!.Compensated)
                    {
                        period.Compensated = true;
                        period.UpdatedAt = now;
                        logger.LogInformation("Maintenance {MaintenanceId} of {SensorId} compensated: suppression "
                            + "lifted", command.MaintenanceId, command.SensorId);
                    }
                    break;
            }
            if (refusal is not null)
            {
                logger.LogWarning("Refused {Action} of maintenance {MaintenanceId}: {Reason}", command.Action,
                    command.MaintenanceId, refusal);
            }
            Answer(db, command, refusal, context.Envelope, now);
            return true;
        }, waitForDatabase: true, cancellationToken);

    private static void Answer(Data.AlertingDbContext db, MaintenanceStepCommand command, string? refusal,
        MessageEnvelope cause, DateTimeOffset now)
    {
        var answer = MaintenanceSteps.Answer(MaintenanceParticipants.Alerting, command, refusal);
        db.Outbox.Add(OutboxMessage.Of(answer, RoutingKeys.MaintenanceCompleted, command.MaintenanceId.ToString(), now,
            cause.CorrelationId, cause.MessageId, Exchanges.Commands));
    }

    private static string Fit(string reason) => reason.Length <= 500 ? reason : reason[..497] + "...";
}
