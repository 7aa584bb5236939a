using Nop.Alerting.Alerts;
using Nop.Alerting.Data;
using Nop.Alerting.Maintenance;
using Nop.Alerting.Queries;
using Nop.Contracts;
using Nop.Messaging;
using Nop.Persistence;
using Nop.ServiceDefaults;

namespace Nop.Alerting.Extensions;

// Composes Alerting: its database, consumers, outbox relay and quiet-alert sweeper; health and the dead-letter admin.
public static class AlertingExtensions
{
    public static IHostApplicationBuilder AddAlerting(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<AlertingOptions>(AlertingOptions.Section);
        builder.AddAlertingDatabase();

        services.AddSingleton<SeverityBands>();
        services.AddSingleton<QueueMarkerClock>();
        services.AddSingleton<AcknowledgePermission>();
        services.AddSingleton<AlertingMetrics>();
        services.AddHostedService<AlertingGaugeRefresher>();
        services.AddScoped<AlertLedger>();
        services.AddNopInbox<AlertingDbContext>();

        // Competing consumers (several instances) may apply a sensor's events out of order: threshold events are
        // ordered by their window (ThresholdMark), fault reports and recoveries by their readings' time (the same
        // mark), spikes only raise, record or escalate. The sweeper's markers come through this queue too
        // (QueueMarkerClock).
        services.AddConsumer(Topology.AlertingNoise, c => c
            .Handle<NoiseSpikeDetected, NoiseSpikeDetectedHandler>()
            .Handle<NoiseThresholdExceeded, NoiseThresholdExceededHandler>()
            .Handle<NoiseThresholdCleared, NoiseThresholdClearedHandler>()
            .Handle<SensorFaultDetected, SensorFaultDetectedHandler>()
            .Handle<SensorFaultCleared, SensorFaultClearedHandler>()
            .Handle<AlertingQueueMarker, AlertingQueueMarkerHandler>()
            .UseInbox());
        services.AddConsumer(Topology.AlertingCommands, c => c
            .Answer<AcknowledgeAlert, AcknowledgeAlertResult, AcknowledgeAlertHandler>());
        services.AddConsumer(Topology.AlertingQueries, c =>
        {
            c.Answer<GetOpenAlerts, AlertPage, GetOpenAlertsHandler>()
                .Answer<GetAlert, AlertDetails, GetAlertHandler>()
                .Answer<GetSensorAlerts, AlertPage, GetSensorAlertsHandler>();
            c.Concurrency = 4; // Read-only: answer several callers at once.
        });

        // The maintenance saga's process manager (docs/architecture.md §13): requests and participants' answers, one
        // at a time on a single-active-consumer queue, and a durable timer; and Alerting's own participant steps.
        services.AddValidatedOptions<MaintenanceOptions>(MaintenanceOptions.Section);
        services.AddScoped<MaintenanceProcess>();
        services.AddConsumer(Topology.AlertingMaintenance, c => c
            .Answer<StartMaintenance, MaintenanceReply, StartMaintenanceHandler>()
            .Answer<EndMaintenance, MaintenanceReply, EndMaintenanceHandler>()
            .Answer<GetMaintenance, MaintenanceReply, GetMaintenanceHandler>()
            .Answer<GetSensorMaintenance, MaintenanceList, GetSensorMaintenanceHandler>()
            .Handle<MaintenanceStepCompleted, MaintenanceStepCompletedHandler>());
        services.AddConsumer(Topology.AlertingMaintenanceSteps, c => c
            .Handle<MaintenanceStepCommand, MaintenanceStepHandler>());
        services.AddHostedService<MaintenanceTimer>();

        services.AddNopOutbox<AlertingDbContext>(Exchanges.Alerts).BindConfiguration("Alerting:Outbox");
        services.AddSingleton<QuietAlertSweeper>();
        services.AddHostedService(provider => provider.GetRequiredService<QuietAlertSweeper>());
        return builder;
    }

    public static WebApplication UseAlerting(this WebApplication app)
    {
        app.UseCorrelationId();
        return app;
    }

    public static WebApplication MapAlerting(this WebApplication app)
    {
        // Alerting has no API of its own: health, and the dead-letter admin (loopback only: ./nop dead, replay-dead).
        app.MapDefaultEndpoints();
        app.MapDeadLetterEndpoints();
        return app;
    }

    // The rebuild-read-model command (AlertingCommand): migrate, then replay the event log into a fresh alerts table.
    public static async Task<int> RebuildReadModelAsync(this IServiceProvider services,
        CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AlertingDbContext>();
        var logger = scope.ServiceProvider.GetRequiredService<ILogger<AlertingDbContext>>();
        await DatabaseMigration.MigrateAsync(db, scope.ServiceProvider.GetRequiredService<DatabaseResilience>(),
            AlertingDatabase.Settings, cancellationToken);
        var count = await ReadModelRebuilder.RebuildAsync(db, cancellationToken);
        logger.LogInformation("Rebuilt the read model: {Count} alert(s) from the event log", count);
        return 0;
    }
}
