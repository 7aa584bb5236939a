using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Nop.Alerting.Alerts;
using Nop.Alerting.Data;
using Nop.Contracts;
using Nop.Messaging;

namespace Nop.Alerting.Queries;

/// <summary>Open and acknowledged alerts, newest first, paged.</summary>
public sealed class GetOpenAlertsHandler(AlertingDbContext db, DatabaseResilience resilience, IOptions<AlertingOptions> options)
    : IRequestHandler<GetOpenAlerts, AlertPage>
{
    public Task<AlertPage> HandleAsync(GetOpenAlerts request, MessageContext context, CancellationToken cancellationToken) =>
        resilience.BrieflyAsync(ct => Paging.PageAsync(db.Alerts.Where(a => a.State != AlertState.Resolved),
            request.Page, request.PageSize, options.Value.MaxPageSize, ct), cancellationToken);
}

/// <summary>The alerts of one sensor (any state), newest first, paged.</summary>
public sealed class GetSensorAlertsHandler(AlertingDbContext db, DatabaseResilience resilience, IOptions<AlertingOptions> options)
    : IRequestHandler<GetSensorAlerts, AlertPage>
{
    public Task<AlertPage> HandleAsync(GetSensorAlerts request, MessageContext context, CancellationToken cancellationToken) =>
        resilience.BrieflyAsync(ct => Paging.PageAsync(db.Alerts.Where(a => a.SensorId == request.SensorId),
            request.Page, request.PageSize, options.Value.MaxPageSize, ct), cancellationToken);
}

/// <summary>One alert with its whole history from the event log; an unknown id answers with a null alert.</summary>
public sealed class GetAlertHandler(AlertingDbContext db, DatabaseResilience resilience) : IRequestHandler<GetAlert, AlertDetails>
{
    public Task<AlertDetails> HandleAsync(GetAlert request, MessageContext context, CancellationToken cancellationToken) =>
        resilience.BrieflyAsync(async ct =>
        {
            var alert = await db.Alerts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == request.AlertId, ct);
            if (alert is null)
            {
                return new AlertDetails(null, []);
            }
            var history = await db.AlertEvents.AsNoTracking()
                .Where(e => e.AlertId == request.AlertId)
                .OrderBy(e => e.Sequence)
                .ToListAsync(ct);
            return new AlertDetails(alert.ToSummary(), history
                .Select(e => new AlertHistoryEntry(e.Sequence, e.Type.ToString().ToLowerInvariant(), e.At, e.By, e.Data))
                .ToList());
        }, cancellationToken);
}

internal static class Paging
{
    public static async Task<AlertPage> PageAsync(IQueryable<Alert> alerts, int page, int pageSize, int maxPageSize, CancellationToken ct)
    {
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 1, maxPageSize);
        var total = await alerts.CountAsync(ct);
        var items = await alerts.AsNoTracking()
            .OrderByDescending(a => a.RaisedAt).ThenByDescending(a => a.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .ToListAsync(ct);
        return new AlertPage(items.Select(a => a.ToSummary()).ToList(), page, pageSize, total);
    }
}
