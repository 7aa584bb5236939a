using Nop.Processing.Tests.Support;
using Nop.Testing;

namespace Nop.Processing.Tests;

/// <summary>A client re-posts a request (after a 503 or a time-out): every reading is recognised by its id.</summary>
public sealed class RepostTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_same_300_reading_batch_posted_twice_does_not_stop_the_partition_later_windows_are_published()
    {
        // The reproduction: on the previous version the second copy failed every checkpoint of its partition
        // (UNIQUE constraint failed: window_readings), and no later window of that partition was published.
        await using var vhost = await TestBroker.CreateVirtualHostAsync("proc-repost-300");
        using var folder = new TempFolder();
        await using var host = await ProcessingApp.StartAsync(vhost.Uri, folder.Database());
        await using var broker = await BrokerClient.ConnectAsync(vhost.Uri);
        string[] sensors = ["repost-300"];
        // Ten minutes of 1 s readings with client ids, in two requests of 300.
        var batches =
            Readings.Stream(sensors, perSensor: 600, every: TimeSpan.FromSeconds(1), runId: "r300", batchSize: 300);

        await broker.PublishAsync([batches[0], batches[0]]);
        await Eventually.TrueAsync(() => broker.Levels().Count >= 4, Wait, "the first request's windows close");
        await broker.PublishAsync([batches[0], batches[1]]);
        await broker.PublishAsync(Readings.Flush(sensors, "r300"));

        await Eventually.TrueAsync(() => broker.Levels().Count >= 10, Wait, "all 10 windows are published");
        Readings.ShouldMatch(broker.Levels(), batches);
        host.Logs.Events.ShouldNotContain(e =>
            e.MessageTemplate.Text.StartsWith("Checkpoint of aggregator partition", StringComparison.Ordinal),
            "no checkpoint failed");
    }

    [Fact]
    public async Task A_reposted_batch_of_1000_readings_is_counted_neither_twice_nor_late()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("proc-repost-1000");
        using var folder = new TempFolder();
        await using var host = await ProcessingApp.StartAsync(vhost.Uri, folder.Database());
        await using var broker = await BrokerClient.ConnectAsync(vhost.Uri);
        string[] sensors = ["repost-1000"];
        // 1,000 one-second readings (16 min 40 s, the most a request may carry), then the next 3 minutes.
        var batches =
            Readings.Stream(sensors, perSensor: 1180, every: TimeSpan.FromSeconds(1), runId: "r1000", batchSize: 1000);

        await broker.PublishAsync(batches);
        await Eventually.TrueAsync(() => broker.Levels().Count >= 19, Wait, "the windows up to the watermark close");
        // The re-post arrives after every one of its windows has closed.
        await broker.PublishAsync([batches[0]]);
        await broker.PublishAsync(Readings.Flush(sensors, "r1000"));

        await Eventually.TrueAsync(() => broker.Levels().Count >= 20, Wait, "all 20 windows are published");
        Readings.ShouldMatch(broker.Levels(), batches);
        host.Logs.Events.ShouldContain(e => e.MessageTemplate.Text.StartsWith("Batch of", StringComparison.Ordinal)
            && LogCapture.Property(e, "Duplicates") == "1000" && LogCapture.Property(e, "Late") == "0",
                "the re-post is recognised whole");
    }
}
