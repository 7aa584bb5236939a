using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Nop.Contracts;
using Nop.Testing;
using RabbitMQ.Client;

namespace Nop.Messaging.Tests;

/// <summary>Issue 13, gap 2: the broker cancels a consumer whose queue is deleted.</summary>
public sealed class ConsumerCancelTests
{
    [Fact]
    public async Task A_deleted_queue_makes_the_service_not_ready_with_the_reason_and_it_consumes_again_once_declared()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("cancel");
        var received = new Received<ReadingReceived>();
        await using var host = await MessagingApp.StartAsync(vhost.Uri, services => services
            .AddSingleton(received)
            .AddConsumer(Topology.ProcessingClassifier, c => c.Handle<ReadingReceived, RecordingHandler>()));
        var health = host.Services.GetRequiredService<HealthCheckService>();
        (await ConsumersAsync(health)).Status.ShouldBe(HealthStatus.Healthy);

        var factory = new ConnectionFactory { Uri = vhost.Uri };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeleteAsync(Queues.ProcessingClassifier);

        await Eventually.TrueAsync(async () => (await ConsumersAsync(health)).Status == HealthStatus.Unhealthy,
            TimeSpan.FromSeconds(10), "not ready once the queue is gone");
        var reason = (await ConsumersAsync(health)).Description ?? "";
        reason.ShouldContain(Queues.ProcessingClassifier);
        reason.ShouldContain("not consumed");

        // Declared again (as an operator would after deleting it): the host subscribes again by itself.
        await Topology.DeclareQueueAsync(channel, Topology.ProcessingClassifier, deliveryLimit: 20);
        await Eventually.TrueAsync(async () => (await ConsumersAsync(health)).Status == HealthStatus.Healthy,
            TimeSpan.FromSeconds(30), "ready again once the queue is back");
        await host.Publisher.PublishAsync(Exchanges.Readings, RoutingKeys.Reading("dev-001"),
            Make.Reading("dev-001", readingId: "after"));
        await Eventually.TrueAsync(() => received.Items.Any(r => r.Message.ReadingId == "after"),
            TimeSpan.FromSeconds(10), "a reading published after the re-declare is consumed");
    }

    private static async Task<HealthReportEntry> ConsumersAsync(HealthCheckService health) =>
        (await health.CheckHealthAsync(r => r.Name == "consumers")).Entries["consumers"];
}
