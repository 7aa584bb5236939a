using System.Diagnostics;
using System.Text;
using Nop.Contracts;
using Nop.Testing;
using RabbitMQ.Client;
using Xunit.Abstractions;

namespace Nop.Faults.Tests;

/// <summary>
/// Poison messages put straight into each durable work queue while Ingest, Processing and Alerting run as processes and
/// readings flow: each is parked in its queue's <c>.dead</c> queue (once, with the reason), and every reading accepted
/// around it is still counted exactly once.
/// </summary>
public sealed class PoisonMessageTests(ITestOutputHelper output)
{
    /// <summary>A body that is not JSON at all (cut off mid-object).</summary>
    private const string Broken = "{\"sensorId\":\"dev-001\",\"laeq\":";

    [Fact]
    public async Task A_poison_message_in_each_work_queue_is_parked_in_its_dead_queue_and_the_flow_goes_on()
    {
        var clock = Stopwatch.StartNew();
        await using var pipeline = await Pipeline.StartAsync("poison", withAlerting: true);
        var levels = await LevelQueue.DeclareAsync(pipeline.VirtualHost);
        using var ledger = new Ledger(pipeline.Ingest.Address!, LedgerCheck.Sensors, LedgerCheck.EventTimeFrom(),
            $"poison-{Guid.NewGuid():N}"[..20]);

        // Work queue, message type, body, why it is parked.
        (string Queue, string Type, string Body, string Reason)[] poison =
        [
            (Queues.ProcessingClassifier, ReadingBatchReceived.MessageType, Broken, "undeserialisable"),
            (Queues.AggregatorPartition(0), ReadingBatchReceived.MessageType, Broken, "undeserialisable"),
            // The single-reading message of the previous release is still consumed, so a broken one is parked too.
            (Queues.AggregatorPartition(0), ReadingReceived.MessageType, Broken, "undeserialisable"),
            (Queues.AggregatorPartition(1), "nop.no-such-message.v1", "{}", "undeserialisable"),
            (Queues.AlertingNoise, NoiseThresholdExceeded.MessageType, Broken, "undeserialisable"),
            (Queues.AlertingCommands, AcknowledgeAlert.MessageType, Broken, "undeserialisable"),
            // Well-formed, of the right type, but the handler refuses it (no acknowledging user): retried, then parked.
            // Sent as a command without reply-to, so the failure is not answered but retried.
            (Queues.AlertingCommands, AcknowledgeAlert.MessageType,
                $"{{\"alertId\":\"{Guid.NewGuid()}\",\"acknowledgedBy\":\" \",\"comment\":null}}", "handler-failed"),
            (Queues.AlertingQueries, GetOpenAlerts.MessageType, Broken, "undeserialisable"),
        ];
        var ids = poison.Select(_ => Guid.NewGuid().ToString()).ToArray();

        using var stop = new CancellationTokenSource();
        var load = ledger.RunAsync(TimeSpan.FromMilliseconds(100), stop.Token);
        try
        {
            await Eventually.TrueAsync(() => ledger.AcceptedCount >= 1000, TimeSpan.FromSeconds(60),
                "the load is flowing");
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: injecting");
            await InjectAsync(pipeline.VirtualHost, poison.Select((p, i) => (p.Queue, p.Type, p.Body, ids[i])));
            ledger.Mark();
            await Eventually.TrueAsync(() => ledger.AcceptedSinceMark >= 1000, TimeSpan.FromSeconds(60),
                "readings flow on after the poison");
        }
        finally
        {
            await stop.CancelAsync();
            await load;
        }
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: load stopped");

        await LedgerCheck.EveryAcceptedReadingCountedOnceAsync(ledger, levels, pipeline, output, clock);

        // Exactly the injected messages are parked, each with its reason; normal traffic parks nothing.
        var expectedDead = poison.Select((p, i) => (Dead: Queues.DeadOf(p.Queue), Id: ids[i], p.Reason)).ToList();
        var deadQueues = new[]
        {
            Queues.ProcessingClassifier, Queues.AggregatorPartition(0), Queues.AggregatorPartition(1),
                Queues.AlertingNoise,
            Queues.AlertingCommands, Queues.AlertingQueries,
        }.Select(Queues.DeadOf).ToList();
        await Eventually.TrueAsync(async () =>
        {
            var total = 0u;
            foreach (var dead in deadQueues)
            {
                total += await TestBroker.CountReadyAsync(pipeline.VirtualHost, dead);
            }
            return total >= expectedDead.Count;
        }, TimeSpan.FromSeconds(30), () => "every poison message is parked\n" + pipeline.Diagnostics);

        var parked = new List<(string Dead, string Id, string Reason)>();
        var factory = new ConnectionFactory { Uri = pipeline.VirtualHost.Uri };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            foreach (var dead in deadQueues)
            {
                while (await channel.BasicGetAsync(dead, autoAck: true) is { } message)
                {
                    parked.Add((dead, message.BasicProperties.MessageId ?? "?",
                        TestBroker.Header(message.BasicProperties.Headers, EnvelopeHeaders.DeadLetterReason) ?? "?"));
                }
            }
        }
        output.WriteLine("parked: " + string.Join(", ", parked));
        parked.OrderBy(p => p.Id).ShouldBe(expectedDead.OrderBy(p => p.Id),
            "each poison message parked once in its own queue's .dead, with its reason");

        // Nothing is stuck in front of the poison: the work queues the services consume are empty again.
        foreach (var queue in new[] { Queues.ProcessingClassifier, Queues.AlertingNoise, Queues.AlertingCommands,
            Queues.AlertingQueries })
        {
            await Eventually.TrueAsync(async () => await TestBroker.CountReadyAsync(pipeline.VirtualHost, queue) == 0,
                TimeSpan.FromSeconds(30),
                $"{queue} is drained");
        }
    }

    private static async Task InjectAsync(VirtualHost vhost,
        IEnumerable<(string Queue, string Type, string Body, string Id)> messages)
    {
        var factory = new ConnectionFactory { Uri = vhost.Uri };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(
            publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        foreach (var (queue, type, body, id) in messages)
        {
            var properties = new BasicProperties
            {
                MessageId = id,
                CorrelationId = id,
                Type = type,
                ContentType = "application/json",
                Persistent = true,
            };
            // Through the default exchange straight into the work queue; mandatory, so a wrong queue name fails here.
            await channel.BasicPublishAsync(string.Empty, queue, mandatory: true, properties,
                Encoding.UTF8.GetBytes(body));
        }
    }
}
