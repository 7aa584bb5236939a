using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Nop.Contracts;
using Nop.Testing;
using RabbitMQ.Client;

namespace Nop.Messaging.Tests;

public sealed class AckBatchTests
{
    [Fact]
    public async Task Batched_acks_settle_each_delivery_once_when_handlers_end_out_of_order_some_failing_or_malformed()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("ack-batch");
        var received = new Received<ReadingReceived>();
        var attempts = new ConcurrentDictionary<string, int>();
        await using var host = await MessagingApp.StartAsync(vhost.Uri, services => services
            .AddSingleton(received)
            .AddSingleton(attempts)
            .AddConsumer(Topology.ProcessingClassifier, c =>
            {
                c.Handle<ReadingReceived, JitteryHandler>();
                c.Concurrency = 4;
                c.AckBatch = 16;
            }));

        // Every 97th reading fails once (retried through nop.retry.processing), and one malformed message goes to
        // .dead: both are settled outside the normal path, in the middle of batches.
        var readings = Enumerable.Range(0, 1_000)
            .Select(i => Make.Reading($"dev-{i % 20:000}", i % 97 == 0 ? 13 : 55, $"batch-{i}")).ToList();
        var publishes = readings.Select(r =>
            host.Publisher.PublishAsync(Exchanges.Readings, RoutingKeys.Reading(r.SensorId), r)).ToList();
        var properties = new BasicProperties
        {
            MessageId = "malformed-1",
            Type = ReadingReceived.MessageType,
            ContentType = "application/json"
        };
        await host.Publisher.PublishRawAsync(Exchanges.Readings, "reading.dev-001", properties,
            Encoding.UTF8.GetBytes("{not json"), mandatory: true);
        await Task.WhenAll(publishes);

        await Eventually.TrueAsync(() => received.Count >= readings.Count, TimeSpan.FromSeconds(60),
            "every reading is handled");
        await Eventually.TrueAsync(async () => (await TestBroker.GetQueueAsync(vhost.Name,
            Queues.ProcessingClassifier))?["messages"]?.GetValue<int>() == 0,
            TimeSpan.FromSeconds(30), "no delivery is left unacked or ready");
        (await TestBroker.CountReadyAsync(vhost, Queues.DeadOf(Queues.ProcessingClassifier)))
            .ShouldBe(1u, "the malformed message is parked");
        received.Items.Select(r => r.Message.ReadingId).Order().ShouldBe(readings.Select(r => r.ReadingId).Order(),
            "each reading handled exactly once: no ack was lost or refused (a refused ack closes the " +
                "channel and redelivers)");
        attempts.Where(a => a.Value > 1).Select(a => a.Key).Order()
            .ShouldBe(readings.Where(r => r.Laeq == 13).Select(r => r.ReadingId).Order());
        host.Logs.Events.ShouldNotContain(e =>
            e.RenderMessage(null).Contains("closed by the broker", StringComparison.Ordinal));
    }

    [Fact]
    public async Task At_a_trickle_each_delivery_is_acked_although_its_batch_never_fills()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("ack-trickle");
        var received = new Received<ReadingReceived>();
        await using var host = await MessagingApp.StartAsync(vhost.Uri, services => services
            .AddSingleton(received)
            .AddConsumer(Topology.ProcessingClassifier, c => c.Handle<ReadingReceived, RecordingHandler>()));

        // The default batch (ConsumerBuilder.DefaultAckBatch) is far larger than one: only the time-bound flush can
        // ack a lone delivery, and nothing else arrives to fill its batch.
        for (var i = 1; i <= 3; i++)
        {
            var reading = Make.Reading("dev-001", readingId: $"trickle-{i}");
            await host.Publisher.PublishAsync(Exchanges.Readings, RoutingKeys.Reading(reading.SensorId), reading);
            await Eventually.TrueAsync(() => received.Count == i, TimeSpan.FromSeconds(30), $"reading {i} handled");
            // The acks counted (statistics lag a few seconds, so "no message left" alone could be an old figure).
            var acked = i;
            await Eventually.TrueAsync(async () => await TestBroker.GetQueueAsync(vhost.Name,
                    Queues.ProcessingClassifier) is { } queue && queue["message_stats"] is JsonObject stats
                && stats["ack"]?.GetValue<int>() >= acked && queue["messages"]?.GetValue<int>() == 0,
                TimeSpan.FromSeconds(30), $"reading {i} acked while no other delivery follows");
        }
    }

    /// <summary>
    /// Takes 0–3 ms, so four at once finish out of order; readings at 13 dB fail on their first attempt.
    /// </summary>
    private sealed class JitteryHandler(Received<ReadingReceived> received, ConcurrentDictionary<string, int> attempts)
        : IMessageHandler<ReadingReceived>
    {
        public async Task HandleAsync(ReadingReceived message, MessageContext context,
            CancellationToken cancellationToken)
        {
            await Task.Delay(Random.Shared.Next(0, 4), cancellationToken);
            if (attempts.AddOrUpdate(message.ReadingId, 1, (_, n) => n + 1) == 1 && message.Laeq == 13)
            {
                throw new InvalidOperationException("fails once");
            }
            received.Add(message, context.Envelope);
        }
    }
}
