using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.Messaging;
using Nop.ServiceDefaults;
using Serilog.Context;

namespace Nop.Dashboard.Hub;

// Alerting's open alerts as one page of the Dashboard gets them; Alerts is null (and
// Error says why) when Alerting did not answer.
public sealed record OpenAlerts(IReadOnlyList<AlertSummary>? Alerts, int? Total, string? Error);

// One open-alerts query shared by every page: after a broker recovery every page re-syncs at once, and a query each
// would be a storm on Alerting. An answer (or its failure) is reused for
// DashboardOptions.OpenAlertsMaxAge, and callers arriving while a query is on its way wait for that one (single
// flight). Pages through the open alerts up to DashboardOptions.OpenAlertsMaxPages pages.
public sealed class OpenAlertsCache(
    RequestClient requests,
    IOptions<DashboardOptions> options,
    TimeProvider time,
    ILogger<OpenAlertsCache> logger)
{
    private readonly DashboardOptions _options = options.Value;
    private readonly Lock _lock = new();
    private Task<OpenAlerts>? _current;
    private DateTimeOffset _startedAt;
    private long _queries;

    // Queries sent to Alerting so far (one per page of alerts).
    public long Queries => Interlocked.Read(ref _queries);

    public Task<OpenAlerts> GetAsync(CancellationToken cancellationToken)
    {
        Task<OpenAlerts> current;
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (_current is null || (_current.IsCompleted && now - _startedAt >= _options.OpenAlertsMaxAge))
            {
                _startedAt = now;
                // Not cancelled by the first caller's page going away: the others wait for the same answer.
                _current = FetchAsync();
            }
            current = _current;
        }
        return current.WaitAsync(cancellationToken);
    }

    private async Task<OpenAlerts> FetchAsync()
    {
        var correlationId = CorrelationId.Create();
        using var _ = LogContext.PushProperty(CorrelationId.PropertyName, correlationId);
        var alerts = new List<AlertSummary>();
        try
        {
            for (var page = 1; page <= _options.OpenAlertsMaxPages; page++)
            {
                Interlocked.Increment(ref _queries);
                var answer = await requests.RequestAsync<GetOpenAlerts, AlertPage>(RoutingKeys.AlertQuery,
                    new GetOpenAlerts(page, _options.OpenAlertsLimit), correlationId, _options.RequestTimeout,
                    CancellationToken.None);
                alerts.AddRange(answer.Items);
                if (answer.Items.Count < _options.OpenAlertsLimit || alerts.Count >= answer.Total)
                {
                    return new OpenAlerts(alerts, Math.Max(answer.Total, alerts.Count), null);
                }
                if (page == _options.OpenAlertsMaxPages)
                {
                    return new OpenAlerts(alerts, answer.Total, null);
                }
            }
            return new OpenAlerts(alerts, alerts.Count, null);
        }
        catch (Exception ex) when (ex is RequestTimeoutException or RequestFailedException or MessagePublishException)
        {
            // The pages still show the live sensors; they say that the alert list is unavailable and ask again later.
            // The exception's text stays in the log: viewers get a plain sentence.
            logger.LogWarning("Open alerts unavailable for the pages: {Error}", ex.Message);
            return new OpenAlerts(null, null, "Alerting did not answer; the open alerts are unavailable for now.");
        }
    }
}
