using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Nop.Testing;

namespace Nop.Messaging.Tests;

public sealed class ConnectionTests
{
    [Fact]
    public async Task Start_up_waits_for_an_unreachable_broker_with_back_off_instead_of_crashing()
    {
        // Port 1 on loopback: nothing listens, every attempt is refused.
        await using var host = await MessagingApp.StartAsync(new Uri("amqp://guest:guest@127.0.0.1:1/"), _ => { });
        var connection = host.Services.GetRequiredService<RabbitMqConnection>();

        await Eventually.TrueAsync(() => host.Logs.Events.Count(e =>
            e.MessageTemplate.Text.StartsWith("RabbitMQ at", StringComparison.Ordinal)) >= 3,
            TimeSpan.FromSeconds(15), "several connection attempts were retried");

        connection.IsOpen.ShouldBeFalse();
        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        health.Status.ShouldBe(HealthStatus.Unhealthy);
        health.Entries["rabbitmq"].Status.ShouldBe(HealthStatus.Unhealthy);
    }

    [Fact]
    public async Task Ready_check_is_healthy_once_connected()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("health");
        await using var host = await MessagingApp.StartAsync(vhost.Uri, _ => { });
        await host.Services.GetRequiredService<RabbitMqConnection>().GetConnectionAsync();

        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        health.Entries["rabbitmq"].Status.ShouldBe(HealthStatus.Healthy);
    }

    [Fact]
    public async Task With_endpoints_it_connects_to_a_live_one_taking_credentials_and_virtual_host_from_the_uri()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("endpoints");
        // The URI's own host and port (port 1) refuse; of the endpoints, one refuses, one is the broker and one is
        // blank (as docker compose passes an unset variable).
        var uri = new UriBuilder(vhost.Uri) { Port = 1 }.Uri;
        var settings = new Dictionary<string, string>
        {
            ["RabbitMq:Endpoints:0"] = "127.0.0.1:1",
            ["RabbitMq:Endpoints:1"] = $"{TestBroker.Uri.Host}:{TestBroker.Uri.Port}",
            ["RabbitMq:Endpoints:2"] = "",
        };
        await using var host = await MessagingApp.StartAsync(uri, _ => { }, settings: settings);

        var connection = await host.Services.GetRequiredService<RabbitMqConnection>().GetConnectionAsync()
            .AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        connection.IsOpen.ShouldBeTrue();
        connection.Endpoint.Port.ShouldBe(TestBroker.Uri.Port);
        // In the test's virtual host: a queue declared there is seen there.
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync("endpoints.probe", durable: false, exclusive: false, autoDelete: true);
        (await TestBroker.GetQueueAsync(vhost.Name, "endpoints.probe")).ShouldNotBeNull();
    }
}
