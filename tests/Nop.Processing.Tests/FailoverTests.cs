using System.Text.Json.Nodes;
using Nop.Contracts;
using Nop.Processing.Tests.Support;
using Nop.Testing;

namespace Nop.Processing.Tests;

/// <summary>
/// Several Processing instances: they share the partitions (one active consumer each), and a survivor takes them over.
/// </summary>
public sealed class FailoverTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Two_instances_share_the_partitions_and_when_one_stops_the_other_takes_them_with_exact_windows()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("proc-share");
        using var folder = new TempFolder();
        var settings = new Dictionary<string, string?>
        {
            ["Processing:Partitions"] = "4",
            ["Processing:Sharing:HeartbeatInterval"] = "00:00:00.200",
            ["Processing:Sharing:InstanceTimeout"] = "00:00:01",
        };
        await using var first =
            await ProcessingApp.StartAsync(vhost.Uri, folder.Database(), settings, name: "processing-first");
        await using var second =
            await ProcessingApp.StartAsync(vhost.Uri, folder.Database(), settings, name: "processing-second");
        await using var broker = await BrokerClient.ConnectAsync(vhost.Uri);
        var sensors = Enumerable.Range(0, 12).Select(i => $"share-{i:00}").ToArray();
        var readings =
            Readings.Stream(sensors, perSensor: 60, every: TimeSpan.FromSeconds(5), runId: "share", batchSize: 6);
        var hosts =
            new Dictionary<string, ProcessingApp> { ["processing-first"] = first, ["processing-second"] = second };

        for (var p = 0; p < 4; p++)
        {
            // The management API's consumer details lag a few seconds behind.
            var partition = p;
            await Eventually.TrueAsync(async () => (await ConsumersAsync(vhost.Name, partition)) is { Count: 2 } both
                && both.All(c => c.Connection.Length > 0), Wait, $"both instances consume partition {p}");
            var consumers = await ConsumersAsync(vhost.Name, p);
            consumers.Single(c => c.Active).Connection.ShouldBe("processing-first",
                "before any hand-over, the first to subscribe is the single active consumer");
        }
        await Eventually.TrueAsync(() => first.Balancer.Members.Count == 2 && second.Balancer.Members.Count == 2, Wait,
            "the instances hear each other");
        first.Balancer.Members.ShouldBe(second.Balancer.Members, "both agree who is running");
        string OwnerName(int partition) =>
            hosts.Single(h => h.Value.Balancer.InstanceId == first.Balancer.OwnerOf(partition)).Key;
        Enumerable.Range(0, 4).Count(p => OwnerName(p) == "processing-second")
            .ShouldBe(2, "each instance owns half of the partitions");

        // First minute of event time: the first instance is delivered everything and hands the second its share.
        await broker.PublishAsync(readings.Take(2 * sensors.Length));
        for (var p = 0; p < 4; p++)
        {
            var partition = p;
            await Eventually.TrueAsync(async () => (await ConsumersAsync(vhost.Name, partition))
                .SingleOrDefault(c => c.Active).Connection == OwnerName(partition),
                Wait, $"partition {p}'s active consumer is its owner, {OwnerName(p)}");
        }

        // Up to 2.5 minutes: from now on each partition's readings go to its owner only.
        var before = Enumerable.Range(0, 4).Select(p =>
            (First: first.Partitions.All[p].Deliveries, Second: second.Partitions.All[p].Deliveries)).ToArray();
        await broker.PublishAsync(readings.Skip(2 * sensors.Length).Take(3 * sensors.Length));
        await Eventually.TrueAsync(() => broker.Levels().Count >= 2 * sensors.Length, Wait,
            "the first two windows of every sensor are published");
        for (var p = 0; p < 4; p++)
        {
            var (owner, other) = OwnerName(p) == "processing-first" ? (first, second) : (second, first);
            var ownerBefore = owner == first ? before[p].First : before[p].Second;
            var otherBefore = owner == first ? before[p].Second : before[p].First;
            owner.Partitions.All[p].Deliveries.ShouldBeGreaterThan(ownerBefore,
                $"partition {p}'s owner handles its readings");
            other.Partitions.All[p].Deliveries.ShouldBe(otherBefore, $"partition {p}'s readings reach only its owner");
        }

        // The first stops; the second takes over every partition, and the third window (open across the hand-over)
        // stays exact.
        await first.DisposeAsync();
        for (var p = 0; p < 4; p++)
        {
            var partition = p;
            await Eventually.TrueAsync(async () =>
                (await ConsumersAsync(vhost.Name, partition)) is [{ Active: true, Connection: "processing-second" }],
                Wait, $"the second instance is the active consumer of partition {p}");
        }
        await Eventually.TrueAsync(() => second.Balancer.Members.Count == 1, Wait, "the second knows it is alone");
        await broker.PublishAsync(readings.Skip(5 * sensors.Length));
        await broker.PublishAsync(Readings.Flush(sensors, "share"));

        await Eventually.TrueAsync(() => broker.Levels().Count >= 5 * sensors.Length, Wait,
            "all windows are published");
        Readings.ShouldMatch(broker.Levels(), readings);
    }

    /// <summary>
    /// The consumers of a partition queue, by the client-provided name of their connection (RabbitMq:ClientName).
    /// </summary>
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
            .Select(c => (c?["channel_details"] is JsonObject channel
                && channel["connection_name"]?.GetValue<string>() is { } connection
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
        var connections = JsonNode.Parse(await http.GetStringAsync(
            new Uri($"api/vhosts/{Uri.EscapeDataString(vhost)}/connections", UriKind.Relative)))!.AsArray();
        // Consumers are on a service's "<ClientName>-consume" connection: named here by the ClientName alone.
        return connections.Where(c => c?["client_properties"]?["connection_name"] is not null)
            .ToDictionary(c => c!["name"]!.GetValue<string>(),
                c => c!["client_properties"]!["connection_name"]!.GetValue<string>()
                    .Replace("-consume", "", StringComparison.Ordinal));
    }
}
