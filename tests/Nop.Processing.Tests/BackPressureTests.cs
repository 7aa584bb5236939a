using System.Collections.Concurrent;
using Nop.Contracts;
using Nop.Messaging;
using Nop.Processing.Tests.Support;
using Nop.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Nop.Processing.Tests;

/// <summary>The classifier against a full <c>alerting.noise</c> (its length limit reached, nobody consuming).</summary>
public sealed class BackPressureTests
{
    [Fact]
    public async Task Spikes_wait_out_a_full_alerting_queue_instead_of_parking_readings_and_all_arrive_once_it_drains()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("proc-backpressure");
        var connection = await new ConnectionFactory { Uri = vhost.Uri }.CreateConnectionAsync();
        await using var _ = connection;
        await using (var declare = await connection.CreateChannelAsync())
        {
            await Topology.DeclareExchangesAsync(declare);
            await Topology.DeclareQueueAsync(declare, Topology.AlertingNoise, deliveryLimit: 20, maxLength: 10);
        }
        using var folder = new TempFolder();
        // One retry 200 ms later (ProcessingApp's default): a refused reading would be parked within a second.
        await using var host = await ProcessingApp.StartAsync(vhost.Uri, folder.Database());
        await using var broker = await BrokerClient.ConnectAsync(vhost.Uri);
        var at = DateTimeOffset.UtcNow.AddSeconds(-30);
        var spikes = Enumerable.Range(0, 40).Select(i => Readings.Batch($"bp-{i % 4}",
            [new SensorReading($"bp-spike-{i}", at.AddSeconds(i), 80, 105, 1)])).ToList();

        await broker.PublishAsync(spikes);

        await Eventually.TrueAsync(async () => await broker.CountAsync(Queues.AlertingNoise) >= 10,
            TimeSpan.FromSeconds(30),
            "alerting.noise fills up to its limit");
        // Long enough for a refused reading to go through its retry into .dead several times over.
        await Task.Delay(TimeSpan.FromSeconds(3));
        (await broker.CountAsync(Queues.DeadOf(Queues.ProcessingClassifier))).ShouldBe(0u, "no reading is parked");
        (await broker.CountAsync(Queues.AlertingNoise)).ShouldBeLessThan(40u, "the queue's limit held the rest back");

        var arrived = new ConcurrentDictionary<string, byte>();
        await using var drain = await connection.CreateChannelAsync();
        var consumer = new AsyncEventingBasicConsumer(drain);
        consumer.ReceivedAsync += (_, d) =>
        {
            if (d.BasicProperties.Type == NoiseSpikeDetected.MessageType)
            {
                arrived.TryAdd(d.BasicProperties.MessageId!, 0);
            }
            return Task.CompletedTask;
        };
        await drain.BasicConsumeAsync(Queues.AlertingNoise, autoAck: true, consumer);

        await Eventually.TrueAsync(() => arrived.Count == 40, TimeSpan.FromSeconds(60),
            "every spike arrives once the queue drains");
        (await broker.CountAsync(Queues.DeadOf(Queues.ProcessingClassifier))).ShouldBe(0u);
        host.Logs.Events.ShouldContain(e => e.MessageTemplate.Text.Contains("waiting it out", StringComparison.Ordinal),
            "the classifier was refused and waited");
    }
}
