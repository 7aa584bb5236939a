using Microsoft.Extensions.Options;
using Nop.Messaging;

namespace Nop.Processing.Aggregation;

// Drives every partition's timer: the fed clock (idle windows, offline sensors) and time-based checkpoints. A
// partition's clock advances only while it is being fed: the broker connection is open, this instance owns it and
// holds it (its consumer has been delivered something since it last gave it away, or no other instance runs), and
// its last checkpoint succeeded (checked by the partition). Otherwise its sensors' silence is not theirs but ours.
public sealed class PartitionClock(
    PartitionRegistry partitions,
    PartitionBalancer balancer,
    RabbitMqConnection connection,
    IOptions<ProcessingOptions> options,
    TimeProvider time,
    ILogger<PartitionClock> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckpointInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                // Only the partitions this instance should hold: with several instances each ticks its share (the
                // checkpoint version guard settles the moments when two disagree, e.g. right after one joined).
                foreach (var partition in partitions.All.Where(p => balancer.Owns(p.Index)))
                {
                    var fed = connection.IsOpen && (partition.DeliveredSinceHandOver || balancer.Members.Count == 1);
                    try
                    {
                        await partition.TickAsync(fed, stoppingToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        logger.LogWarning(ex, "Timer of aggregator partition {Partition} failed", partition.Index);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: see StopAsync.
        }
    }

    // On a graceful stop, one last checkpoint while the consumers (stopped after this) can still ack, so
    // the next owner of a partition gets little redelivered. Without it nothing is lost either: unsaved work is
    // redelivered and counted once.
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        foreach (var partition in partitions.All)
        {
            try
            {
                await partition.CheckpointForHandOverAsync(cancellationToken);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex,
                    "Final checkpoint of aggregator partition {Partition} failed; "
                    + "its unsaved readings will be redelivered",
                    partition.Index);
            }
        }
    }
}
