using System.Collections.Concurrent;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Nop.Alerting.Data;
using Nop.Contracts;
using Nop.Messaging;
using Nop.ServiceDefaults.Leases;
using Polly;
using Polly.Retry;
using RabbitMQ.Client;

namespace Nop.Alerting.Outbox;

/// <summary>
/// Publishes the outbox to <c>nop.alerts</c>: unsent rows in insertion order, each with its stored message id and
/// correlation id, and marks them sent once the broker confirmed them. Rows of different alerts are published
/// concurrently; the rows of one alert one after another, each only after the previous one was confirmed, so a
/// failure never lets a later event of an alert overtake an earlier one. While the broker is unavailable the batch
/// is retried with exponential back-off (Polly). Delivery is at least once: a row confirmed but not yet marked
/// sent when the process dies is sent again with the same message id, which consumers' inboxes drop.
/// </summary>
/// <remarks>Several instances share one database: only the holder of the <see cref="LeaseName"/> lease relays, so a
/// row is not published by two relays at once.</remarks>
public sealed class OutboxRelay(IServiceScopeFactory scopes, MessagePublisher publisher, OutboxSignal signal, DatabaseResilience resilience,
    IOptions<OutboxOptions> options, TimeProvider time, ILogger<OutboxRelay> logger) : BackgroundService
{
    public const string LeaseName = "outbox";

    private readonly OutboxOptions _options = options.Value;
    // Real time, like DatabaseResilience: tests that fake the clock for alert expiry must not freeze the lease.
    private readonly LeaseKeeper _lease = new(LeaseName, options.Value.LeaseDuration, TimeProvider.System);
    private long _published;
    private long _failures;

    /// <summary>Rows published since start (for tests and diagnostics).</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Publish attempts that failed since start.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>This instance's id in the lease row (for tests and diagnostics).</summary>
    public string LeaseHolder => _lease.Holder;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pipeline = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = _options.MinBackoff,
            MaxDelay = _options.MaxBackoff,
            OnRetry = args =>
            {
                logger.LogWarning("Outbox relay failed (attempt {Attempt}): {Error}; retrying in {Delay}",
                    args.AttemptNumber + 1, args.Outcome.Exception?.Message, args.RetryDelay);
                return default;
            },
        }).Build();

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var full = await pipeline.ExecuteAsync(RelayBatchAsync, stoppingToken);
                if (!full)
                {
                    await signal.WaitAsync(_options.PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
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
            await using var scope = scopes.CreateAsyncScope();
            await _lease.ReleaseAsync(scope.ServiceProvider.GetRequiredService<AlertingDbContext>(), timeout.Token);
        }
        catch (Exception ex)
        {
            logger.LogWarning("Could not release the outbox lease ({Error}); another instance takes over when it expires",
                ex.Message);
        }
    }

    /// <summary>Publishes one batch; true when the batch was full (more may be waiting).</summary>
    private async ValueTask<bool> RelayBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AlertingDbContext>();
        if (!await resilience.BrieflyAsync(ct => _lease.HoldAsync(db, ct), cancellationToken))
        {
            return false; // another instance relays
        }
        var batch = await resilience.BrieflyAsync(ct => db.Outbox.AsNoTracking()
            .Where(m => m.SentAt == null)
            .OrderBy(m => m.Position)
            .Take(_options.BatchSize)
            .ToListAsync(ct), cancellationToken);
        if (batch.Count == 0)
        {
            return false;
        }

        var sent = new ConcurrentBag<long>();
        var failures = new ConcurrentBag<MessagePublishException>();
        await Task.WhenAll(batch.GroupBy(m => m.AlertId).Select(async alert =>
        {
            foreach (var message in alert)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return; // stopping: what was confirmed so far is still marked below
                }
                try
                {
                    // Not cancelled by the stop (the publish time-out bounds it): a publish given up after the broker
                    // took it would be sent again by the next relay.
                    await PublishAsync(message, CancellationToken.None);
                    sent.Add(message.Position);
                }
                catch (MessagePublishException ex)
                {
                    // Stop this alert here: its later events wait for this one.
                    failures.Add(ex);
                    Interlocked.Increment(ref _failures);
                    return;
                }
            }
        }));

        if (!sent.IsEmpty)
        {
            var positions = sent.ToArray();
            var now = time.GetUtcNow();
            // Also when stopping (with a grace period of its own): a confirmed row left unmarked is published again.
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var token = cancellationToken.IsCancellationRequested ? grace.Token : cancellationToken;
            await resilience.UntilAvailableAsync(ct => db.Outbox.Where(m => positions.Contains(m.Position))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.SentAt, now), ct), token);
            Interlocked.Add(ref _published, positions.Length);
            logger.LogDebug("Outbox relay published {Count} message(s)", positions.Length);
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (!failures.IsEmpty)
        {
            var first = failures.First();
            throw new OutboxRelayException($"{failures.Count} of {batch.Count} outbox message(s) not confirmed ({first.Failure}): {first.Message}", first);
        }
        return batch.Count == _options.BatchSize;
    }

    private async Task PublishAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var properties = publisher.CreateProperties(message.Type, new PublishOptions
        {
            MessageId = message.MessageId,
            CorrelationId = message.CorrelationId,
            CausationId = message.CausationId,
        });
        properties.Timestamp = new AmqpTimestamp(message.CreatedAt.ToUnixTimeSeconds());
        // Not mandatory: an event nobody subscribes to yet is not an error, and must not block the outbox.
        await publisher.PublishRawAsync(Exchanges.Alerts, message.RoutingKey, properties, Encoding.UTF8.GetBytes(message.Body),
            mandatory: false, cancellationToken);
    }
}

/// <summary>Some messages of a batch were not confirmed; the batch is retried after a back-off.</summary>
public sealed class OutboxRelayException(string message, Exception inner) : Exception(message, inner);
