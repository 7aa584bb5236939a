using Nop.Testing;

namespace Nop.Dashboard.Tests;

/// <summary>
/// /metrics of the Dashboard: the open pages are ASP.NET Core's SignalR connection count; the Dashboard adds no meter
/// of its own (what its feed drops, the broker drops: rabbitmq_prometheus shows it).
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed class MetricsTests
{
    private const string Connections = "signalr_server_active_connections";

    [Fact]
    public async Task Open_pages_are_counted_as_SignalR_connections()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-metrics");
        await using var dashboard = await DashboardApp.StartAsync(vhost);

        var first = await dashboard.OpenPageAsync();
        var second = await dashboard.OpenPageAsync();
        await ConnectionsAsync(dashboard, 2);

        await second.DisposeAsync();
        await ConnectionsAsync(dashboard, 1);
        await first.DisposeAsync();
    }

    // Waits until /metrics (on loopback, like Prometheus on the same host) counts that many open connections.
    private static async Task ConnectionsAsync(DashboardApp dashboard, int expected)
    {
        PrometheusText? metrics = null;
        await Eventually.TrueAsync(async () =>
        {
            metrics = await PrometheusText.ScrapeAsync(dashboard.Client);
            return metrics.Value(Connections) == expected;
        }, TimeSpan.FromSeconds(10), () => $"{expected} SignalR connections are on /metrics:\n{metrics?.Text}");
    }
}

/// <summary>
/// Metrics tests run alone: the OpenTelemetry SDK tells instruments apart by meter and instrument name only, so
/// with other hosts of this service alive in the test process a host's /metrics may show their series, and lose its
/// own when they are disposed. One host per process, as deployed, has no such problem.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "Metrics";
}
