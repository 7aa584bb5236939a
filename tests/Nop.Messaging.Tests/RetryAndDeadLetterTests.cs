using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Nop.Contracts;
using Nop.Testing;

namespace Nop.Messaging.Tests;

public sealed class RetryAndDeadLetterTests
{
    [Fact]
    public async Task Failing_handler_is_retried_with_delay_then_parked_in_dead_while_others_flow_a_replay_consumes_it()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("retry");
        var received = new Received<ReadingReceived>();
        var failure = new FailureSwitch();
        await using var host = await MessagingApp.StartAsync(vhost.Uri, services => services
            .AddSingleton(received)
            .AddSingleton(failure)
            .AddConsumer(Topology.ProcessingClassifier, c => c.Handle<ReadingReceived, FlakyHandler>()),
                retryDelaysMs: "500,1000");

        var bad = Make.Reading("bad", readingId: "the-bad-one");
        await host.Publisher.PublishAsync(Exchanges.Readings, RoutingKeys.Reading("bad"), bad);
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            host.Publisher.PublishAsync(Exchanges.Readings, RoutingKeys.Reading("good"), Make.Reading("good"))));

        await Eventually.TrueAsync(() => received.Count == 20, TimeSpan.FromSeconds(10),
            "the good readings are handled");
        failure.Attempts.Count.ShouldBeLessThan(3, "the good readings did not wait for the bad one's retries");

        var dead = Queues.DeadOf(Queues.ProcessingClassifier);
        await Eventually.TrueAsync(async () => await TestBroker.CountReadyAsync(vhost, dead) == 1,
            TimeSpan.FromSeconds(20), "the bad reading is parked");
        var attempts = failure.Attempts.ToArray();
        attempts.Length.ShouldBe(3, "first delivery + two retries");
        (attempts[1] - attempts[0]).ShouldBeGreaterThan(TimeSpan.FromMilliseconds(400), "first retry waits its delay");
        (attempts[2] - attempts[1]).ShouldBeGreaterThan(TimeSpan.FromMilliseconds(900), "second retry waits longer");

        var connection = await host.Services.GetRequiredService<RabbitMqConnection>().GetConnectionAsync();
        await using (var channel = await connection.CreateChannelAsync())
        {
            var parked = await channel.BasicGetAsync(dead, autoAck: false);
            parked.ShouldNotBeNull();
            var headers = parked.BasicProperties.Headers;
            TestBroker.Header(headers, EnvelopeHeaders.ExceptionType)
                .ShouldBe(typeof(InvalidOperationException).FullName);
            TestBroker.Header(headers, EnvelopeHeaders.ExceptionMessage).ShouldBe("boom for the-bad-one");
            TestBroker.Header(headers, EnvelopeHeaders.ExceptionStackTrace)!.ShouldContain(nameof(FlakyHandler));
            TestBroker.Header(headers, EnvelopeHeaders.DeadLetterReason).ShouldBe("handler-failed");
            TestBroker.Header(headers, EnvelopeHeaders.Attempt).ShouldBe("2");
            TestBroker.Header(headers, EnvelopeHeaders.OriginalQueue).ShouldBe(Queues.ProcessingClassifier);
            parked.BasicProperties.Type.ShouldBe(ReadingReceived.MessageType);
            await channel.BasicNackAsync(parked.DeliveryTag, false, requeue: true);
        }
        received.Items.ShouldNotContain(r => r.Message.SensorId == "bad");
        // The replayer moves what is ready when it begins: wait until the inspected letter is back (a quorum queue
        // returns a nacked message asynchronously; under load the replay once began before it was).
        await Eventually.TrueAsync(async () => await TestBroker.CountReadyAsync(vhost, dead) == 1,
            TimeSpan.FromSeconds(10), "the inspected dead letter is back in its queue");

        failure.Failing = false;
        var replayed =
            await host.Services.GetRequiredService<DeadLetterReplayer>().ReplayAsync(Queues.ProcessingClassifier);

        replayed.ShouldBe(1);
        await Eventually.TrueAsync(() => received.Items.Any(r => r.Message.ReadingId == "the-bad-one"),
            TimeSpan.FromSeconds(10), "the replayed reading is consumed");
        received.Items.Single(r => r.Message.ReadingId == "the-bad-one").Envelope.Attempt.ShouldBe(0);
        (await TestBroker.CountReadyAsync(vhost, dead)).ShouldBe(0u);
    }

    [Theory]
    [InlineData("{not json", ReadingReceivedType)]
    [InlineData("""{"readingId":"r1","sensorId":5}""", ReadingReceivedType)]
    [InlineData("{}", ReadingReceivedType)]
    [InlineData("null", ReadingReceivedType)]
    [InlineData("""{"readingId":"r1"}""", "nop.something-unknown.v1")]
    public async Task Undeserialisable_message_goes_to_dead_without_retries(string body, string type)
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("malformed");
        var received = new Received<ReadingReceived>();
        var failure = new FailureSwitch();
        await using var host = await MessagingApp.StartAsync(vhost.Uri, services => services
            .AddSingleton(received)
            .AddSingleton(failure)
            .AddConsumer(Topology.ProcessingClassifier, c => c.Handle<ReadingReceived, FlakyHandler>()),
                retryDelaysMs: "200,200");

        var properties = host.Publisher.CreateProperties(type);
        await host.Publisher.PublishRawAsync(Exchanges.Readings, "reading.dev-001", properties,
            Encoding.UTF8.GetBytes(body), mandatory: true);
        await host.Publisher.PublishAsync(Exchanges.Readings, RoutingKeys.Reading("dev-002"), Make.Reading("dev-002"));

        var dead = Queues.DeadOf(Queues.ProcessingClassifier);
        await Eventually.TrueAsync(async () => await TestBroker.CountReadyAsync(vhost, dead) == 1,
            TimeSpan.FromSeconds(10), "the malformed message is parked");
        await Eventually.TrueAsync(() => received.Count == 1, TimeSpan.FromSeconds(10), "the next message still flows");

        var connection = await host.Services.GetRequiredService<RabbitMqConnection>().GetConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var parked = await channel.BasicGetAsync(dead, autoAck: true);
        parked.ShouldNotBeNull();
        Encoding.UTF8.GetString(parked.Body.Span).ShouldBe(body);
        parked.BasicProperties.MessageId.ShouldBe(properties.MessageId);
        TestBroker.Header(parked.BasicProperties.Headers, EnvelopeHeaders.DeadLetterReason)
            .ShouldBe("undeserialisable");
        TestBroker.Header(parked.BasicProperties.Headers, EnvelopeHeaders.Attempt).ShouldBeNull("never retried");
        (await TestBroker.CountReadyAsync(vhost, Queues.RetryOf(Queues.ProcessingClassifier))).ShouldBe(0u);
        host.Logs.Events.ShouldNotContain(e => e.MessageTemplate.Text.Contains("retrying", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Replay_moves_only_what_was_parked_when_it_began_even_if_the_messages_fail_again_at_once()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("replay-spin");
        await using var host = await MessagingApp.StartAsync(vhost.Uri, services => services
            .AddSingleton(new Received<ReadingReceived>())
            .AddSingleton(new FailureSwitch())
            .AddConsumer(Topology.ProcessingClassifier, c => c.Handle<ReadingReceived, FlakyHandler>()));

        // Undeserialisable: parked again within milliseconds of each replayed copy arriving, behind the ones not yet
        // moved.
        const int parked = 20;
        for (var i = 0; i < parked; i++)
        {
            await host.Publisher.PublishRawAsync(Exchanges.Readings, "reading.dev-001",
                host.Publisher.CreateProperties(ReadingReceivedType),
                Encoding.UTF8.GetBytes("{not json"), mandatory: true);
        }
        var dead = Queues.DeadOf(Queues.ProcessingClassifier);
        await Eventually.TrueAsync(async () => await TestBroker.CountReadyAsync(vhost, dead) == parked,
            TimeSpan.FromSeconds(10), "the malformed messages are parked");

        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var replayed = await host.Services.GetRequiredService<DeadLetterReplayer>()
            .ReplayAsync(Queues.ProcessingClassifier, cancellationToken: bound.Token);

        replayed.ShouldBe(parked, "each parked message moved once, none picked up again after failing anew");
        await Eventually.TrueAsync(async () => await TestBroker.CountReadyAsync(vhost, dead) == parked,
            TimeSpan.FromSeconds(10), "all of them are parked again, for the next replay");
    }

    [Fact]
    public async Task A_short_retry_does_not_wait_behind_a_longer_one()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("retry-steps");
        var attempts = new AttemptLog();
        await using var host = await MessagingApp.StartAsync(vhost.Uri, services => services
            .AddSingleton(attempts)
            .AddConsumer(Topology.ProcessingClassifier, c => c.Handle<ReadingReceived, FailsUntilHandler>()),
                retryDelaysMs: "1000,30000");

        // "slow" fails twice: its second retry waits 30 s. "quick" fails once, after that, and is due again after 1 s.
        await host.Publisher.PublishAsync(Exchanges.Readings, RoutingKeys.Reading("slow"),
            Make.Reading("slow", readingId: "slow"));
        await Eventually.TrueAsync(() => attempts.Of("slow") == 2, TimeSpan.FromSeconds(10),
            "slow failed twice, its 30 s retry queued");
        await host.Publisher.PublishAsync(Exchanges.Readings, RoutingKeys.Reading("quick"),
            Make.Reading("quick", readingId: "quick"));

        await Eventually.TrueAsync(() => attempts.Of("quick") == 2, TimeSpan.FromSeconds(15),
            "quick's 1 s retry arrives long before slow's 30 s one falls due");
        attempts.Of("slow").ShouldBe(2, "slow's second retry is still waiting");
        (await TestBroker.CountReadyAsync(vhost, Queues.RetryOf(Queues.ProcessingClassifier, 2)))
            .ShouldBe(1u, "slow waits in the 30 s queue");
    }

    [Fact]
    public async Task The_single_retry_queue_of_an_older_version_returns_what_it_holds_and_is_deleted_once_empty()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("retry-legacy");
        var legacy = Queues.LegacyRetryOf(Queues.ProcessingClassifier);
        var connection = await new RabbitMQ.Client.ConnectionFactory { Uri = vhost.Uri }.CreateConnectionAsync();
        await using (connection)
        await using (var channel =
            await connection.CreateChannelAsync(new RabbitMQ.Client.CreateChannelOptions(true, true)))
        {
            // As the previous version declared it, holding a retry that falls due in 8 s.
            await channel.QueueDeclareAsync(legacy, durable: true, exclusive: false, autoDelete: false,
                arguments: new Dictionary<string, object?>
                {
                    ["x-queue-type"] = "quorum",
                    ["x-dead-letter-exchange"] = string.Empty,
                    ["x-dead-letter-routing-key"] = Queues.ProcessingClassifier,
                    ["x-dead-letter-strategy"] = "at-least-once",
                    ["x-overflow"] = "reject-publish",
                });
            var properties = new RabbitMQ.Client.BasicProperties
            {
                Type = ReadingReceived.MessageType,
                Expiration = "8000",
                MessageId = "old-retry"
            };
            await channel.BasicPublishAsync(string.Empty, legacy, mandatory: true, properties,
                System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(Make.Reading("dev-001", readingId: "old-retry"),
                    MessageTypes.JsonInfo<ReadingReceived>()));
        }
        var received = new Received<ReadingReceived>();
        void Consume(IServiceCollection services) => services.AddSingleton(received)
            .AddConsumer(Topology.ProcessingClassifier, c => c.Handle<ReadingReceived, RecordingHandler>());

        await using (var first = await MessagingApp.StartAsync(vhost.Uri, Consume))
        {
            (await TestBroker.GetQueueAsync(vhost.Name, legacy)).ShouldNotBeNull("kept while it holds a message");
            await Eventually.TrueAsync(() => received.Items.Any(r => r.Message.ReadingId == "old-retry"),
                TimeSpan.FromSeconds(30),
                "the old retry queue's message returns to the work queue when due");
        }
        await Eventually.TrueAsync(async () => await TestBroker.CountReadyAsync(vhost, legacy) == 0,
            TimeSpan.FromSeconds(10), "empty");
        await using (var second = await MessagingApp.StartAsync(vhost.Uri, Consume))
        {
            (await TestBroker.GetQueueAsync(vhost.Name, legacy)).ShouldBeNull("deleted by the next start, once empty");
        }
    }

    private const string ReadingReceivedType = "nop.reading-received.v1";
}
