using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Nop.Contracts;
using Nop.Testing;
using RabbitMQ.Client;

namespace Nop.Messaging.Tests;

/// <summary>
/// The broker layer works for a user that may not write the default exchange (as no service user may in
/// deploy/rabbitmq/definitions.json), and every message carries the broker-validated user_id of its publisher.
/// </summary>
public sealed class LeastPrivilegeTests
{
    // Everything but the default exchange, which would reach every queue of the virtual host.
    private const string AllButDefaultExchange = @"^(?!amq\.default$).*";

    [Fact]
    public async Task Replies_retries_dead_letters_and_replays_need_no_write_on_the_default_exchange()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("no-default-exchange");
        await vhost.SetOwnPermissionsAsync(".*", AllButDefaultExchange, ".*");
        // Another publisher of readings: its user_id travels with its message.
        var gateway = await vhost.CreateUserAsync("gateway");
        var received = new Received<ReadingReceived>();
        var failure = new FailureSwitch();
        await using var host = await MessagingApp.StartAsync(vhost.Uri, services => services
            .AddSingleton(received)
            .AddSingleton(failure)
            .AddConsumer(Topology.ProcessingClassifier, c => c.Handle<ReadingReceived, FlakyHandler>())
            .AddConsumer(Topology.AlertingQueries, c => c.Answer<GetOpenAlerts, AlertPage, OpenAlertsHandler>()),
            retryDelaysMs: "100");

        var page = await host.Services.GetRequiredService<RequestClient>().RequestAsync<GetOpenAlerts, AlertPage>(
            RoutingKeys.AlertQuery, new GetOpenAlerts(3, 10), timeout: TimeSpan.FromSeconds(10));
        page.Page.ShouldBe(3, "the reply came back through nop.replies");

        var gatewayUser = UserOf(gateway);
        await PublishAsAsync(gateway, gatewayUser, Make.Reading("bad", readingId: "the-bad-one"));
        var dead = Queues.DeadOf(Queues.ProcessingClassifier);
        await Eventually.TrueAsync(async () => await TestBroker.CountReadyAsync(vhost, dead) == 1,
            TimeSpan.FromSeconds(20), "the bad reading is retried, then parked through nop.dead.processing");
        failure.Attempts.Count.ShouldBe(2, "first delivery + one retry through nop.retry.processing");
        await using (var probe = await new ConnectionFactory { Uri = vhost.Uri }.CreateConnectionAsync())
        await using (var channel = await probe.CreateChannelAsync())
        {
            // Republished by the service under its own user; the original publisher's is kept for operators.
            var parked = (await channel.BasicGetAsync(dead, autoAck: false)).ShouldNotBeNull();
            parked.BasicProperties.UserId.ShouldBe(UserOf(vhost.Uri));
            TestBroker.Header(parked.BasicProperties.Headers, EnvelopeHeaders.OriginalUserId).ShouldBe(gatewayUser);
            await channel.BasicNackAsync(parked.DeliveryTag, false, requeue: true);
        }

        failure.Failing = false;
        // The requeue above returns the message to the dead queue asynchronously: a replay that starts before it is
        // back finds nothing to move, so replay until the one message has moved.
        var replayed = 0;
        await Eventually.TrueAsync(async () => (replayed += await host.Services.GetRequiredService<DeadLetterReplayer>()
            .ReplayAsync(Queues.ProcessingClassifier)) >= 1, TimeSpan.FromSeconds(10), "the parked reading replayed");
        replayed.ShouldBe(1);
        await Eventually.TrueAsync(() => received.Count == 1, TimeSpan.FromSeconds(10),
            "the replay reached the work queue through nop.retry.processing");
        received.Items.Single().Envelope.UserId.ShouldBe(UserOf(vhost.Uri));
    }

    [Fact]
    public async Task A_published_message_carries_the_validated_user_id_of_its_publisher()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("user-id");
        var publisher = await vhost.CreateUserAsync("publisher");
        var received = new Received<ReadingReceived>();
        await using var consumer = await MessagingApp.StartAsync(vhost.Uri, services => services
            .AddSingleton(received)
            .AddSingleton(new FailureSwitch { Failing = false })
            .AddConsumer(Topology.ProcessingClassifier, c => c.Handle<ReadingReceived, FlakyHandler>()));
        await using var other = await MessagingApp.StartAsync(publisher, _ => { });

        await other.Publisher.PublishAsync(Exchanges.Readings, RoutingKeys.Reading("dev-001"), Make.Reading("dev-001"));

        await Eventually.TrueAsync(() => received.Count == 1, TimeSpan.FromSeconds(10), "the reading is handled");
        received.Items.Single().Envelope.UserId.ShouldBe(UserOf(publisher));
    }

    private static string UserOf(Uri uri) => Uri.UnescapeDataString(uri.UserInfo.Split(':')[0]);

    private static async Task PublishAsAsync(Uri user, string userId, ReadingReceived reading)
    {
        await using var connection = await new ConnectionFactory { Uri = user }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
        await channel.BasicPublishAsync(Exchanges.Readings, RoutingKeys.Reading(reading.SensorId), mandatory: true,
            new BasicProperties
            {
                MessageId = reading.ReadingId,
                Type = ReadingReceived.MessageType,
                ContentType = "application/json",
                Persistent = true,
                UserId = userId,
            },
            JsonSerializer.SerializeToUtf8Bytes(reading, MessageTypes.JsonInfo<ReadingReceived>()));
    }
}
