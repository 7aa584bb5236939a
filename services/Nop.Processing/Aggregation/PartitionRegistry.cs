using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.Persistence;
using Nop.Persistence.Outbox;
using Nop.Processing.Data;
using Nop.Processing.Maintenance;

namespace Nop.Processing.Aggregation;

// The aggregator partitions of this instance, found by queue name.
public sealed class PartitionRegistry
{
    private readonly Dictionary<string, CheckpointedPartition> _byQueue;

    public PartitionRegistry(IOptions<ProcessingOptions> options, IDbContextFactory<ProcessingDbContext> databases,
        DatabaseResilience resilience, OutboxSignal outboxSignal, TimeProvider time, ProcessingMetrics metrics,
        ILogger<CheckpointedPartition> logger, MaintenanceCalendar maintenance)
    {
        All = Enumerable.Range(0, options.Value.Partitions)
            .Select(i => new CheckpointedPartition(i, options.Value, databases, resilience, outboxSignal, time, metrics,
                logger, maintenance))
            .ToArray();
        _byQueue = All.ToDictionary(p => Queues.AggregatorPartition(p.Index), StringComparer.Ordinal);
    }

    public IReadOnlyList<CheckpointedPartition> All { get; }

    public CheckpointedPartition ForQueue(string queue) =>
        _byQueue.TryGetValue(queue, out var partition)
            ? partition
            : throw new InvalidOperationException($"{queue} is not an aggregator partition of this instance.");
}
