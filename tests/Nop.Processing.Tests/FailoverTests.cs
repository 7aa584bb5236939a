using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Nop.Contracts;
using Nop.Processing.Persistence;
using Nop.Processing.Tests.Support;
using Nop.Testing;

namespace Nop.Processing.Tests;

/// <summary>Several Processing instances: partitions have one active consumer each, and a survivor takes them over.</summary>
public sealed class FailoverTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task When_the_active_instance_stops_the_other_takes_over_its_partitions_and_the_windows_stay_exact()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("proc-failover");
        using var folder = new TempFolder();
        var settings = new Dictionary<string, string?> { ["Processing:Partitions"] = "4" };
        await using var first = await ProcessingHost.StartAsync(vhost.Uri, folder.Database(), settings, name: "processing-first");
        await using var second = await ProcessingHost.StartAsync(vhost.Uri, folder.Database(), settings, name: "processing-second");
        await using var broker = await BrokerClient.ConnectAsync(vhost.Uri);
        string[] sensors = ["fo-a", "fo-b", "fo-c", "fo-d", "fo-e", "fo-f"];
        var readings = Readings.Stream(sensors, perSensor: 60, every: TimeSpan.FromSeconds(5), runId: "failover");

        for (var p = 0; p < 4; p++)
        {
            // The management API's consumer details lag a few seconds behind.
            var partition = p;
            await Eventually.TrueAsync(async () => (await ConsumersAsync(vhost.Name, partition)) is { Count: 2 } both && both.All(c => c.Connection.Length > 0), Wait, $"both instances consume partition {p}");
            var consumers = await ConsumersAsync(vhost.Name, p);
            consumers.Select(c => c.Connection).Order().ToArray().ShouldBe(["processing-first", "processing-second"]);
            consumers.Single(c => c.Active).Connection.ShouldBe("processing-first", "the first to subscribe is the single active consumer");
        }
        // Up to 2.5 minutes of event time: two windows per sensor close, the third stays open across the hand-over.
        await broker.PublishAsync(readings.Take(30 * sensors.Length));
        await Eventually.TrueAsync(() => broker.Levels().Count >= 2 * sensors.Length, Wait, "the first two windows of every sensor are published");

        await first.DisposeAsync();
        for (var p = 0; p < 4; p++)
        {
            var partition = p;
            await Eventually.TrueAsync(async () => (await ConsumersAsync(vhost.Name, partition)) is [{ Active: true, Connection: "processing-second" }],
                Wait, $"the second instance is the active consumer of partition {p}");
        }
        await broker.PublishAsync(readings.Skip(30 * sensors.Length));
        await broker.PublishAsync(Readings.Flush(sensors, "failover"));

        await Eventually.TrueAsync(() => broker.Levels().Count >= 5 * sensors.Length, Wait, "all windows are published");
        Readings.ShouldMatch(broker.Levels(), readings);
    }

    [Fact]
    public async Task When_the_partition_count_changes_a_moved_sensor_keeps_its_open_windows()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("proc-repartition");
        using var folder = new TempFolder();
        await using var broker = await BrokerClient.ConnectAsync(vhost.Uri);
        var sensors = Enumerable.Range(0, 12).Select(i => $"move-{i:00}").ToArray();
        var readings = Readings.Stream(sensors, perSensor: 30, every: TimeSpan.FromSeconds(5), runId: "move");
        var before = new Dictionary<string, int>();

        await using (var two = await ProcessingHost.StartAsync(vhost.Uri, folder.Database(), new Dictionary<string, string?> { ["Processing:Partitions"] = "2" }))
        {
            // 1.5 minutes: the second window of every sensor is open when the instance stops.
            await broker.PublishAsync(readings.Take(18 * sensors.Length));
            await Eventually.TrueAsync(() => broker.Levels().Count >= sensors.Length, Wait, "the first window of every sensor is published");
            await Eventually.TrueAsync(async () => (await PartitionsAsync(two)).Count == sensors.Length, Wait, "every sensor is checkpointed");
            before = await PartitionsAsync(two);
        }
        await using var three = await ProcessingHost.StartAsync(vhost.Uri, folder.Database(), new Dictionary<string, string?> { ["Processing:Partitions"] = "3" });
        await broker.PublishAsync(readings.Skip(18 * sensors.Length));
        await broker.PublishAsync(Readings.Flush(sensors, "move"));

        await Eventually.TrueAsync(() => broker.Levels().Count >= 3 * sensors.Length, Wait, "all windows are published");
        Readings.ShouldMatch(broker.Levels(), readings);
        var after = await PartitionsAsync(three);
        sensors.Count(s => after[s] != before[s]).ShouldBeGreaterThan(0, "some sensors hash to the new partition");
    }

    private static async Task<Dictionary<string, int>> PartitionsAsync(ProcessingHost host)
    {
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<ProcessingDbContext>>().CreateDbContextAsync();
        return await db.SensorStates.AsNoTracking().ToDictionaryAsync(r => r.SensorId, r => r.Partition);
    }

    /// <summary>The consumers of a partition queue, by the client-provided name of their connection (RabbitMq:ClientName).</summary>
    private static async Task<List<(string Connection, bool Active)>> ConsumersAsync(string vhost, int partition)
    {
        var queue = await TestBroker.GetQueueAsync(vhost, Queues.AggregatorPartition(partition));
        // The management API renders an empty object as [] while its stats are still being collected.
        if (queue?["consumer_details"] is not JsonArray consumers || consumers.Count == 0)
        {
            return [];
        }
        var names = await ClientNamesAsync(vhost);
        return consumers
            .Select(c => (c?["channel_details"] is JsonObject channel && channel["connection_name"]?.GetValue<string>() is { } connection
                    ? names.GetValueOrDefault(connection, "") : "",
                c?["active"]?.GetValue<bool>() ?? false))
            .ToList();
    }

    private static async Task<Dictionary<string, string>> ClientNamesAsync(string vhost)
    {
        var management = TestBroker.ManagementUri;
        using var http = new HttpClient { BaseAddress = new Uri(management.GetLeftPart(UriPartial.Authority)) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Uri.UnescapeDataString(management.UserInfo))));
        var connections = JsonNode.Parse(await http.GetStringAsync(new Uri($"api/vhosts/{Uri.EscapeDataString(vhost)}/connections", UriKind.Relative)))!.AsArray();
        return connections.Where(c => c?["client_properties"]?["connection_name"] is not null)
            .ToDictionary(c => c!["name"]!.GetValue<string>(), c => c!["client_properties"]!["connection_name"]!.GetValue<string>());
    }
}
