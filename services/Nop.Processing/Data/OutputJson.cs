using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.Messaging;
using Nop.Processing.Persistence;
using Nop.ServiceDefaults.Leases;

namespace Nop.Processing.Outbox;

/// <summary>Serialises the aggregator's events for the outbox.</summary>
public static class OutputJson
{
    public static (string Type, string Body) Serialize(object message) => message switch
    {
        NoiseLevelMeasured m => (NoiseLevelMeasured.MessageType, JsonSerializer.Serialize(m, MessageTypes.JsonInfo<NoiseLevelMeasured>())),
        NoiseThresholdExceeded m => (NoiseThresholdExceeded.MessageType, JsonSerializer.Serialize(m, MessageTypes.JsonInfo<NoiseThresholdExceeded>())),
        NoiseThresholdCleared m => (NoiseThresholdCleared.MessageType, JsonSerializer.Serialize(m, MessageTypes.JsonInfo<NoiseThresholdCleared>())),
        SensorFaultDetected m => (SensorFaultDetected.MessageType, JsonSerializer.Serialize(m, MessageTypes.JsonInfo<SensorFaultDetected>())),
        SensorFaultCleared m => (SensorFaultCleared.MessageType, JsonSerializer.Serialize(m, MessageTypes.JsonInfo<SensorFaultCleared>())),
        _ => throw new ArgumentException($"{message.GetType().Name} is not an aggregator event.", nameof(message)),
    };
}

/// <summary>Wakes the relay when a checkpoint has written events.</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}

/// <summary>
/// Publishes the outbox to <c>nop.noise</c> with confirms, oldest first, and deletes what the broker confirmed.
/// One sensor's events go out one after another (in the order they were produced: exceeded before cleared);
/// different sensors' events are in flight together. Publishing is at least once: a crash between confirm and
/// delete publishes again with the same deterministic message id, which the consumer's inbox recognises.
/// Several instances share one database: only the holder of the <see cref="LeaseName"/> lease relays, so a row is not
/// published by two relays at once. The others' checkpoints wake only their own relay, so the holder also looks every
/// second.
/// </summary>
public sealed class OutboxRelay(
    IDbContextFactory<ProcessingDbContext> databases,
    MessagePublisher publisher,
    OutboxSignal signal,
    IOptions<ProcessingOptions> options,
    TimeProvider time,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    public const string LeaseName = "outbox";
    private const int BatchSize = 500;

    private readonly LeaseKeeper _lease = new(LeaseName, options.Value.OutboxLeaseDuration, time);

    /// <summary>This instance's id in the lease row (for tests and diagnostics).</summary>
    public string LeaseHolder => _lease.Holder;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await signal.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
                while (await RelayBatchAsync(stoppingToken) == BatchSize)
                {
                    // A full batch: there may be more.
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The database or broker is unavailable: the rows stay and the next round (at most a second away) retries.
                logger.LogWarning(ex, "Outbox relay failed; retrying");
            }
        }
        await ReleaseLeaseAsync();
    }

    /// <summary>On a graceful stop another instance takes over at once instead of after the lease expired.</summary>
    private async Task ReleaseLeaseAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await using var db = await databases.CreateDbContextAsync(timeout.Token);
            await _lease.ReleaseAsync(db, timeout.Token);
        }
        catch (Exception ex)
        {
            logger.LogWarning("Could not release the outbox lease ({Error}); another instance takes over when it expires",
                ex.Message);
        }
    }

    /// <summary>Publishes up to one batch; returns how many rows it read.</summary>
    private async Task<int> RelayBatchAsync(CancellationToken cancellationToken)
    {
        List<OutboxMessage> batch;
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            if (!await _lease.HoldAsync(db, cancellationToken))
            {
                return 0; // another instance relays
            }
            batch = await db.Outbox.AsNoTracking().OrderBy(o => o.Id).Take(BatchSize).ToListAsync(cancellationToken);
        }
        if (batch.Count == 0)
        {
            return 0;
        }
        var sent = new ConcurrentBag<long>();
        var failures = 0;
        await Task.WhenAll(batch.GroupBy(o => o.SensorId).Select(async sensorEvents =>
        {
            foreach (var row in sensorEvents)
            {
                var properties = publisher.CreateProperties(row.MessageType, new PublishOptions
                {
                    MessageId = row.MessageId,
                    CorrelationId = row.CorrelationId,
                });
                try
                {
                    // Not mandatory: an event nobody subscribes to (e.g. levels without a dashboard) is not an error.
                    await publisher.PublishRawAsync(Exchanges.Noise, row.RoutingKey, properties, Encoding.UTF8.GetBytes(row.Body), mandatory: false, cancellationToken);
                    sent.Add(row.Id);
                    logger.LogDebug("Published {PublishedType} {PublishedId} for {SensorId}", row.MessageType, row.MessageId, row.SensorId);
                }
                catch (MessagePublishException ex)
                {
                    Interlocked.Increment(ref failures);
                    logger.LogWarning(ex, "Could not publish {PublishedType} {PublishedId}; it stays in the outbox", row.MessageType, row.MessageId);
                    return; // keep this sensor's order: its later events wait for this one
                }
            }
        }));
        if (!sent.IsEmpty)
        {
            var ids = sent.ToArray();
            await using var db = await databases.CreateDbContextAsync(cancellationToken);
            await db.Outbox.Where(o => ids.Contains(o.Id)).ExecuteDeleteAsync(cancellationToken);
        }
        if (failures > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return 0;
        }
        return batch.Count;
    }
}
