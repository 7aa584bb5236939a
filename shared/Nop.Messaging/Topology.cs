using Nop.Contracts;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Nop.Messaging;

/// <summary>NOP's RabbitMQ topology (docs/architecture.md §3), declared idempotently from code.</summary>
public static class Topology
{
    /// <summary>Stateless reading handlers.</summary>
    public static QueueDefinition ProcessingClassifier { get; } =
        new(Queues.ProcessingClassifier, [new(Exchanges.Readings, RoutingKeys.AllReadings)]);

    /// <summary>Noise events that become alerts (not the per-window levels).</summary>
    public static QueueDefinition AlertingNoise { get; } = new(Queues.AlertingNoise,
    [
        new(Exchanges.Noise, RoutingKeys.AllSpikes),
        new(Exchanges.Noise, RoutingKeys.AllThresholds),
        new(Exchanges.Noise, RoutingKeys.AllSensorFaults),
        new(Exchanges.Noise, RoutingKeys.AllSensorFaultsCleared),
    ]);

    /// <summary>Commands to Alerting.</summary>
    public static QueueDefinition AlertingCommands { get; } =
        new(Queues.AlertingCommands, [new(Exchanges.Commands, RoutingKeys.AcknowledgeAlert)]);

    /// <summary>Queries to Alerting.</summary>
    public static QueueDefinition AlertingQueries { get; } =
        new(Queues.AlertingQueries, [new(Exchanges.Commands, RoutingKeys.AlertQuery)]);

    /// <summary>
    /// The levels stream: every window level and threshold event on <see cref="Exchanges.Noise"/>, kept by
    /// <paramref name="retention"/>, so History can read it again from any offset it still holds (a new or emptied
    /// database, a rebuild). The threshold events come too: History's level-alert episodes are made of them.
    /// </summary>
    public static StreamDefinition LevelsStream(StreamRetention retention) => new(Queues.LevelsStream,
    [
        new(Exchanges.Noise, RoutingKeys.AllLevelBatches),
        new(Exchanges.Noise, RoutingKeys.AllLevels),
        new(Exchanges.Noise, RoutingKeys.AllThresholds),
    ], retention);

    /// <summary>History's reader of <see cref="LevelsStream"/>: its poison messages are parked in
    /// <c>history.levels.dead</c>.</summary>
    public static StreamReaderDefinition HistoryLevelsReader(StreamDefinition stream) =>
        new(Queues.HistoryLevels, stream);

    /// <summary>Queries to History.</summary>
    public static QueueDefinition HistoryQueries { get; } =
        new(Queues.HistoryQueries, [new(Exchanges.Commands, RoutingKeys.HistoryQuery)]);

    /// <summary>Alert events that Notifier turns into notifications. Single active consumer, one delivery at a time:
    /// each alert's events are planned in the order Alerting published them, also with several instances.</summary>
    public static QueueDefinition NotifierAlerts { get; } = new(Queues.NotifierAlerts,
    [
        new(Exchanges.Alerts, RoutingKeys.AlertRaised),
        new(Exchanges.Alerts, RoutingKeys.AlertEscalated),
        new(Exchanges.Alerts, RoutingKeys.AlertAcknowledged),
        new(Exchanges.Alerts, RoutingKeys.AlertResolved),
    ], SingleActiveConsumer: true);

    /// <summary>Notifier's planned deliveries: each is its own message, so a slow or failing recipient retries on its
    /// own and never holds up the others.</summary>
    public static QueueDefinition NotifierDeliveries { get; } =
        new(Queues.NotifierDeliveries, [new(Exchanges.Commands, RoutingKeys.DeliverNotification)]);

    /// <summary>Queries to Notifier.</summary>
    public static QueueDefinition NotifierQueries { get; } =
        new(Queues.NotifierQueries, [new(Exchanges.Commands, RoutingKeys.NotifierQuery)]);

    /// <summary>The maintenance process manager's requests and its participants' answers. Single active consumer, one
    /// delivery at a time: each saga advances in the order its messages arrive, also with several instances.</summary>
    public static QueueDefinition AlertingMaintenance { get; } = new(Queues.AlertingMaintenance,
    [
        new(Exchanges.Commands, RoutingKeys.MaintenanceRequest),
        new(Exchanges.Commands, RoutingKeys.MaintenanceCompleted),
    ], SingleActiveConsumer: true);

    /// <summary>Maintenance steps for Processing.</summary>
    public static QueueDefinition ProcessingMaintenanceSteps { get; } = new(Queues.ProcessingMaintenanceSteps,
        [new(Exchanges.Commands, RoutingKeys.MaintenanceStep(MaintenanceParticipants.Processing))]);

    /// <summary>Maintenance steps for Alerting.</summary>
    public static QueueDefinition AlertingMaintenanceSteps { get; } = new(Queues.AlertingMaintenanceSteps,
        [new(Exchanges.Commands, RoutingKeys.MaintenanceStep(MaintenanceParticipants.Alerting))]);

    /// <summary>Maintenance steps for History.</summary>
    public static QueueDefinition HistoryMaintenanceSteps { get; } = new(Queues.HistoryMaintenanceSteps,
        [new(Exchanges.Commands, RoutingKeys.MaintenanceStep(MaintenanceParticipants.History))]);

    /// <summary>
    /// Aggregator partition <paramref name="partition"/> of <paramref name="partitions"/>: bound to
    /// <see cref="Exchanges.Readings"/> by its sensor buckets (<see cref="ReadingBuckets"/>), single active consumer so
    /// one instance handles a sensor's readings in order and another takes over when it stops. The other buckets are
    /// unbound when it is declared: a partition count used before may have bound some of them here, and a bucket bound
    /// to two partitions would have its readings counted in both.
    /// </summary>
    public static QueueDefinition AggregatorPartition(int partition, int partitions)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(partitions, ReadingBuckets.Count);
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(partition, partitions);
        return new(Queues.AggregatorPartition(partition),
            [.. ReadingBuckets.OfPartition(partition, partitions).Select(ReadingBinding)],
            SingleActiveConsumer: true,
            StaleBindings: [.. Enumerable.Range(0, ReadingBuckets.Count)
                .Where(bucket => ReadingBuckets.PartitionOf(bucket, partitions) != partition).Select(ReadingBinding)]);
    }

    /// <summary>
    /// Unbinds from <see cref="Exchanges.Readings"/> the aggregator partition queues beyond
    /// <paramref name="partitions"/> that an earlier, larger partition count left, so no reading goes where no
    /// partition consumer takes it. Returns each such queue with the messages it still holds (its sensors' readings
    /// from before the change, which their new partitions do not see).
    /// </summary>
    public static async Task<IReadOnlyList<(string Queue, uint Messages)>> RetireAggregatorPartitionsAsync(
        IConnection connection, int partitions, CancellationToken cancellationToken = default)
    {
        var retired = new List<(string, uint)>();
        for (var partition = partitions; partition < ReadingBuckets.Count; partition++)
        {
            var name = Queues.AggregatorPartition(partition);
            // A passive declare of a missing queue closes its channel: one channel per queue.
            await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            QueueDeclareOk queue;
            try
            {
                queue = await channel.QueueDeclarePassiveAsync(name, cancellationToken);
            }
            catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == Constants.NotFound)
            {
                continue;
            }
            for (var bucket = 0; bucket < ReadingBuckets.Count; bucket++)
            {
                await channel.QueueUnbindAsync(name, Exchanges.Readings, RoutingKeys.ReadingBucket(bucket),
                    cancellationToken: cancellationToken);
            }
            retired.Add((name, queue.MessageCount));
        }
        return retired;
    }

    private static QueueBinding ReadingBinding(int bucket) =>
        new(Exchanges.Readings, RoutingKeys.ReadingBucket(bucket));

    /// <exception cref="TopologyMismatchException">The queue exists with other arguments (e.g. declared by an older
    /// version).</exception>
    private static async Task DeclareAsync(IChannel channel, string name, Dictionary<string, object?> arguments,
        CancellationToken cancellationToken)
    {
        try
        {
            await channel.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false, arguments,
                cancellationToken: cancellationToken);
        }
        catch (OperationInterruptedException ex)
            when (ex.ShutdownReason is { ReplyCode: Constants.PreconditionFailed } reason)
        {
            throw new TopologyMismatchException(name, reason.ReplyText, ex);
        }
    }

    /// <summary>
    /// Declares a stream with its retention arguments and binds it. A stream that exists with other arguments (another
    /// retention) raises <see cref="TopologyMismatchException"/>, as a queue does.
    /// </summary>
    public static async Task DeclareStreamAsync(IChannel channel, StreamDefinition stream,
        CancellationToken cancellationToken = default)
    {
        await DeclareAsync(channel, stream.Name, stream.Retention.Arguments(), cancellationToken);
        foreach (var binding in stream.Bindings)
        {
            await channel.QueueBindAsync(stream.Name, binding.Exchange, binding.RoutingKey,
                cancellationToken: cancellationToken);
        }
    }

    /// <summary>
    /// Declares what a stream reader needs beside its stream: its <c>.dead</c> parking queue, bound by the reader's
    /// name to the service's dead exchange (so <c>./nop dead</c> lists it), and a binding of the stream to the
    /// service's retry exchange by the reader's name, so that replaying the dead queue
    /// (<see cref="DeadLetterReplayer"/>) appends a parked message to the stream again, where the reader meets it
    /// anew; nothing else on the stream's exchanges sees it.
    /// </summary>
    public static async Task DeclareStreamReaderAsync(IChannel channel, StreamReaderDefinition reader,
        CancellationToken cancellationToken = default)
    {
        var dead = Queues.DeadOf(reader.Name);
        var retryExchange = Exchanges.RetryOf(reader.Name);
        var deadExchange = Exchanges.DeadOf(reader.Name);
        await channel.ExchangeDeclareAsync(retryExchange, ExchangeType.Direct, durable: true,
            cancellationToken: cancellationToken);
        await channel.ExchangeDeclareAsync(deadExchange, ExchangeType.Direct, durable: true,
            cancellationToken: cancellationToken);
        await DeclareAsync(channel, dead, new Dictionary<string, object?> { ["x-queue-type"] = "quorum" },
            cancellationToken);
        await channel.QueueBindAsync(dead, deadExchange, reader.Name, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(reader.Stream.Name, retryExchange, reader.Name,
            cancellationToken: cancellationToken);
    }

    /// <summary>Declares every shared NOP exchange. The per-service retry and dead exchanges come with the service's
    /// queues (<see cref="DeclareQueueAsync(IChannel, QueueDefinition, int, int, int, CancellationToken)"/>).</summary>
    public static async Task DeclareExchangesAsync(IChannel channel, CancellationToken cancellationToken = default)
    {
        var ct = cancellationToken;
        await channel.ExchangeDeclareAsync(Exchanges.Readings, ExchangeType.Topic, durable: true,
            cancellationToken: ct);
        // Left by an older version, its bindings would route every reading to a partition a second time (and to
        // another one than its bucket's). Deleting an exchange that does not exist is no error.
        await channel.ExchangeDeleteAsync(Exchanges.LegacyReadingsPartitioned, ifUnused: false, cancellationToken: ct);
        await channel.ExchangeDeclareAsync(Exchanges.Noise, ExchangeType.Topic, durable: true, cancellationToken: ct);
        await channel.ExchangeDeclareAsync(Exchanges.Alerts, ExchangeType.Topic, durable: true, cancellationToken: ct);
        await channel.ExchangeDeclareAsync(Exchanges.Commands, ExchangeType.Direct, durable: true,
            cancellationToken: ct);
        await channel.ExchangeDeclareAsync(Exchanges.Replies, ExchangeType.Direct, durable: true,
            cancellationToken: ct);
        await channel.ExchangeDeclareAsync(Exchanges.ProcessingInstances, ExchangeType.Fanout, durable: true,
            cancellationToken: ct);
    }

    /// <summary>Declares a work queue with its retry and dead queues and bindings, bounded to
    /// <see cref="RabbitMqOptions.DefaultMaxQueueLength"/>.</summary>
    public static Task DeclareQueueAsync(IChannel channel, QueueDefinition queue, int deliveryLimit,
        CancellationToken cancellationToken = default) =>
        DeclareQueueAsync(channel, queue, deliveryLimit, RabbitMqOptions.DefaultMaxQueueLength, cancellationToken);

    /// <summary>Declares a work queue with the default number of retry steps
    /// (<see cref="RetryPolicy.DefaultDelays"/>).</summary>
    public static Task DeclareQueueAsync(IChannel channel, QueueDefinition queue, int deliveryLimit, int maxLength,
        CancellationToken cancellationToken = default) =>
        DeclareQueueAsync(channel, queue, deliveryLimit, maxLength, RetryPolicy.DefaultDelays.Count, cancellationToken);

    /// <summary>
    /// Declares a work queue with its retry and dead queues and bindings. The work queue holds at most
    /// <paramref name="maxLength"/> ready messages and refuses (nacks) publishes beyond it, so a stalled consumer
    /// pushes back on the publisher instead of growing a backlog without bound. The <c>.retry.N</c> and <c>.dead</c>
    /// queues stay unbounded: a limit there would drop a message the broker already confirmed. One retry queue per step
    /// of <paramref name="retrySteps"/>, bound by its own name to the service's retry exchange
    /// (<see cref="Exchanges.RetryOf"/>), to which the work queue is bound by its own name too: expired retries and
    /// replays come back through it. The work queue dead-letters into the service's dead exchange
    /// (<see cref="Exchanges.DeadOf"/>). No queue dead-letters into, and nothing is published to, the default
    /// exchange: a broker user that could write it could reach every queue of the virtual host.
    /// </summary>
    /// <exception cref="TopologyMismatchException">The queue exists with other arguments (e.g. declared by an older
    /// version).</exception>
    public static async Task DeclareQueueAsync(IChannel channel, QueueDefinition queue, int deliveryLimit,
        int maxLength, int retrySteps, CancellationToken cancellationToken = default)
    {
        var dead = Queues.DeadOf(queue.Name);
        var retryExchange = Exchanges.RetryOf(queue.Name);
        var deadExchange = Exchanges.DeadOf(queue.Name);
        await channel.ExchangeDeclareAsync(retryExchange, ExchangeType.Direct, durable: true,
            cancellationToken: cancellationToken);
        await channel.ExchangeDeclareAsync(deadExchange, ExchangeType.Direct, durable: true,
            cancellationToken: cancellationToken);

        var workArgs = new Dictionary<string, object?>
        {
            ["x-queue-type"] = "quorum",
            // Backstop for a message that kills its consumer before any retry could be published.
            ["x-delivery-limit"] = deliveryLimit,
            ["x-dead-letter-exchange"] = deadExchange,
            ["x-dead-letter-routing-key"] = queue.Name,
            ["x-max-length"] = maxLength,
            ["x-overflow"] = "reject-publish",
        };
        if (queue.SingleActiveConsumer)
        {
            workArgs["x-single-active-consumer"] = true;
        }
        await DeclareAsync(channel, queue.Name, workArgs, cancellationToken);

        // Per-message TTL (the retry delay), then dead-lettered back to the work queue through the service's retry
        // exchange (the work queue is bound there by its own name), so a retried reading returns to the same partition
        // queue it came from. A quorum queue with
        // at-least-once dead-lettering, because the work queue may be full (reject-publish): the broker then keeps the
        // message and tries again later (a classic queue's dead-lettering is at most once: the message would be lost).
        // One queue per step: all its messages have the same delay, so the one at the head is always the first due.
        for (var step = 1; step <= retrySteps; step++)
        {
            var retry = Queues.RetryOf(queue.Name, step);
            await DeclareAsync(channel, retry, new Dictionary<string, object?>
            {
                ["x-queue-type"] = "quorum",
                ["x-dead-letter-exchange"] = retryExchange,
                ["x-dead-letter-routing-key"] = queue.Name,
                ["x-dead-letter-strategy"] = "at-least-once",
                // Required by at-least-once dead-lettering; there is no length limit, so nothing is ever refused here.
                ["x-overflow"] = "reject-publish",
            }, cancellationToken);
            await channel.QueueBindAsync(retry, retryExchange, retry, cancellationToken: cancellationToken);
        }
        await channel.QueueBindAsync(queue.Name, retryExchange, queue.Name, cancellationToken: cancellationToken);

        await DeclareAsync(channel, dead, new Dictionary<string, object?> { ["x-queue-type"] = "quorum" },
            cancellationToken);
        await channel.QueueBindAsync(dead, deadExchange, queue.Name, cancellationToken: cancellationToken);

        foreach (var binding in queue.Bindings)
        {
            await channel.QueueBindAsync(queue.Name, binding.Exchange, binding.RoutingKey,
                cancellationToken: cancellationToken);
        }
        foreach (var binding in queue.StaleBindings ?? [])
        {
            await channel.QueueUnbindAsync(queue.Name, binding.Exchange, binding.RoutingKey,
                cancellationToken: cancellationToken);
        }
    }
}
