using Microsoft.EntityFrameworkCore;
using Nop.Alerting.Data;
using Nop.Contracts;
using Nop.Messaging;
using Nop.Persistence;

namespace Nop.Alerting.Maintenance;

// The process manager's inputs on alerting.maintenance (single active consumer, one at a time). Every outcome of a
// request is an answer, so a redelivered request is harmless and the queue needs no inbox.
public sealed class StartMaintenanceHandler(MaintenanceProcess process)
    : IRequestHandler<StartMaintenance, MaintenanceReply>
{
    public Task<MaintenanceReply> HandleAsync(StartMaintenance request, MessageContext context,
        CancellationToken cancellationToken) => process.StartAsync(request, context.Envelope, cancellationToken);
}

public sealed class EndMaintenanceHandler(MaintenanceProcess process)
    : IRequestHandler<EndMaintenance, MaintenanceReply>
{
    public Task<MaintenanceReply> HandleAsync(EndMaintenance request, MessageContext context,
        CancellationToken cancellationToken) => process.EndAsync(request, context.Envelope, cancellationToken);
}

public sealed class GetMaintenanceHandler(AlertingDbContext db, DatabaseResilience resilience)
    : IRequestHandler<GetMaintenance, MaintenanceReply>
{
    public Task<MaintenanceReply> HandleAsync(GetMaintenance request, MessageContext context,
        CancellationToken cancellationToken) =>
        resilience.BrieflyAsync(async ct =>
            await db.Maintenances.AsNoTracking().SingleOrDefaultAsync(m => m.Id == request.MaintenanceId, ct) is { } m
                ? new MaintenanceReply(MaintenanceOutcome.Ok, MaintenanceProcess.Details(m), null)
                : new MaintenanceReply(MaintenanceOutcome.NotFound, null, null), cancellationToken);
}

// A sensor's maintenances: those not over first, then the most recent ones over, newest first.
public sealed class GetSensorMaintenanceHandler(AlertingDbContext db, DatabaseResilience resilience)
    : IRequestHandler<GetSensorMaintenance, MaintenanceList>
{
    private const int MaxLimit = 200;

    public Task<MaintenanceList> HandleAsync(GetSensorMaintenance request, MessageContext context,
        CancellationToken cancellationToken) =>
        resilience.BrieflyAsync(async ct =>
        {
            var limit = Math.Clamp(request.Limit, 1, MaxLimit);
            var rows = await db.Maintenances.AsNoTracking()
                .Where(m => m.SensorId == request.SensorId)
                .OrderBy(m => m.State == MaintenanceState.Ended || m.State == MaintenanceState.Compensated
                    || m.State == MaintenanceState.Failed ? 1 : 0)
                .ThenByDescending(m => m.CreatedAt)
                .Take(limit)
                .ToListAsync(ct);
            return new MaintenanceList(rows.Select(MaintenanceProcess.Details).ToList());
        }, cancellationToken);
}

public sealed class MaintenanceStepCompletedHandler(MaintenanceProcess process)
    : IMessageHandler<MaintenanceStepCompleted>
{
    public Task HandleAsync(MaintenanceStepCompleted message, MessageContext context,
        CancellationToken cancellationToken) => process.AnswerAsync(message, context.Envelope, cancellationToken);
}
