using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Nop.Contracts;
using Nop.Messaging;
using Nop.Processing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Nop.Benchmarks;

/// <summary>
/// The raw chain's last hop: bare consumers on the classifier queue and the partition queues that deserialise each
/// message and ack it, nothing else, with the pipeline's prefetch, handler concurrency and ack batching (Processing's
/// defaults): the classifier's acks every <see cref="ProcessingOptions.ClassifierAckBatch"/> messages, a partition's
/// once per checkpoint (<see cref="ProcessingOptions.CheckpointEvery"/> readings or
/// <see cref="ProcessingOptions.CheckpointInterval"/>).
/// </summary>
public sealed class RawChainConsumers : IAsyncDisposable
{
    private readonly List<(IChannel Channel, RawAcker Acker)> _consumers = [];
    private readonly ConcurrentDictionary<string, long> _probes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(DateTime Taken, double Ms)> _probeLatencies = [];
    private long _classified;
    private long _partitioned;

    /// <summary>Readings deserialised so far off the classifier queue, and off the partition queues.</summary>
    public long Classified => Interlocked.Read(ref _classified);

    public long Partitioned => Interlocked.Read(ref _partitioned);

    /// <summary>When each probe's message was taken off the classifier queue (UTC), and the milliseconds from its
    /// <see cref="Probe"/> to then.</summary>
    public IReadOnlyCollection<(DateTime Taken, double Ms)> ProbeLatencies => _probeLatencies;

    /// <summary>Times a reading with this id from now until the classifier queue's consumer takes its message (a
    /// message of one reading).</summary>
    public void Probe(string readingId) => _probes[readingId] = Stopwatch.GetTimestamp();

    /// <summary>Forgets the probes' latencies so far (those of a warm-up).</summary>
    public void ResetProbeLatencies() => _probeLatencies.Clear();

    public static async Task<RawChainConsumers> StartAsync(IConnection connection, int partitions)
    {
        var processing = new ProcessingOptions();
        var consumers = new RawChainConsumers();
        await consumers.ConsumeAsync(connection, Queues.ProcessingClassifier, new RabbitMqOptions().Prefetch,
            processing.ClassifierConcurrency, perReading: false, processing.ClassifierAckBatch,
            TimeSpan.FromMilliseconds(10));
        for (var i = 0; i < partitions; i++)
        {
            await consumers.ConsumeAsync(connection, Queues.AggregatorPartition(i), processing.AggregatorPrefetch, 1,
                perReading: true, processing.CheckpointEvery, processing.CheckpointInterval);
        }
        return consumers;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (channel, acker) in _consumers)
        {
            await acker.DisposeAsync();
            await channel.DisposeAsync();
        }
    }

    private async Task ConsumeAsync(IConnection connection, string queue, ushort prefetch, ushort concurrency,
        bool perReading, int ackBatch, TimeSpan linger)
    {
        var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(false, false, consumerDispatchConcurrency: concurrency));
        await channel.BasicQosAsync(0, prefetch, false);
        var acker = new RawAcker(channel, ackBatch, linger);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            var batch = Deserialize(delivery);
            var readings = batch?.Readings.Count ?? 0;
            if (!perReading && readings == 1 && _probes.TryRemove(batch!.Readings[0].ReadingId, out var posted))
            {
                _probeLatencies.Enqueue((DateTime.UtcNow, Stopwatch.GetElapsedTime(posted).TotalMilliseconds));
            }
            _ = perReading ? Interlocked.Add(ref _partitioned, readings) : Interlocked.Add(ref _classified, readings);
            await acker.DoneAsync(delivery.DeliveryTag, perReading ? readings : 1);
        };
        acker.Start();
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer);
        _consumers.Add((channel, acker));
    }

    private static ReadingBatchReceived? Deserialize(BasicDeliverEventArgs delivery) =>
        JsonSerializer.Deserialize(delivery.Body.Span, MessageTypes.JsonInfo<ReadingBatchReceived>());
}
