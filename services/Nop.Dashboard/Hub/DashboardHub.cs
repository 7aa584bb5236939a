using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.Dashboard.Live;
using Nop.Messaging;
using Nop.ServiceDefaults;
using Serilog.Context;

namespace Nop.Dashboard.Hub;

// The page's one connection. Anyone may watch; acknowledging needs a signed-in operator. The hub never talks HTTP to
// another service: open alerts and acknowledgements go to Alerting over RabbitMQ request/reply.
public sealed class DashboardHub(
    LiveState state,
    OpenAlertsCache openAlerts,
    RequestClient requests,
    IOptions<DashboardOptions> options,
    TimeProvider time,
    ILogger<DashboardHub> logger) : Hub<IDashboardClient>
{
    public const string Path = "/hubs/dashboard";

    private const string WatchedKey = "watched-sensors";
    private const string SnapshotBudgetKey = "snapshot-budget";

    private readonly DashboardOptions _options = options.Value;

    // Everything a page needs to draw itself: sensors, their latest values and conditions, the open
    // alerts. The open alerts come from OpenAlertsCache (one query shared by every page for OpenAlertsMaxAge); a page
    // asks once per connection and per re-sync, so a connection asking more often is refused.
    public async Task<Snapshot> GetSnapshot()
    {
        var budget = (CallBudget)(Context.Items.TryGetValue(SnapshotBudgetKey, out var item)
            ? item!
            : Context.Items[SnapshotBudgetKey] = new CallBudget(_options.SnapshotsPerMinute));
        if (!budget.TryCall(time.GetUtcNow()))
        {
            throw new HubException("Too many snapshot requests from this page; try again in a minute.");
        }
        var open = await openAlerts.GetAsync(Context.ConnectionAborted);
        return new Snapshot(state.Sensors(open.Alerts), open.Alerts, open.Error, KibanaBase(),
            Context.User?.Identity?.IsAuthenticated == true ? Context.User.Identity.Name : null,
            (int)_options.PushInterval.TotalMilliseconds, time.GetUtcNow(), open.Total);
    }

    // Whether Alerting answers the open-alerts query now (from the shared one-second answer). A page whose
    // snapshot came without alerts asks this until it does, then re-syncs, instead of fetching the whole snapshot
    // (1.5 MB with 5,000 sensors) again and again while Alerting is down.
    public async Task<bool> AlertsAvailable() =>
        (await openAlerts.GetAsync(Context.ConnectionAborted)).Alerts is not null;

    // Until a page says which sensors it shows, it gets every sensor's readings and windows.
    public override async Task OnConnectedAsync()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, SensorGroups.All);
        await base.OnConnectedAsync();
    }

    // The sensors this page shows (the visible tiles and the selected one): from now on it gets readings and
    // windows of these only. Answers the current values of the sensors it did not watch before, which the page may
    // hold only from an older snapshot. Alerts, statuses and the summary still reach every page.
    public async Task<IReadOnlyList<SensorView>> Watch(string[] sensorIds)
    {
        if (sensorIds.Length > SensorGroups.MaxWatched)
        {
            throw new HubException($"A page may watch at most {SensorGroups.MaxWatched} sensors.");
        }
        var wanted = sensorIds.ToHashSet(StringComparer.Ordinal);
        var before = Context.Items.TryGetValue(WatchedKey, out var items) ? (HashSet<string>)items! : null;
        if (before is null)
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, SensorGroups.All);
        }
        foreach (var id in before?.Except(wanted) ?? [])
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, SensorGroups.Of(id));
        }
        var added = before is null ? wanted : wanted.Except(before).ToHashSet(StringComparer.Ordinal);
        foreach (var id in added)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, SensorGroups.Of(id));
        }
        Context.Items[WatchedKey] = wanted;
        return added.Count == 0 ? [] : state.Sensors().Where(s => added.Contains(s.Id)).ToArray();
    }

    // The recent readings and windows of one sensor (what this instance has seen).
    public SensorHistory GetSensorHistory(string sensorId) => state.History(sensorId);

    // Acknowledges an alert on behalf of the signed-in operator. Every page (this one included) then gets the
    // acknowledged change from nop.alerts.
    [Authorize]
    public async Task<AcknowledgeView> Acknowledge(Guid alertId, string? comment)
    {
        var user = Context.User?.Identity?.Name ?? throw new HubException("Sign in to acknowledge alerts.");
        if (comment is { Length: > 500 })
        {
            throw new HubException("The comment is longer than 500 characters.");
        }
        var correlationId = CorrelationId.Create();
        using var _ = LogContext.PushProperty(CorrelationId.PropertyName, correlationId);
        try
        {
            var result = await requests.RequestAsync<AcknowledgeAlert, AcknowledgeAlertResult>(
                RoutingKeys.AcknowledgeAlert,
                new AcknowledgeAlert(alertId, user, string.IsNullOrWhiteSpace(comment) ? null : comment.Trim()),
                correlationId,
                _options.RequestTimeout, Context.ConnectionAborted);
            logger.LogInformation("{User} acknowledged alert {AlertId}: {Outcome}", user, alertId, result.Outcome);
            return new AcknowledgeView(result.Outcome, result.Alert);
        }
        catch (Exception ex) when (ex is RequestTimeoutException or RequestFailedException or MessagePublishException)
        {
            logger.LogWarning("Acknowledging alert {AlertId} failed: {Error}", alertId, ex.Message);
            throw new HubException("Alerting did not answer; the alert is unchanged. Try again in a moment.");
        }
    }

    private string? KibanaBase() =>
        string.IsNullOrWhiteSpace(_options.KibanaUrl) ? null : _options.KibanaUrl.TrimEnd('/');
}
