using System.Net;
using System.Text;
using Nop.Testing;
using RabbitMQ.Client;

namespace Nop.Compose.Tests;

/// <summary>
/// rabbitmq_prometheus on the local broker that <c>./nop</c> runs for development and tests (its configure_rabbitmq
/// enables it, on a running broker in place): the per-queue figures Prometheus' rules read, on 127.0.0.1:15692.
/// </summary>
public sealed class BrokerMetricsTests
{
    [SkippableFact]
    public async Task The_local_broker_serves_each_queues_depth_and_consumers_on_its_metrics_port()
    {
        Skip.IfNot(IPAddress.TryParse(TestBroker.Uri.Host, out var host) && IPAddress.IsLoopback(host),
            "NOP_RABBITMQ_URI names a broker that is not the local one");
        await using var vhost = await TestBroker.CreateVirtualHostAsync("metrics");
        var factory = new ConnectionFactory { Uri = vhost.Uri };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync("work", durable: true, exclusive: false, autoDelete: false);
        for (var i = 0; i < 3; i++)
        {
            await channel.BasicPublishAsync("", "work", Encoding.UTF8.GetBytes($"m{i}"));
        }

        // The detailed endpoint, as deploy/prometheus/prometheus.yml asks it, narrowed to this test's virtual host.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var url = $"http://127.0.0.1:15692/metrics/detailed?vhost={Uri.EscapeDataString(vhost.Name)}" +
            "&family=queue_coarse_metrics&family=queue_consumer_count";
        var series = $"{{vhost=\"{vhost.Name}\",queue=\"work\"}}";
        string metrics;
        try
        {
            metrics = await http.GetStringAsync(url);
        }
        catch (HttpRequestException e)
        {
            throw new ShouldAssertException("rabbitmq_prometheus does not answer on 127.0.0.1:15692 (./nop test " +
                "enables it; by hand: rabbitmq-plugins enable rabbitmq_prometheus): " + e.Message, e);
        }
        // Queue figures reach the plugin with the broker's statistics (every few seconds), so poll.
        await Eventually.TrueAsync(async () =>
        {
            metrics = await http.GetStringAsync(url);
            return metrics.Contains($"rabbitmq_detailed_queue_messages_ready{series} 3", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(30), "the queue's three ready messages on the broker's metrics endpoint");
        metrics.ShouldContain($"rabbitmq_detailed_queue_consumers{series} 0");
    }
}
