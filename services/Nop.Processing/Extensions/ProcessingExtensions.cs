using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.Messaging;
using Nop.Persistence;
using Nop.Processing.Aggregation;
using Nop.Processing.Classification;
using Nop.Processing.Data;
using Nop.Processing.Maintenance;
using Nop.ServiceDefaults;

namespace Nop.Processing.Extensions;

// Composes Processing: its database (migrated at start-up), the stateless classifier on processing.classifier, one
// single-active-consumer per aggregator partition queue (shared out between instances by the balancer), the
// aggregator timer and the outbox relay.
public static class ProcessingExtensions
{
    public static IHostApplicationBuilder AddProcessing(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<ProcessingOptions>(ProcessingOptions.Section);
        services.AddSingleton<IValidateOptions<ProcessingOptions>, ProcessingOptionsValidator>();
        services.AddSingleton(TimeProvider.System);

        // The partition count shapes the registrations (one consumer per partition queue), so it is read now.
        var options = builder.Configuration.GetSection(ProcessingOptions.Section).Get<ProcessingOptions>()
            ?? new ProcessingOptions();

        // First, so the schema exists before any consumer starts.
        builder.AddProcessingDatabase();

        // Loaded before the partitions start ticking (hosted services start in order).
        services.AddSingleton<MaintenanceCalendar>();
        services.AddSingleton<MaintenanceCalendarRefresher>();
        services.AddHostedService(provider => provider.GetRequiredService<MaintenanceCalendarRefresher>());
        services.AddConsumer(Topology.ProcessingMaintenanceSteps, c => c.Handle<MaintenanceStepCommand,
            MaintenanceStepHandler>());

        services.AddConsumer(Topology.ProcessingClassifier, c =>
        {
            c.Handle<ReadingBatchReceived, ReadingClassifierHandler>();
            // Single readings of the previous Ingest, for one release.
            c.Handle<ReadingReceived, ReadingClassifierHandler>();
            c.Concurrency = options.ClassifierConcurrency;
            c.AckBatch = options.ClassifierAckBatch;
        });

        services.AddSingleton<ProcessingMetrics>();
        services.AddSingleton<PartitionRegistry>();
        for (var partition = 0; partition < options.Partitions; partition++)
        {
            services.AddConsumer(Topology.AggregatorPartition(partition, options.Partitions), c =>
            {
                c.Handle<ReadingBatchReceived, PartitionReadingsHandler>();
                c.Handle<ReadingReceived, PartitionReadingsHandler>();
                // One at a time: a partition's readings are applied in delivery order.
                c.Concurrency = 1;
                c.Prefetch = options.AggregatorPrefetch;
            });
        }
        // After the consumers: hosted services stop in reverse order, so the timer stops checkpointing first.
        services.AddHostedService<PartitionClock>();
        services.AddNopOutbox<ProcessingDbContext>(Exchanges.Noise)
            .Configure<IOptions<ProcessingOptions>>((outbox, processing) =>
            {
                outbox.LeaseDuration = processing.Value.OutboxLeaseDuration;
                // A failed round is tried again after about a second, however long the broker is away.
                outbox.MinBackoff = outbox.MaxBackoff = TimeSpan.FromSeconds(1);
            });
        // Last, so on a graceful stop it says "leaving" before the final checkpoint and before the consumers close.
        services.AddSingleton<PartitionBalancer>();
        services.AddHostedService(provider => provider.GetRequiredService<PartitionBalancer>());
        return builder;
    }

    public static WebApplication MapProcessing(this WebApplication app)
    {
        // Processing has no API: health and the loopback-only dead-letter admin (port 5081 under ./nop up).
        app.MapDefaultEndpoints();
        app.MapDeadLetterEndpoints();
        return app;
    }
}
