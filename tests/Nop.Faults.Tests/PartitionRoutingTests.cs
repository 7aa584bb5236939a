using System.Text;
using Nop.Contracts;
using Nop.Messaging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Xunit.Abstractions;

namespace Nop.Faults.Tests;

/// <summary>
/// A sensor's readings reach the same aggregator partition before and after the broker is killed: the partition its
/// bucket names (docs/architecture.md §3, "Partitioning"). With the consistent-hash exchange of earlier versions the
/// broker rebuilt its ring at boot in another order now and then, and a sensor moved away from its open windows.
/// </summary>
public sealed class PartitionRoutingTests(ITestOutputHelper output)
{
    private const int Partitions = 8;

    [Fact]
    public async Task Each_sensor_is_routed_to_the_partition_its_bucket_names_before_and_after_a_broker_kill()
    {
        await using var broker = await FaultBroker.StartAsync(output);
        await using var vhost = await broker.Endpoint.CreateVirtualHostAsync("routing");
        var sensors = Enumerable.Range(1, 100).Select(i => $"dev-{i:000}").ToArray();
        var factory = new ConnectionFactory { Uri = vhost.Uri };

        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync(ConfirmedChannel))
        {
            await Topology.DeclareExchangesAsync(channel);
            var defaults = new RabbitMqOptions();
            for (var p = 0; p < Partitions; p++)
            {
                await Topology.DeclareQueueAsync(channel, Topology.AggregatorPartition(p, Partitions),
                    defaults.DeliveryLimit, defaults.MaxQueueLength);
            }
            await PublishEachAsync(channel, sensors);
        }
        await broker.KillAsync(TimeSpan.FromSeconds(1));
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync(ConfirmedChannel))
        {
            await PublishEachAsync(channel, sensors);
        }

        var partitionsOf = await ReadPartitionsAsync(factory, sensors.Length * 2);
        partitionsOf.Keys.Order().ShouldBe(sensors);
        foreach (var sensor in sensors)
        {
            var expected = ReadingBuckets.PartitionOf(ReadingBuckets.Of(sensor), Partitions);
            partitionsOf[sensor].ShouldBe([expected, expected], $"{sensor}: before and after the kill");
        }
        partitionsOf.Values.Select(p => p[0]).Distinct().Count()
            .ShouldBe(Partitions, "100 sensors use every partition");
    }

    private static readonly CreateChannelOptions ConfirmedChannel =
        new(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);

    private static async Task PublishEachAsync(IChannel channel, IEnumerable<string> sensors)
    {
        foreach (var sensor in sensors)
        {
            await channel.BasicPublishAsync(Exchanges.Readings, RoutingKeys.Reading(sensor), mandatory: false,
                new BasicProperties { DeliveryMode = DeliveryModes.Persistent }, Encoding.UTF8.GetBytes(sensor));
        }
    }

    // Sensor → the partition of each of its messages, in the order they were consumed.
    private static async Task<Dictionary<string, List<int>>> ReadPartitionsAsync(ConnectionFactory factory, int total)
    {
        var partitionsOf = new Dictionary<string, List<int>>();
        var received = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        for (var p = 0; p < Partitions; p++)
        {
            var partition = p;
            // basic.get is refused on single-active-consumer quorum queues: consume instead (one channel, so the
            // handlers run one at a time).
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, message) =>
            {
                var sensor = Encoding.UTF8.GetString(message.Body.Span);
                if (!partitionsOf.TryGetValue(sensor, out var seen))
                {
                    partitionsOf[sensor] = seen = [];
                }
                seen.Add(partition);
                if (++received == total)
                {
                    all.TrySetResult();
                }
                return Task.CompletedTask;
            };
            await channel.BasicConsumeAsync(Queues.AggregatorPartition(p), autoAck: true, consumer);
        }
        await all.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return partitionsOf;
    }
}
