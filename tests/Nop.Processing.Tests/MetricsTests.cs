using Nop.Contracts;
using Nop.Processing.Tests.Support;
using Nop.Testing;

namespace Nop.Processing.Tests;

/// <summary>/metrics after a known load: windows closed, late readings, checkpoint duration and size.</summary>
[Collection(MetricsCollection.Name)]
public sealed class MetricsTests
{
    [Fact]
    public async Task Windows_closed_late_readings_and_checkpoints_are_on_metrics()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("proc-metrics");
        using var folder = new TempFolder();
        await using var host = await ProcessingApp.StartAsync(vhost.Uri, folder.Database());
        await using var broker = await BrokerClient.ConnectAsync(vhost.Uri);
        string[] sensors = ["met-a", "met-b", "met-c"];

        // 3 sensors over 5 minutes: 15 windows, closed by the flush; then 2 readings into met-a's first (closed)
        // minute, late. One sensor's batches are in one partition queue, so the late ones come after the flush.
        await broker.PublishAsync(Readings.Stream(sensors, perSensor: 60, every: TimeSpan.FromSeconds(5),
            runId: "metrics"));
        await broker.PublishAsync(Readings.Flush(sensors, "metrics"));
        await broker.PublishAsync([Readings.Batch("met-a", [
            new SensorReading("metrics-late-0", Readings.Start.AddSeconds(10), 50, null, 1),
            new SensorReading("metrics-late-1", Readings.Start.AddSeconds(20), 50, null, 1)])]);

        using var http = new HttpClient { BaseAddress = host.Address };
        PrometheusText? metrics = null;
        var what = () => $"15 windows closed (as published), 2 late readings and the checkpoints' bytes are on "
            + $"/metrics (published {broker.Levels().Count}):\n{metrics?.Text}";
        await Eventually.TrueAsync(async () =>
        {
            metrics = await PrometheusText.ScrapeAsync(http);
            var written = host.Partitions.All.Sum(p => p.Written.Bytes);
            // A silent sensor's flush window may close later too: the count is what was published.
            return metrics.Value("nop_processing_windows_closed_total") is { } closed
                && closed >= 15 && (int)closed == broker.Levels().Count
                && metrics.Value("nop_processing_readings_late_total") == 2
                && metrics.Value("nop_processing_checkpoint_size_bytes_sum") == written
                && metrics.Value("nop_processing_checkpoint_size_bytes_count") is > 0 and var count
                && metrics.Value("nop_processing_checkpoint_duration_seconds_count") == count;
        }, TimeSpan.FromSeconds(60), what);
        metrics!.Value("nop_processing_checkpoint_size_bytes_count", ("kind", "delta")).ShouldNotBeNull();
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
