using Microsoft.EntityFrameworkCore;
using Nop.Contracts;
using Nop.Messaging;
using Nop.Processing.Data;

namespace Nop.Processing.Maintenance;

// Processing's part of the maintenance saga (processing.maintenance-steps; competing consumers are fine, every step
// is idempotent by maintenance id): stores the period, updates this instance's calendar at once (the others see it
// at their next refresh) and answers after the commit, before the ack. A crash in between redelivers the command,
// which changes nothing the second time and is answered again, the same way.
public sealed class MaintenanceStepHandler(
    IDbContextFactory<ProcessingDbContext> databases,
    MaintenanceCalendar calendar,
    MessagePublisher publisher,
    TimeProvider time,
    ILogger<MaintenanceStepHandler> logger) : IMessageHandler<MaintenanceStepCommand>
{
    public async Task HandleAsync(MaintenanceStepCommand command, MessageContext context,
        CancellationToken cancellationToken)
    {
        var refusal = MaintenanceSteps.Invalid(command);
        if (refusal is null)
        {
            await using var db = await databases.CreateDbContextAsync(cancellationToken);
            var row = await db.MaintenancePeriods.FindAsync([command.MaintenanceId], cancellationToken);
            refusal = MaintenanceSteps.Refusal(command, row?.Compensated ?? false);
            if (refusal is null)
            {
                row = Apply(db, row, command);
                // A concurrent first delivery of the same step fails here on the key and is retried: then a repeat.
                await db.SaveChangesAsync(cancellationToken);
                calendar.Apply(new MaintenancePeriod(row.MaintenanceId, row.SensorId, row.From, row.To),
                    row.Compensated);
            }
        }
        await MaintenanceSteps.AnswerAsync(publisher, MaintenanceParticipants.Processing, command, refusal, context,
            logger, cancellationToken);
    }

    private MaintenancePeriodRow Apply(ProcessingDbContext db, MaintenancePeriodRow? row,
        MaintenanceStepCommand command)
    {
        var now = time.GetUtcNow();
        if (row is null)
        {
            // A first begin; an end whose begin this participant never stored keeps the period it names; a
            // compensate whose begin never came leaves a tombstone, so that begin is refused when it comes late.
            row = new MaintenancePeriodRow
            {
                MaintenanceId = command.MaintenanceId,
                SensorId = command.SensorId,
                From = command.From,
                To = command.To,
                Compensated = command.Action == MaintenanceAction.Compensate,
                UpdatedAt = now,
            };
            db.MaintenancePeriods.Add(row);
            return row;
        }
        switch (command.Action)
        {
            case MaintenanceAction.End:
                row.To = command.To;
                row.UpdatedAt = now;
                break;
            case MaintenanceAction.Compensate:
                row.Compensated = true;
                row.UpdatedAt = now;
                break;
            default:
                // A repeated begin: already stored (and possibly ended since; the end stands).
                break;
        }
        return row;
    }
}
