using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nop.Contracts;
using Nop.Messaging;
using Nop.Testing;
using Serilog;

namespace Nop.Dashboard.Tests;

/// <summary>
/// The other side of the broker in a test: publishes events as Ingest, Processing and Alerting would, and stands in for
/// Alerting's query, command and maintenance queues and for History's and Notifier's query queues (the real Alerting
/// and History are exercised by the end-to-end tests).
/// </summary>
public sealed class BrokerSide : IAsyncDisposable
{
    private readonly IHost _host;

    private BrokerSide(IHost host, AlertingStandIn alerting, HistoryStandIn history, NotifierStandIn notifier,
        MaintenanceStandIn maintenance) =>
        (_host, Alerting, History, Notifier, Maintenance) = (host, alerting, history, notifier, maintenance);

    public AlertingStandIn Alerting { get; }

    public HistoryStandIn History { get; }

    public NotifierStandIn Notifier { get; }

    public MaintenanceStandIn Maintenance { get; }

    public MessagePublisher Publisher => _host.Services.GetRequiredService<MessagePublisher>();

    public static async Task<BrokerSide> StartAsync(VirtualHost vhost, bool answerAlertQueries = true,
        bool answerHistoryQueries = false, bool answerNotifierQueries = false,
        bool answerMaintenanceRequests = false)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["RabbitMq:Uri"] = vhost.Uri.ToString();
        builder.Configuration["RabbitMq:PublishTimeout"] = "00:00:05";
        builder.Services.AddSerilog(new LoggerConfiguration().CreateLogger(), dispose: true);
        builder.AddNopMessaging();
        var alerting = new AlertingStandIn();
        builder.Services.AddSingleton(alerting);
        var history = new HistoryStandIn();
        builder.Services.AddSingleton(history);
        var notifier = new NotifierStandIn();
        builder.Services.AddSingleton(notifier);
        var maintenance = new MaintenanceStandIn();
        builder.Services.AddSingleton(maintenance);
        if (answerAlertQueries)
        {
            builder.Services.AddConsumer(Topology.AlertingQueries, c => c
                .Answer<GetOpenAlerts, AlertPage, OpenAlertsHandler>()
                .Answer<GetSensorAlerts, AlertPage, SensorAlertsHandler>());
            builder.Services.AddConsumer(Topology.AlertingCommands, c =>
                c.Answer<AcknowledgeAlert, AcknowledgeAlertResult, AcknowledgeHandler>());
        }
        if (answerHistoryQueries)
        {
            builder.Services.AddConsumer(Topology.HistoryQueries, c => c
                .Answer<GetLevels, LevelSeries, LevelsHandler>()
                .Answer<GetIndicators, IndicatorSeries, IndicatorsHandler>()
                .Answer<GetDayIndicators, DayIndicatorTable, DayIndicatorsHandler>());
        }
        if (answerNotifierQueries)
        {
            builder.Services.AddConsumer(Topology.NotifierQueries, c =>
                c.Answer<GetAlertNotifications, AlertNotifications, AlertNotificationsHandler>());
        }
        if (answerMaintenanceRequests)
        {
            builder.Services.AddConsumer(Topology.AlertingMaintenance, c => c
                .Answer<StartMaintenance, MaintenanceReply, StartMaintenanceHandler>()
                .Answer<EndMaintenance, MaintenanceReply, EndMaintenanceHandler>()
                .Answer<GetMaintenance, MaintenanceReply, GetMaintenanceHandler>()
                .Answer<GetSensorMaintenance, MaintenanceList, SensorMaintenanceHandler>());
        }
        var host = builder.Build();
        await host.StartAsync();
        foreach (var consumer in host.Services.GetServices<IHostedService>().OfType<ConsumerHost>())
        {
            await consumer.Started.WaitAsync(TimeSpan.FromSeconds(30));
        }
        await host.Services.GetRequiredService<RabbitMqConnection>().GetConnectionAsync();
        return new BrokerSide(host, alerting, history, notifier, maintenance);
    }

    public Task PublishBatchAsync(ReadingBatchReceived batch) =>
        Publisher.PublishAsync(Exchanges.Readings, RoutingKeys.Reading(batch.SensorId), batch);

    /// <summary>Publishes the single-reading message of an older Ingest.</summary>
    public Task PublishReadingAsync(ReadingReceived reading) =>
        Publisher.PublishAsync(Exchanges.Readings, RoutingKeys.Reading(reading.SensorId), reading);

    /// <summary>Publishes windows in one message, as Processing does for the windows a checkpoint closed.</summary>
    public Task PublishLevelsAsync(params IReadOnlyList<NoiseLevelMeasured> levels) =>
        Publisher.PublishAsync(Exchanges.Noise, RoutingKeys.Levels(0), new NoiseLevelsMeasured(levels));

    public Task PublishLevelAsync(NoiseLevelMeasured level) => PublishLevelsAsync(level);

    /// <summary>Publishes a window in a message of its own, as an older Processing did.</summary>
    public Task PublishOlderLevelAsync(NoiseLevelMeasured level) =>
        Publisher.PublishAsync(Exchanges.Noise, RoutingKeys.Level(level.SensorId), level);

    /// <summary>Publishes an alert as Alerting does and remembers it as open; returns its correlation id.</summary>
    public async Task<string> RaiseAlertAsync(AlertRaised alert)
    {
        var correlationId = "corr-" + alert.AlertId.ToString("N");
        Alerting.Open(alert, correlationId);
        await Publisher.PublishAsync(Exchanges.Alerts, RoutingKeys.AlertRaised, alert,
            new PublishOptions { CorrelationId = correlationId });
        return correlationId;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(TimeSpan.FromSeconds(10));
        if (_host is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }
}

/// <summary>Alerting's side of the query and acknowledge contracts, in memory.</summary>
public sealed class AlertingStandIn
{
    private readonly ConcurrentDictionary<Guid, AlertSummary> _alerts = new();
    private int _queries;

    /// <summary>Open-alerts queries answered so far.</summary>
    public int Queries => Volatile.Read(ref _queries);

    internal void CountQuery() => Interlocked.Increment(ref _queries);

    /// <summary>Remembers an alert as open without publishing it (one raised before a Dashboard started).</summary>
    public void Open(AlertSummary alert) => _alerts[alert.AlertId] = alert;

    public ConcurrentQueue<AcknowledgeAlert> Acknowledgements { get; } = new();

    public void Open(AlertRaised alert, string correlationId) => _alerts[alert.AlertId] =
        new AlertSummary(alert.AlertId, alert.SensorId, alert.Zone,
        alert.Rule, alert.Severity, AlertState.Open, alert.Level, alert.Threshold, alert.Message, alert.RaisedAt,
            alert.RaisedAt, null, correlationId);

    /// <summary>One sensor's alerts in any state, newest first.</summary>
    public IReadOnlyList<AlertSummary> OfSensor(string sensorId) =>
        _alerts.Values.Where(a => a.SensorId == sensorId).OrderByDescending(a => a.RaisedAt).ToArray();

    public IReadOnlyList<AlertSummary> OpenAlerts =>
        _alerts.Values.Where(a => a.State != AlertState.Resolved).OrderByDescending(a => a.RaisedAt).ToArray();

    internal (AcknowledgeOutcome Outcome, AlertSummary? Alert) Acknowledge(AcknowledgeAlert command, DateTimeOffset now)
    {
        Acknowledgements.Enqueue(command);
        if (!_alerts.TryGetValue(command.AlertId, out var alert))
        {
            return (AcknowledgeOutcome.NotFound, null);
        }
        if (alert.State == AlertState.Acknowledged)
        {
            return (AcknowledgeOutcome.AlreadyAcknowledged, alert);
        }
        var acknowledged = alert with
        {
            State = AlertState.Acknowledged,
            AcknowledgedBy = command.AcknowledgedBy,
            AcknowledgeComment = command.Comment,
            UpdatedAt = now,
        };
        _alerts[command.AlertId] = acknowledged;
        return (AcknowledgeOutcome.Acknowledged, acknowledged);
    }
}

internal sealed class OpenAlertsHandler(AlertingStandIn alerting) : IRequestHandler<GetOpenAlerts, AlertPage>
{
    public Task<AlertPage> HandleAsync(GetOpenAlerts request, MessageContext context,
        CancellationToken cancellationToken)
    {
        alerting.CountQuery();
        var open = alerting.OpenAlerts;
        return Task.FromResult(
            new AlertPage(open.Skip((request.Page - 1) * request.PageSize).Take(request.PageSize).ToArray(),
            request.Page, request.PageSize, open.Count));
    }
}

internal sealed class SensorAlertsHandler(AlertingStandIn alerting) : IRequestHandler<GetSensorAlerts, AlertPage>
{
    public Task<AlertPage> HandleAsync(GetSensorAlerts request, MessageContext context,
        CancellationToken cancellationToken)
    {
        var alerts = alerting.OfSensor(request.SensorId);
        var skip = (request.Page - 1) * request.PageSize;
        return Task.FromResult(new AlertPage(alerts.Skip(skip).Take(request.PageSize).ToArray(), request.Page,
            request.PageSize, alerts.Count, alerts.Count > skip + request.PageSize));
    }
}

internal sealed class AcknowledgeHandler(AlertingStandIn alerting, MessagePublisher publisher)
    : IRequestHandler<AcknowledgeAlert, AcknowledgeAlertResult>
{
    public async Task<AcknowledgeAlertResult> HandleAsync(AcknowledgeAlert request, MessageContext context,
        CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var (outcome, alert) = alerting.Acknowledge(request, now);
        if (outcome == AcknowledgeOutcome.Acknowledged && alert is not null)
        {
            await publisher.PublishAsync(Exchanges.Alerts, RoutingKeys.AlertAcknowledged,
                new AlertAcknowledged(alert.AlertId, alert.SensorId, alert.Rule, request.AcknowledgedBy,
                    request.Comment, now),
                context.CausedBy(), cancellationToken);
        }
        return new AcknowledgeAlertResult(outcome, alert);
    }
}

/// <summary>Builds test events.</summary>
public static class Make
{
    public static ReadingReceived Reading(string sensorId, double laeq, DateTimeOffset? at = null) => new(
        Guid.NewGuid().ToString(), sensorId, Zone.Commercial, new GeoLocation(48.2, 16.37), at ?? DateTimeOffset.UtcNow,
            laeq, laeq + 4, null,
        DateTimeOffset.UtcNow);

    /// <summary>A batch as Ingest publishes it: one sensor's readings of one request, in the order given.</summary>
    public static ReadingBatchReceived Batch(string sensorId, params (double Laeq, DateTimeOffset At)[] readings) =>
        new(sensorId, Zone.Commercial, new GeoLocation(48.2, 16.37), 1, DateTimeOffset.UtcNow, readings
            .Select(r => new SensorReading(Guid.NewGuid().ToString(), r.At, r.Laeq, r.Laeq + 4, null))
            .ToArray());

    /// <summary>A batch of one reading measured now.</summary>
    public static ReadingBatchReceived Batch(string sensorId, double laeq) =>
        Batch(sensorId, (laeq, DateTimeOffset.UtcNow));

    /// <summary>A full one-minute window as Processing v2 publishes it, with its level distribution.</summary>
    public static NoiseLevelMeasured Level(string sensorId, double laeq, double threshold = 65)
    {
        var start = new DateTimeOffset(DateTimeOffset.UtcNow.Ticks / TimeSpan.TicksPerMinute * TimeSpan.TicksPerMinute,
            TimeSpan.Zero);
        return new NoiseLevelMeasured(sensorId, Zone.Commercial, start, start.AddMinutes(1), laeq, laeq + 8, laeq - 2,
            laeq - 6, 60, 0, 0,
            DayPeriod.Day, threshold, L50: laeq - 4, Coverage: 1,
            Distribution: new Dictionary<int, double> { [(int)(laeq * 10) - 60] = 30, [(int)(laeq * 10)] = 30 });
    }

    public static AlertRaised Alert(string sensorId, double level = 72) =>
        new(Guid.CreateVersion7(), sensorId, Zone.Commercial, AlertRule.Level,
        AlertSeverity.Warning, level, 65, DateTimeOffset.UtcNow, $"{sensorId} above 65 dB(A) for 3 windows");
}
