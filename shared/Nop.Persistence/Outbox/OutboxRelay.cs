using System.Collections.Concurrent;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nop.Messaging;
using Nop.Persistence.Leases;
using Polly;
using Polly.Retry;
using RabbitMQ.Client;

namespace Nop.Persistence.Outbox;

/// <summary>
/// Publishes the outbox to <see cref="OutboxOptions.Exchange"/>: unsent rows in insertion order, each with its
/// stored message id and correlation id, and marks them sent (or deletes them, see
/// <see cref="OutboxModel.KeepsSentRows"/>) once the broker confirmed them. Rows of different keys are published
/// concurrently; the rows of one key one after another, each only after the previous one was confirmed, so a failure
/// never lets a later message of a key overtake an earlier one. While the broker or the database is unavailable the
/// batch is retried with exponential back-off (Polly). Delivery is at least once: a row confirmed but not yet marked
/// when the process dies is sent again with the same message id, which consumers' inboxes drop. So the marking is
/// off the path of the next rows: it commits in the background while the relay already publishes what came next.
/// Rows a commit hands over (<see cref="OutboxSignal.Notify(IEnumerable{OutboxMessage})"/>) are published without
/// reading them back when they directly follow the last row published, so no other row can be waiting before them;
/// after a gap, a failure or a full batch the relay reads the outbox again.
/// </summary>
/// <remarks>Several instances share one database: only the holder of the <see cref="OutboxModel.LeaseName"/> lease
/// relays, so a row is not published by two relays at once. The others' commits wake only their own relay, so the
/// holder also looks every <see cref="OutboxOptions.PollInterval"/>.</remarks>
/// <typeparam name="TContext">The service's context, which maps the outbox with <see cref="OutboxModel.Map"/>.
/// </typeparam>
public sealed class OutboxRelay<TContext>(
    IDbContextFactory<TContext> databases,
    MessagePublisher publisher,
    OutboxSignal signal,
    DatabaseResilience resilience,
    IOptions<OutboxOptions> options,
    TimeProvider time,
    ILogger<OutboxRelay<TContext>> logger) : BackgroundService where TContext : DbContext
{
    // How long a stopping relay may still spend marking what the broker confirmed.
    private static readonly TimeSpan MarkGrace = TimeSpan.FromSeconds(5);

    private readonly OutboxOptions _options = options.Value;
    // Real time, like DatabaseResilience: tests that fake the clock (e.g. for alert expiry) must not freeze the lease.
    private readonly LeaseKeeper _lease = new(OutboxModel.LeaseName, options.Value.LeaseDuration, TimeProvider.System);
    // Rows published and confirmed whose marking has not committed yet: the next batch skips them, so the relay
    // publishes new rows without waiting for the previous batch's mark (a commit, i.e. a disk sync).
    private readonly HashSet<long> _marking = [];
    // The marks in flight, one after another.
    private Task _marks = Task.CompletedTask;
    // The lease's renewal in flight, off the path of the rows waiting to be published.
    private Task _renewal = Task.CompletedTask;
    // The last row published when every row before it is known to be published too (0: not known, read the outbox).
    private long _known;
    private bool _keepsSent;
    private long _handedOver;

    private CancellationToken _stopping;
    private long _published;
    private long _failures;

    /// <summary>Rows published (confirmed by the broker) since start (for tests and diagnostics).</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Rows of those published as a commit handed them over, without reading them back.</summary>
    public long HandedOver => Interlocked.Read(ref _handedOver);

    /// <summary>Publish attempts that failed since start.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>This instance's id in the lease row (for tests and diagnostics).</summary>
    public string LeaseHolder => _lease.Holder;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
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
        await _marks;
        await _renewal;
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
            logger.LogWarning(
                "Could not release the outbox lease ({Error}); another instance takes over when it expires",
                ex.Message);
        }
    }

    /// <summary>Publishes one batch; true when the batch was full (more may be waiting).</summary>
    private async ValueTask<bool> RelayBatchAsync(CancellationToken cancellationToken)
    {
        var handed = signal.TakeCommitted();
        var known = _known;
        _known = 0; // unknown again unless this round publishes all it takes
        List<OutboxMessage> batch;
        if (_lease.HeldForNow && Following(handed, known) is { } rows)
        {
            RenewLeaseWhenDue();
            batch = rows;
            Interlocked.Add(ref _handedOver, rows.Count);
        }
        else
        {
            await using var db = await databases.CreateDbContextAsync(cancellationToken);
            if (!await HoldLeaseAsync(db, cancellationToken))
            {
                return false; // another instance relays
            }
            _keepsSent = OutboxModel.KeepsSentRows(db);
            long[] marking;
            lock (_marking)
            {
                marking = [.. _marking];
            }
            batch = await resilience.BrieflyAsync(ct => Unsent(db, _keepsSent)
                .Where(m => !marking.Contains(m.Position))
                .OrderBy(m => m.Position)
                .Take(_options.BatchSize)
                .ToListAsync(ct), cancellationToken);
            if (batch.Count == 0)
            {
                _known = known; // rows up to it are published or being marked, none after it is committed
                return false;
            }
        }
        var keepsSent = _keepsSent;

        var sent = new ConcurrentBag<long>();
        var failures = new ConcurrentBag<MessagePublishException>();
        await Task.WhenAll(batch.GroupBy(m => m.Key, StringComparer.Ordinal).Select(async messages =>
        {
            foreach (var message in messages)
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
                    // Stop this key here: its later messages wait for this one.
                    failures.Add(ex);
                    Interlocked.Increment(ref _failures);
                    return;
                }
            }
        }));

        if (!sent.IsEmpty)
        {
            var positions = sent.ToArray();
            lock (_marking)
            {
                _marking.UnionWith(positions);
            }
            _marks = MarkAsync(_marks, keepsSent, positions, _stopping);
            Interlocked.Add(ref _published, positions.Length);
            logger.LogDebug("Outbox relay published {Count} message(s)", positions.Length);
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (!failures.IsEmpty)
        {
            var first = failures.First();
            throw new OutboxRelayException(
                $"{failures.Count} of {batch.Count} outbox message(s) not confirmed ({first.Failure}): {first.Message}",
                first);
        }
        var full = batch.Count == _options.BatchSize;
        _known = full ? 0 : Math.Max(known, batch[^1].Position);
        return full;
    }

    /// <summary>
    /// The rows handed over by commits (<see cref="OutboxSignal.Notify(IEnumerable{OutboxMessage})"/>) that come
    /// right after <paramref name="known"/>, the last row this relay published, in order; null when they cannot be
    /// published without reading the outbox: nothing known yet, or a gap before or among them (a row committed by
    /// another instance or without a hand-over, which must not be overtaken by a later one of its key).
    /// </summary>
    private List<OutboxMessage>? Following(List<OutboxMessage> handed, long known)
    {
        if (known == 0)
        {
            return null;
        }
        var rows = handed.Where(m => m.Position > known).OrderBy(m => m.Position).ToList();
        if (rows.Count == 0 || rows.Count > _options.BatchSize)
        {
            return null;
        }
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Position != known + 1 + i)
            {
                return null;
            }
        }
        return rows;
    }

    /// <summary>
    /// True while this instance holds the lease. A lease with more than a third of its time left is renewed, when due,
    /// in the background: its commit (a disk sync) would otherwise delay the rows that woke the relay.
    /// </summary>
    private async Task<bool> HoldLeaseAsync(TContext db, CancellationToken cancellationToken)
    {
        if (!_lease.HeldForNow)
        {
            return await resilience.BrieflyAsync(ct => _lease.HoldAsync(db, ct), cancellationToken);
        }
        RenewLeaseWhenDue();
        return true;
    }

    private void RenewLeaseWhenDue()
    {
        if (_lease.RenewalDue && _renewal.IsCompleted)
        {
            _renewal = RenewAsync(_stopping);
        }
    }

    /// <summary>Renews the lease on a context of its own; never throws (a lease not renewed in time is taken or
    /// renewed again on the relay's path).</summary>
    private async Task RenewAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await resilience.BrieflyAsync(async ct =>
            {
                await using var db = await databases.CreateDbContextAsync(ct);
                return await _lease.HoldAsync(db, ct);
            }, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the lease is released next.
        }
        catch (Exception ex)
        {
            logger.LogWarning("Could not renew the outbox lease ({Error}); retrying on the next round", ex.Message);
        }
    }

    /// <summary>Marks <paramref name="positions"/> sent after the marks before them, in the background; never
    /// throws.</summary>
    private async Task MarkAsync(Task previous, bool keepsSent, long[] positions, CancellationToken stoppingToken)
    {
        await previous;
        try
        {
            // Also when stopping, before or during the marking: a confirmed row left unmarked is published again. So
            // the stop only starts a grace period of its own (a database outage meanwhile still ends the wait).
            using var grace = new CancellationTokenSource();
            await using (stoppingToken.Register(() => grace.CancelAfter(MarkGrace)))
            {
                await resilience.UntilAvailableAsync(async ct =>
                {
                    await using var db = await databases.CreateDbContextAsync(ct);
                    return await MarkSentAsync(db, keepsSent, positions, ct);
                }, grace.Token);
            }
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("Stopped before {Count} published outbox row(s) were marked sent: they are published "
                + "again (same message ids) by the next relay", positions.Length);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not mark {Count} published outbox row(s) sent: they are published again "
                + "(same message ids)", positions.Length);
        }
        finally
        {
            lock (_marking)
            {
                _marking.ExceptWith(positions);
            }
        }
    }

    private static IQueryable<OutboxMessage> Unsent(TContext db, bool keepsSent) => keepsSent
        ? db.Set<OutboxMessage>().AsNoTracking().Where(m => m.SentAt == null)
        : db.Set<OutboxMessage>().AsNoTracking();

    private Task<int> MarkSentAsync(TContext db, bool keepsSent, long[] positions, CancellationToken cancellationToken)
    {
        var rows = db.Set<OutboxMessage>().Where(m => positions.Contains(m.Position));
        if (!keepsSent)
        {
            return rows.ExecuteDeleteAsync(cancellationToken);
        }
        var now = time.GetUtcNow();
        return rows.ExecuteUpdateAsync(s => s.SetProperty(m => m.SentAt, now), cancellationToken);
    }

    private async Task PublishAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var properties = publisher.CreateProperties(message.Type, new PublishOptions
        {
            MessageId = message.MessageId,
            CorrelationId = message.CorrelationId,
            CausationId = message.CausationId,
            TraceParent = message.TraceParent,
        });
        properties.Timestamp = new AmqpTimestamp(message.CreatedAt.ToUnixTimeSeconds());
        // Not mandatory: a message nobody subscribes to (e.g. levels without a dashboard) is not an error, and must
        // not block the outbox.
        await publisher.PublishRawAsync(message.Exchange ?? _options.Exchange, message.RoutingKey, properties,
            Encoding.UTF8.GetBytes(message.Body), mandatory: false, cancellationToken);
    }
}
