using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Nop.Contracts;
using Nop.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Nop.Messaging.Tests;

public sealed partial class PublishAndConsumeTests
{
    [Fact]
    public async Task Published_message_is_confirmed_and_consumed_once_with_its_envelope_intact()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("envelope");
        var received = new Received<ReadingReceived>();
        await using var host = await MessagingApp.StartAsync(vhost.Uri, services => services
            .AddSingleton(received)
            .AddConsumer(Topology.ProcessingClassifier, c => c.Handle<ReadingReceived, RecordingHandler>()));

        var reading = Make.Reading("dev-001", 63.2);
        var messageId = await host.Publisher.PublishAsync(Exchanges.Readings, RoutingKeys.Reading("dev-001"), reading,
            new PublishOptions { CorrelationId = "corr-envelope-1", CausationId = "cause-1" });

        await Eventually.TrueAsync(() => received.Count >= 1, TimeSpan.FromSeconds(10), "the reading is consumed");
        await Eventually.TrueAsync(async () => (await TestBroker.GetQueueAsync(vhost.Name,
            Queues.ProcessingClassifier))?["messages"]?.GetValue<int>() == 0,
            TimeSpan.FromSeconds(15), "the queue has no message left, acked or not");

        var (message, envelope) = received.Items.ShouldHaveSingleItem();
        message.ShouldBe(reading);
        envelope.MessageId.ShouldBe(messageId);
        Guid.TryParse(messageId, out var id).ShouldBeTrue();
        id.Version.ShouldBe(7);
        envelope.CorrelationId.ShouldBe("corr-envelope-1");
        envelope.CausationId.ShouldBe("cause-1");
        envelope.MessageType.ShouldBe("nop.reading-received.v1");
        envelope.Exchange.ShouldBe(Exchanges.Readings);
        envelope.RoutingKey.ShouldBe(RoutingKeys.Reading("dev-001"));
        envelope.Attempt.ShouldBe(0);
        envelope.Timestamp.ShouldBeInRange(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        envelope.TraceParent.ShouldNotBeNull();
        TraceParent().IsMatch(envelope.TraceParent).ShouldBeTrue(envelope.TraceParent);
        received.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Publishing_with_no_queue_bound_fails_as_unroutable()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("unroutable");
        await using var host = await MessagingApp.StartAsync(vhost.Uri, _ => { });

        var error = await Should.ThrowAsync<MessagePublishException>(() =>
            host.Publisher.PublishAsync(Exchanges.Readings, RoutingKeys.Reading("dev-001"), Make.Reading("dev-001")));

        error.Failure.ShouldBe(PublishFailure.Unroutable);
    }

    [Fact]
    public async Task Many_publishes_in_flight_are_all_confirmed_and_consumed_exactly_once()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("inflight");
        var received = new Received<ReadingReceived>();
        await using var host = await MessagingApp.StartAsync(vhost.Uri, services => services
            .AddSingleton(received)
            .AddConsumer(Topology.ProcessingClassifier, c => c.Handle<ReadingReceived, RecordingHandler>()));

        var ids = await Task.WhenAll(Enumerable.Range(0, 2_000).Select(i =>
            host.Publisher.PublishAsync(Exchanges.Readings, RoutingKeys.Reading($"dev-{i % 50:000}"),
                Make.Reading($"dev-{i % 50:000}"))));

        await Eventually.TrueAsync(() => received.Count >= ids.Length, TimeSpan.FromSeconds(30),
            "every confirmed message is consumed");
        received.Items.Select(r => r.Envelope.MessageId).Order().ShouldBe(ids.Order());
    }

    // The partition is a function of the sensor id alone (its bucket, ReadingBuckets), not of broker state: with the
    // consistent-hash exchange of earlier versions it was whatever the broker's ring said, which a restart can reorder.
    [Fact]
    public async Task Readings_of_one_sensor_always_land_in_the_partition_its_bucket_names()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("partitions");
        const int partitions = 4;
        await using var host = await MessagingApp.StartAsync(vhost.Uri, services =>
        {
            for (var p = 0; p < partitions; p++)
            {
                services.AddQueue(Topology.AggregatorPartition(p, partitions));
            }
        });
        await host.Services.GetRequiredService<RabbitMqConnection>().GetConnectionAsync();

        var sensors = Enumerable.Range(1, 40).Select(i => $"dev-{i:000}").ToArray();
        await Task.WhenAll(sensors.SelectMany(s => Enumerable.Range(0, 5).Select(_ =>
            host.Publisher.PublishAsync(Exchanges.Readings, RoutingKeys.Reading(s), Make.Reading(s)))));

        var connection = await host.Services.GetRequiredService<RabbitMqConnection>().GetConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var partitionOf = new ConcurrentDictionary<string, ConcurrentDictionary<int, byte>>();
        var total = 0;
        for (var p = 0; p < partitions; p++)
        {
            var queue = await TestBroker.GetQueueAsync(vhost.Name, Queues.AggregatorPartition(p));
            queue!["arguments"]!["x-single-active-consumer"]!.GetValue<bool>().ShouldBeTrue();
            queue["arguments"]!["x-queue-type"]!.GetValue<string>().ShouldBe("quorum");
            // basic.get is refused on single-active-consumer quorum queues: consume instead.
            var partition = p;
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, message) =>
            {
                partitionOf.GetOrAdd(message.RoutingKey[(message.RoutingKey.LastIndexOf('.') + 1)..], _ => new())
                    .TryAdd(partition, 0);
                Interlocked.Increment(ref total);
                return Task.CompletedTask;
            };
            await channel.BasicConsumeAsync(Queues.AggregatorPartition(p), autoAck: true, consumer);
        }
        await Eventually.TrueAsync(() => Volatile.Read(ref total) >= sensors.Length * 5, TimeSpan.FromSeconds(10),
            "every reading is consumed from some partition");

        total.ShouldBe(sensors.Length * 5);
        partitionOf.Keys.Order().ShouldBe(sensors);
        partitionOf.Values.ShouldAllBe(set => set.Count == 1);
        foreach (var sensor in sensors)
        {
            partitionOf[sensor].Keys.Single()
                .ShouldBe(ReadingBuckets.PartitionOf(ReadingBuckets.Of(sensor), partitions), sensor);
        }
        partitionOf.Values.Select(set => set.Keys.Single()).Distinct().Count()
            .ShouldBeGreaterThan(1, "40 sensors spread over more than one partition");
    }

    // Processing started with 4 partitions, then 8, then 2: each time every bucket is bound to exactly its partition
    // of the current count. Growing, the old count's bindings on the lower queues are stale (bucket 4 of 4 partitions
    // is p0's, of 8 it is p4's: bound to both, its readings would be counted twice); shrinking, the queues beyond the
    // new count would keep receiving readings that no partition consumer takes.
    [Fact]
    public async Task After_the_partition_count_changes_each_bucket_is_bound_to_its_partition_of_the_new_count_only()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("repartition");
        foreach (var partitions in new[] { 4, 8, 2 })
        {
            await using (var host = await MessagingApp.StartAsync(vhost.Uri, services =>
            {
                for (var p = 0; p < partitions; p++)
                {
                    services.AddQueue(Topology.AggregatorPartition(p, partitions));
                }
            }))
            {
                var connection = await host.Services.GetRequiredService<RabbitMqConnection>().GetConnectionAsync();
                var retired = await Topology.RetireAggregatorPartitionsAsync(connection, partitions);
                retired.Select(r => r.Queue).ShouldBe(partitions == 2
                    ? [.. Enumerable.Range(2, 6).Select(Queues.AggregatorPartition)]
                    : [], $"the queues beyond {partitions}");
            }

            var bindings = (await TestBroker.Local.GetJsonAsync(
                    $"api/exchanges/{Uri.EscapeDataString(vhost.Name)}/{Exchanges.Readings}/bindings/source"))!
                .AsArray().Select(b => (Queue: (string)b!["destination"]!, Key: (string)b["routing_key"]!))
                .ToArray();
            for (var bucket = 0; bucket < ReadingBuckets.Count; bucket++)
            {
                bindings.Where(b => b.Key == RoutingKeys.ReadingBucket(bucket)).Select(b => b.Queue)
                    .ShouldBe([Queues.AggregatorPartition(bucket % partitions)],
                        $"bucket {bucket} with {partitions} partitions");
            }
        }
    }

    [GeneratedRegex("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$")]
    private static partial Regex TraceParent();
}
