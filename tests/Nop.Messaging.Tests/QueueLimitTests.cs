using Microsoft.Extensions.DependencyInjection;
using Nop.Contracts;
using Nop.Testing;
using RabbitMQ.Client;

namespace Nop.Messaging.Tests;

public sealed class QueueLimitTests
{
    private const int Limit = 50;

    [Fact]
    public async Task A_full_work_queue_nacks_publishes_and_takes_messages_again_once_a_consumer_made_room()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("queue-limit");
        await using var host =
            await MessagingApp.StartAsync(vhost.Uri, services => services.AddQueue(Topology.ProcessingClassifier),
            settings: new Dictionary<string, string>
            {
                ["RabbitMq:MaxQueueLength"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture)
            });
        var connection = await host.Services.GetRequiredService<RabbitMqConnection>().GetConnectionAsync();
        var arguments = (await TestBroker.GetQueueAsync(vhost.Name, Queues.ProcessingClassifier))!["arguments"]!;
        arguments["x-max-length"]!.GetValue<int>().ShouldBe(Limit);
        arguments["x-overflow"]!.GetValue<string>().ShouldBe("reject-publish");

        // One at a time until the first nack, so nothing is in flight when the queue goes over its limit.
        var confirmed = 0;
        MessagePublishException? refused = null;
        while (refused is null && confirmed <= 2 * Limit)
        {
            refused = await TryPublishAsync(host);
            confirmed += refused is null ? 1 : 0;
        }

        refused.ShouldNotBeNull("the broker refused a publish to the full queue");
        refused.Failure.ShouldBe(PublishFailure.Nacked);
        // A 3.10 quorum queue refuses once it is over the limit: the publish that reaches it may still be taken.
        confirmed.ShouldBeInRange(Limit, Limit + 1);
        (await TestBroker.CountReadyAsync(vhost, Queues.ProcessingClassifier))
            .ShouldBe((uint)confirmed, "the refused message was not enqueued");
        var burst = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => TryPublishAsync(host)));
        burst.ShouldAllBe(error => error != null && error.Failure == PublishFailure.Nacked,
            "a full queue refuses a burst as a whole");

        // The queue takes messages again once a consumer brought it down to 80 % of the limit (the broker's low mark).
        await using (var channel = await connection.CreateChannelAsync())
        {
            for (var i = confirmed; i > Limit * 8 / 10; i--)
            {
                (await channel.BasicGetAsync(Queues.ProcessingClassifier, autoAck: true)).ShouldNotBeNull();
            }
        }
        await Eventually.TrueAsync(async () => await TryPublishAsync(host) is null, TimeSpan.FromSeconds(10),
            "a publish is confirmed again");
    }

    [Fact]
    public async Task A_retry_falling_due_while_its_work_queue_is_full_is_kept_in_the_retry_queue_not_lost()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("queue-limit-retry");
        await using var host =
            await MessagingApp.StartAsync(vhost.Uri, services => services.AddQueue(Topology.ProcessingClassifier),
            settings: new Dictionary<string, string> { ["RabbitMq:MaxQueueLength"] = "1" });
        var retry = Queues.RetryOf(Queues.ProcessingClassifier);
        await Eventually.TrueAsync(async () => (await TestBroker.GetQueueAsync(vhost.Name,
            retry))?["arguments"]?["x-dead-letter-strategy"]?.GetValue<string>() == "at-least-once",
            TimeSpan.FromSeconds(15), "the retry queue dead-letters at least once");

        // Fill the work queue (a quorum queue takes one more than its limit), then a retry with a 200-ms delay, as the
        // consumer host sends one.
        while (await TryPublishAsync(host) is null)
        {
        }
        var full = await TestBroker.CountReadyAsync(vhost, Queues.ProcessingClassifier);
        var properties = host.Publisher.CreateProperties(ReadingReceived.MessageType);
        properties.Expiration = "200";
        await host.Publisher.PublishRawAsync(Exchanges.RetryOf(Queues.ProcessingClassifier), retry, properties,
            System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(Make.Reading("dev-001", readingId: "retried"),
                MessageTypes.JsonInfo<ReadingReceived>()), mandatory: true);

        // Long past its delay it is neither in the full work queue nor gone: the broker holds it in the retry queue
        // (a classic retry queue dead-letters at most once and would have dropped it) and moves it once there is room.
        await Task.Delay(TimeSpan.FromSeconds(2));
        (await TestBroker.CountReadyAsync(vhost, Queues.ProcessingClassifier)).ShouldBe(full);
        await Eventually.TrueAsync(async () =>
            (await TestBroker.GetQueueAsync(vhost.Name, retry))?["messages"]?.GetValue<int>() == 1,
            TimeSpan.FromSeconds(15), "the management API counts the held retry");
    }

    private static async Task<MessagePublishException?> TryPublishAsync(MessagingApp host)
    {
        try
        {
            await host.Publisher.PublishAsync(Exchanges.Readings, RoutingKeys.Reading("dev-001"),
                Make.Reading("dev-001"));
            return null;
        }
        catch (MessagePublishException ex)
        {
            return ex;
        }
    }

    [Fact]
    public async Task A_queue_left_unbounded_by_an_older_version_is_reported_by_name_with_how_to_fix_it()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("queue-limit-old");
        // The work queue as versions before the length limit declared it.
        var factory = new ConnectionFactory { Uri = vhost.Uri };
        await using (var old = await factory.CreateConnectionAsync())
        await using (var channel = await old.CreateChannelAsync())
        {
            await channel.QueueDeclareAsync(Queues.ProcessingClassifier, durable: true, exclusive: false,
                autoDelete: false, new Dictionary<string, object?>
                {
                    ["x-queue-type"] = "quorum",
                    ["x-delivery-limit"] = 20,
                    ["x-dead-letter-exchange"] = Exchanges.DeadOf(Queues.ProcessingClassifier),
                    ["x-dead-letter-routing-key"] = Queues.ProcessingClassifier,
                });
        }
        await using var host =
            await MessagingApp.StartAsync(vhost.Uri, services => services.AddQueue(Topology.ProcessingClassifier));

        var error = await Should.ThrowAsync<TopologyMismatchException>(async () =>
            await host.Services.GetRequiredService<RabbitMqConnection>().GetConnectionAsync());

        error.Queue.ShouldBe(Queues.ProcessingClassifier);
        error.Message.ShouldContain("x-max-length");
        error.Message.ShouldContain($"rabbitmqctl delete_queue -p <vhost> {Queues.ProcessingClassifier}");
    }
}
