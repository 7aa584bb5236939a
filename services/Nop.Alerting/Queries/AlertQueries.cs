using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Nop.Alerting.Alerts;
using Nop.Alerting.Data;
using Nop.Contracts;
using Nop.Messaging;
using Nop.Persistence;

namespace Nop.Alerting.Queries;

// Open and acknowledged alerts, newest first, paged.
public sealed class GetOpenAlertsHandler(AlertingDbContext db, DatabaseResilience resilience,
    IOptions<AlertingOptions> options)
    : IRequestHandler<GetOpenAlerts, AlertPage>
{
    public Task<AlertPage> HandleAsync(GetOpenAlerts request, MessageContext context,
        CancellationToken cancellationToken) =>
        resilience.BrieflyAsync(ct => Paging.PageAsync(db.Alerts.Where(a => a.State != AlertState.Resolved),
            request.Page, request.PageSize, request.CountTotal, options.Value.MaxPageSize, ct), cancellationToken);
}

// The alerts of one sensor (any state), newest first, paged.
public sealed class GetSensorAlertsHandler(AlertingDbContext db, DatabaseResilience resilience,
    IOptions<AlertingOptions> options)
    : IRequestHandler<GetSensorAlerts, AlertPage>
{
    public Task<AlertPage> HandleAsync(GetSensorAlerts request, MessageContext context,
        CancellationToken cancellationToken) =>
        resilience.BrieflyAsync(ct => Paging.PageAsync(db.Alerts.Where(a => a.SensorId == request.SensorId),
            request.Page, request.PageSize, request.CountTotal, options.Value.MaxPageSize, ct), cancellationToken);
}

// One alert with a page of its history from the event log, oldest first, by sequence (keyset: a page costs the
// same however long the history is); an unknown id answers with a null alert.
public sealed class GetAlertHandler(AlertingDbContext db, DatabaseResilience resilience,
    IOptions<AlertingOptions> options) : IRequestHandler<GetAlert, AlertDetails>
{
    public Task<AlertDetails> HandleAsync(GetAlert request, MessageContext context,
        CancellationToken cancellationToken) =>
        resilience.BrieflyAsync(async ct =>
        {
            var alert = await db.Alerts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == request.AlertId, ct);
            if (alert is null)
            {
                return new AlertDetails(null, []);
            }
            var limit = Math.Min(request.Limit > 0 ? request.Limit : options.Value.HistoryPageSize,
                options.Value.MaxPageSize);
            var after = (int)Math.Clamp(request.AfterSequence, 0, int.MaxValue);
            // One more than the page, to know whether there is a next one without counting.
            var rows = await db.AlertEvents.AsNoTracking()
                .Where(e => e.AlertId == request.AlertId && e.Sequence > after)
                .OrderBy(e => e.Sequence)
                .Take(limit + 1)
                .ToListAsync(ct);
            var page = rows.Take(limit)
                .Select(e => new AlertHistoryEntry(e.Sequence, e.Type.ToString().ToLowerInvariant(), e.At, e.By,
                    e.Data))
                .ToList();
            return new AlertDetails(alert.ToSummary(), page, rows.Count > limit ? page[^1].Sequence : null);
        }, cancellationToken);
}

internal static class Paging
{
    // Fetches one row more than the page to tell whether there is a next page, and counts the total only when it is
    // not known otherwise (not the last page) and the caller asked for it. A page too far to be addressed (its offset
    // beyond int.MaxValue) is past the last one: it answers empty instead of overflowing.
    public static async Task<AlertPage> PageAsync(IQueryable<Alert> alerts, int page, int pageSize, bool countTotal,
        int maxPageSize, CancellationToken ct)
    {
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 1, maxPageSize);
        var offset = (long)(page - 1) * pageSize;
        List<Alert> rows = offset > int.MaxValue
            ? []
            : await alerts.AsNoTracking()
                .OrderByDescending(a => a.RaisedAt).ThenByDescending(a => a.Id)
                .Skip((int)offset).Take(pageSize + 1)
                .ToListAsync(ct);
        var hasMore = rows.Count > pageSize;
        var items = rows.Take(pageSize).Select(a => a.ToSummary()).ToList();
        var total = !hasMore && (items.Count > 0 || offset == 0) ? (int)offset + items.Count
            : countTotal ? await alerts.CountAsync(ct)
            : -1;
        return new AlertPage(items, page, pageSize, total, hasMore);
    }
}
