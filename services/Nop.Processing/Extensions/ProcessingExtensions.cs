using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.Messaging;
using Nop.Processing.Aggregation;
using Nop.Processing.Classification;
using Nop.Processing.Outbox;
using Nop.Processing.Persistence;
using Nop.ServiceDefaults;

namespace Nop.Processing.Extensions;

public static class ProcessingExtensions
{
    /// <summary>
    /// Adds Processing: its database (migrated at start-up), the stateless classifier on <c>processing.classifier</c>,
    /// one single-active-consumer per aggregator partition queue (shared out between instances by the balancer), the
    /// aggregator timer and the outbox relay.
    /// </summary>
    public static IHostApplicationBuilder AddProcessing(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<ProcessingOptions>(ProcessingOptions.Section);
        services.AddSingleton<IValidateOptions<ProcessingOptions>, ProcessingOptionsValidator>();
        services.AddSingleton(TimeProvider.System);

        // The partition count shapes the registrations (one consumer per partition queue), so it is read now.
        var options = builder.Configuration.GetSection(ProcessingOptions.Section).Get<ProcessingOptions>() ?? new ProcessingOptions();

        // First, so the schema exists before any consumer starts.
        builder.AddProcessingDatabase(options.Database.Provider);

        services.AddConsumer(Topology.ProcessingClassifier, c =>
        {
            c.Handle<ReadingBatchReceived, ReadingClassifierHandler>();
            // Single readings of the previous Ingest, for one release.
            c.Handle<ReadingReceived, ReadingClassifierHandler>();
            c.Concurrency = options.ClassifierConcurrency;
            c.AckBatch = options.ClassifierAckBatch;
        });

        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<DatabaseOutage>();
        services.AddSingleton<PartitionRegistry>();
        for (var partition = 0; partition < options.Partitions; partition++)
        {
            services.AddConsumer(Topology.AggregatorPartition(partition), c =>
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
        services.AddHostedService<OutboxRelay>();
        // Last, so on a graceful stop it says "leaving" before the final checkpoint and before the consumers close.
        services.AddSingleton<PartitionBalancer>();
        services.AddHostedService(provider => provider.GetRequiredService<PartitionBalancer>());
        return builder;
    }
}

/// <summary>Checks what data annotations cannot: nested sections, time spans and the time zone.</summary>
internal sealed class ProcessingOptionsValidator : IValidateOptions<ProcessingOptions>
{
    public ValidateOptionsResult Validate(string? name, ProcessingOptions options)
    {
        var errors = new List<string>();
        foreach (var (section, value) in new (string, object)[]
        {
            ("Windows", options.Windows), ("Rules", options.Rules), ("Thresholds:Residential", options.Thresholds.Residential),
            ("Thresholds:Commercial", options.Thresholds.Commercial), ("Thresholds:Industrial", options.Thresholds.Industrial),
            ("Thresholds:Quiet", options.Thresholds.Quiet),
        })
        {
            var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
            if (!System.ComponentModel.DataAnnotations.Validator.TryValidateObject(value, new(value), results, validateAllProperties: true))
            {
                errors.AddRange(results.Select(r => $"Processing:{section}: {r.ErrorMessage}"));
            }
        }
        if (options.Windows.Size <= TimeSpan.Zero)
        {
            errors.Add("Processing:Windows:Size must be positive.");
        }
        if (options.Windows.AllowedLateness < TimeSpan.Zero || options.Windows.IdleGrace < TimeSpan.Zero)
        {
            errors.Add("Processing:Windows:AllowedLateness and IdleGrace must not be negative.");
        }
        if (options.Sharing.HeartbeatInterval <= TimeSpan.Zero || options.Sharing.InstanceTimeout < 2 * options.Sharing.HeartbeatInterval)
        {
            errors.Add("Processing:Sharing:HeartbeatInterval must be positive and InstanceTimeout at least twice as long.");
        }
        if (options.CheckpointInterval <= TimeSpan.Zero || options.Rules.OfflineAfter <= TimeSpan.Zero
            || options.OutboxLeaseDuration <= TimeSpan.Zero)
        {
            errors.Add("Processing:CheckpointInterval, OutboxLeaseDuration and Rules:OfflineAfter must be positive.");
        }
        var t = options.Thresholds;
        if (!(t.DayStarts < t.EveningStarts && t.EveningStarts < t.NightStarts && t.NightStarts < TimeSpan.FromDays(1) && t.DayStarts >= TimeSpan.Zero))
        {
            errors.Add("Processing:Thresholds: DayStarts < EveningStarts < NightStarts within one day.");
        }
        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(t.TimeZone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            errors.Add($"Processing:Thresholds:TimeZone '{t.TimeZone}' is not a known time zone.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
