using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.Messaging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Nop.Processing.Aggregation;

// Shares the aggregator partitions between the running Processing instances.
//
// Every instance subscribes to every partition queue, and single active consumer makes one of them the active
// consumer of each queue: left alone, the first instance to start would hold them all. So instances send heartbeats
// on a fanout exchange and each knows the live instances; partition p belongs to the (p mod n)-th of
// them in id order. An instance that is being delivered the readings of a partition that belongs to another live
// instance checkpoints it and re-subscribes: single active consumer then activates the next waiting consumer and puts
// this one at the back of the line. With two instances the next one is the owner; with more, a partition passes on
// until it reaches its owner.
//
// When an instance dies, single active consumer hands its partitions to a waiting instance at once; they are shared
// out anew when its heartbeats have been missing for SharingOptions.InstanceTimeout (or at once, when it
// said it was leaving). Correctness never depends on any of this: the checkpoint version guard keeps two holders of a
// partition from both counting a reading. Balancing only decides who does the work.
public sealed class PartitionBalancer(
    PartitionRegistry partitions,
    RabbitMqConnection connection,
    IServiceProvider services,
    IOptions<ProcessingOptions> options,
    TimeProvider time,
    ILogger<PartitionBalancer> logger) : BackgroundService
{
    private readonly SharingOptions _sharing = options.Value.Sharing;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, DateTimeOffset> _heard = new(StringComparer.Ordinal);
    private string[] _members = [];
    private IChannel? _channel;
    private bool _staleRetired;

    // This instance, unique per process start.
    public string InstanceId { get; } =
        $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";

    // The live instances, this one included, in the order that assigns the partitions.
    public IReadOnlyList<string> Members =>
        Volatile.Read(ref _members) is { Length: > 0 } members ? members : [InstanceId];

    // The instance a partition belongs to.
    public string OwnerOf(int partition)
    {
        var members = Members;
        return members[partition % members.Count];
    }

    // Whether this instance should hold partition (and run its timer).
    public bool Owns(int partition) => OwnerOf(partition) == InstanceId;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var hosts = services.GetServices<IHostedService>().OfType<ConsumerHost>().ToDictionary(h => h.Queue,
            StringComparer.Ordinal);
        var delivered = new long[partitions.All.Count];
        var holdUntil = new DateTimeOffset[partitions.All.Count];
        using var timer = new PeriodicTimer(_sharing.HeartbeatInterval, time);
        try
        {
            do
            {
                try
                {
                    if (!_staleRetired)
                    {
                        await RetireStalePartitionsAsync(stoppingToken);
                        _staleRetired = true;
                    }
                    await HeartbeatAsync(leaving: false, stoppingToken);
                    UpdateMembers();
                    await HandOverAsync(hosts, delivered, holdUntil, stoppingToken);
                }
                catch (Exception ex)
                    when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // Whatever the broker does while it is away (a channel open that times out, a connection refused),
                    // ending here would stop Processing: balancing only decides who does the work, so try next tick.
                    logger.LogWarning("Partition balancing skipped a heartbeat: {Error}", ex.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: see StopAsync.
        }
    }

    // Once per start: partition queues that a larger partition count left stop receiving readings, which would
    // otherwise pile up where no partition consumer takes them.
    private async Task RetireStalePartitionsAsync(CancellationToken cancellationToken)
    {
        var conn = await connection.GetConnectionAsync(cancellationToken);
        var count = partitions.All.Count;
        var retired = await Topology.RetireAggregatorPartitionsAsync(conn, count, cancellationToken);
        foreach (var (queue, messages) in retired)
        {
            logger.LogWarning("{Queue} is no partition of {Partitions}: unbound from {Exchange}. It still holds " +
                "{Messages} messages of readings from before the change, which no partition counts", queue, count,
                Exchanges.Readings, messages);
        }
    }

    // Says "leaving" (if the broker is there), so the others take the partitions over without waiting.
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_channel is { IsOpen: true })
        {
            await HeartbeatAsync(leaving: true, cancellationToken);
        }
        if (_channel is { } channel)
        {
            await channel.CloseQuietlyAsync();
        }
    }

    // Hands over every partition this instance is active on although another live instance owns it.
    private async Task HandOverAsync(Dictionary<string, ConsumerHost> hosts, long[] delivered,
        DateTimeOffset[] holdUntil, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var partition in partitions.All)
        {
            var index = partition.Index;
            // Only the active consumer is delivered anything: new deliveries since the last look mean we hold it.
            var deliveries = partition.Deliveries;
            var active = deliveries != delivered[index];
            delivered[index] = deliveries;
            var owner = OwnerOf(index);
            if (!active || owner == InstanceId || now < holdUntil[index] || !IsAlive(owner, now))
            {
                continue;
            }
            // Readings already on their way over the old subscription still arrive for a moment: don't count them as
            // holding it again.
            holdUntil[index] = now + 2 * _sharing.HeartbeatInterval;
            try
            {
                if (!await partition.CheckpointForHandOverAsync(cancellationToken))
                {
                    logger.LogWarning("Aggregator partition {Partition} not handed over to {Owner}: "
                        + "its checkpoint failed; trying again later", index, owner);
                    continue;
                }
                hosts[Queues.AggregatorPartition(index)].Resubscribe();
                logger.LogInformation("Handed aggregator partition {Partition} over to {Owner}", index, owner);
            }
            catch (Exception ex) when (ex is not OperationCanceledException
                || !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Handing aggregator partition {Partition} over to {Owner} failed", index, owner);
            }
        }
    }

    // Heard from within two heartbeats: a dead instance's partitions are not handed to it in the meantime.
    private bool IsAlive(string instance, DateTimeOffset now)
    {
        lock (_lock)
        {
            return _heard.TryGetValue(instance, out var at) && now - at <= 2 * _sharing.HeartbeatInterval;
        }
    }

    private void UpdateMembers()
    {
        var now = time.GetUtcNow();
        string[] members;
        lock (_lock)
        {
            var silent = _heard.Where(h => now - h.Value > _sharing.InstanceTimeout).Select(h => h.Key).ToList();
            foreach (var gone in silent)
            {
                _heard.Remove(gone);
            }
            members = [.. _heard.Keys.Append(InstanceId).Order(StringComparer.Ordinal)];
        }
        var previous = Interlocked.Exchange(ref _members, members);
        if (!previous.SequenceEqual(members))
        {
            logger.LogInformation("{Count} Processing instance(s): {Instances}; "
                + "this one, {InstanceId}, owns aggregator partitions {Partitions}",
                members.Length, members, InstanceId, partitions.All.Select(p => p.Index).Where(Owns).ToArray());
        }
    }

    private async Task HeartbeatAsync(bool leaving, CancellationToken cancellationToken)
    {
        try
        {
            var channel = await ListenAsync(cancellationToken);
            var heartbeat = new ProcessingInstanceHeartbeat(InstanceId, time.GetUtcNow(), leaving);
            var properties = new BasicProperties
            {
                Type = ProcessingInstanceHeartbeat.MessageType,
                ContentType = "application/json",
                DeliveryMode = DeliveryModes.Transient,
                // A heartbeat older than the time-out says nothing any more.
                Expiration = ((long)_sharing.InstanceTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            };
            await channel.BasicPublishAsync(Exchanges.ProcessingInstances, string.Empty, mandatory: false, properties,
                JsonSerializer.SerializeToUtf8Bytes(heartbeat, MessageTypes.JsonInfo<ProcessingInstanceHeartbeat>()),
                    cancellationToken);
        }
        catch (Exception ex)
            when (ex is AlreadyClosedException or OperationInterruptedException or IOException or TimeoutException)
        {
            // The broker is away: the others stop hearing us, and we keep what single active consumer gives us.
            logger.LogWarning("Heartbeat not sent: {Error}", ex.Message);
        }
    }

    // This instance's own exclusive queue on the heartbeat exchange (re-made when its channel closed).
    private async Task<IChannel> ListenAsync(CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true } open)
        {
            return open;
        }
        if (_channel is { } closed)
        {
            await closed.CloseQuietlyAsync();
            _channel = null;
        }
        // It publishes heartbeats: on the publishing connection, so a blocked publish never holds up the consumers'
        // acks.
        var channel = await connection.CreatePublishChannelAsync(cancellationToken: cancellationToken);
        try
        {
            var queue = await channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true,
                cancellationToken: cancellationToken);
            await channel.QueueBindAsync(queue.QueueName, Exchanges.ProcessingInstances, string.Empty,
                cancellationToken: cancellationToken);
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, delivery) =>
            {
                Heard(delivery.Body);
                return Task.CompletedTask;
            };
            await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer, cancellationToken);
        }
        catch
        {
            await channel.CloseQuietlyAsync();
            throw;
        }
        _channel = channel;
        return channel;
    }

    private void Heard(ReadOnlyMemory<byte> body)
    {
        ProcessingInstanceHeartbeat? heartbeat;
        try
        {
            heartbeat = JsonSerializer.Deserialize(body.Span, MessageTypes.JsonInfo<ProcessingInstanceHeartbeat>());
        }
        catch (JsonException ex)
        {
            logger.LogWarning(ex, "Ignored a malformed heartbeat on {Exchange}", Exchanges.ProcessingInstances);
            return;
        }
        if (heartbeat is null || heartbeat.InstanceId == InstanceId)
        {
            return;
        }
        lock (_lock)
        {
            if (heartbeat.Leaving)
            {
                _heard.Remove(heartbeat.InstanceId);
            }
            else
            {
                _heard[heartbeat.InstanceId] = time.GetUtcNow();
            }
        }
        if (heartbeat.Leaving)
        {
            UpdateMembers();
        }
    }
}
