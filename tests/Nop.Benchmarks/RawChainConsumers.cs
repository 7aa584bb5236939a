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
    private long _classified;
    private long _partitioned;

    /// <summary>Readings deserialised so far off the classifier queue, and off the partition queues.</summary>
    public long Classified => Interlocked.Read(ref _classified);

    public long Partitioned => Interlocked.Read(ref _partitioned);

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
            var readings = Deserialize(delivery);
            _ = perReading ? Interlocked.Add(ref _partitioned, readings) : Interlocked.Add(ref _classified, readings);
            await acker.DoneAsync(delivery.DeliveryTag, perReading ? readings : 1);
        };
        acker.Start();
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer);
        _consumers.Add((channel, acker));
    }

    /// <summary>The readings a message of the raw chain's endpoint carries.</summary>
    private static int Deserialize(BasicDeliverEventArgs delivery) =>
        JsonSerializer.Deserialize(delivery.Body.Span, MessageTypes.JsonInfo<ReadingBatchReceived>())
            ?.Readings.Count ?? 0;
}
