using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.Processing.Data;
using Nop.Processing.Tests.Support;
using Nop.Testing;

namespace Nop.Processing.Tests;

/// <summary>Processing against a real broker (own virtual host) and a real SQLite file.</summary>
public sealed class PipelineTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Three_sensors_over_five_minutes_give_one_energy_averaged_level_per_sensor_and_window()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("proc-levels");
        using var folder = new TempFolder();
        await using var host = await ProcessingApp.StartAsync(vhost.Uri, folder.Database(),
            new Dictionary<string, string?>([TestAdmin.Setting]));
        await using var broker = await BrokerClient.ConnectAsync(vhost.Uri);
        string[] sensors = ["lvl-a", "lvl-b", "lvl-c"];
        var readings = Readings.Stream(sensors, perSensor: 60, every: TimeSpan.FromSeconds(5), runId: "levels");

        await broker.PublishAsync(readings);
        await broker.PublishAsync(Readings.Flush(sensors, "levels"));

        await Eventually.TrueAsync(() => broker.Levels().Count >= 15, Wait, "15 windows are published");
        Readings.ShouldMatch(broker.Levels(), readings);
        var first = broker.Windows().First(w => w.Window.SensorId == "lvl-b").Message;
        first.RoutingKey.ShouldMatch(@"^noise\.levels\.[0-7]$", "a partition's windows, keyed by the partition");
        var window = JsonNode.Parse(first.Body)!["windows"]!.AsArray()
            .First(w => w!["sensorId"]!.GetValue<string>() == "lvl-b")!;
        var body = window.AsObject();
        foreach (var field in new[] { "sensorId", "zone", "windowStart", "windowEnd", "laeq", "lamax", "l10", "l50",
            "l90", "count", "lateCount",
                     "coverage", "distribution" })
        {
            body.ContainsKey(field).ShouldBeTrue($"camelCase field {field} in {first.Body}");
        }
        body["zone"]!.GetValue<string>().ShouldBe("residential");
        first.CorrelationId.ShouldStartWith("corr-levels-",
            customMessage: "a message of windows carries the correlation id of its first window's first reading");

        using var http = new HttpClient { BaseAddress = host.Address };
        using var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var detail = await http.WithAdminToken().GetAsync(new Uri("/admin/health", UriKind.Relative));
        detail.StatusCode.ShouldBe(HttpStatusCode.OK);
        var checks = JsonNode.Parse(await detail.Content.ReadAsStringAsync())!["checks"]!.AsArray()
            .Select(c => c!["name"]!.GetValue<string>());
        checks.ShouldContain("rabbitmq");
        checks.ShouldContain("database");
        using var live = await http.GetAsync(new Uri("/health/live", UriKind.Relative));
        live.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task All_readings_of_a_sensor_reach_one_partition()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("proc-partitions");
        using var folder = new TempFolder();
        await using var host = await ProcessingApp.StartAsync(vhost.Uri, folder.Database());
        await using var broker = await BrokerClient.ConnectAsync(vhost.Uri);
        var sensors = Enumerable.Range(0, 24).Select(i => $"part-{i:00}").ToArray();

        await broker.PublishAsync(Readings.Stream(sensors, perSensor: 5, every: TimeSpan.FromSeconds(5),
            runId: "partitions"));

        // What the checkpoints hold, loaded as a restarting instance would: every sensor once, with its 5 readings.
        var databases = host.Services.GetRequiredService<IDbContextFactory<ProcessingDbContext>>();
        var options = host.Services.GetRequiredService<IOptions<ProcessingOptions>>().Value;
        await Eventually.TrueAsync(async () =>
        {
            var counted = new Dictionary<string, int>();
            for (var p = 0; p < options.Partitions; p++)
            {
                foreach (var sensor in (await PartitionStateStore.LoadAsync(databases, p, options,
                    CancellationToken.None)).Sensors)
                {
                    counted.Add(sensor.SensorId, sensor.Windows.Sum(w => w.Count));
                }
            }
            return counted.Count == 24 && counted.Values.All(c => c == 5);
        }, Wait, "every sensor's 5 readings are checkpointed, each sensor in one partition");

        var owners = host.Partitions.All
            .SelectMany(p => p.Windows?.Sensors.Keys.Select(s => (Sensor: s, p.Index)) ?? [])
            .ToList();
        owners.Select(o => o.Sensor).Order().ToArray()
            .ShouldBe(sensors, "each sensor is held by exactly one partition");
        owners.Select(o => o.Index).Distinct().Count()
            .ShouldBeGreaterThan(1, "24 sensors spread over the 8 partitions");
    }

    [Fact]
    public async Task A_batch_delivered_twice_is_counted_once_and_a_late_copy_is_neither_merged_nor_late()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("proc-duplicates");
        using var folder = new TempFolder();
        await using var host = await ProcessingApp.StartAsync(vhost.Uri, folder.Database());
        await using var broker = await BrokerClient.ConnectAsync(vhost.Uri);
        string[] sensors = ["dup-a", "dup-b"];
        var batches = Readings.Stream(sensors, perSensor: 36, every: TimeSpan.FromSeconds(5), runId: "dup");

        await broker.PublishAsync(batches.SelectMany(b => new[] { b, b }));
        await Eventually.TrueAsync(() => broker.Levels().Count >= 4, Wait,
            "the first two windows of each sensor close");
        // Again, after their windows closed: recognised as duplicates, neither merged nor counted late.
        await broker.PublishAsync(batches.Take(2));
        await broker.PublishAsync(Readings.Flush(sensors, "dup"));

        await Eventually.TrueAsync(() => broker.Levels().Count >= 6, Wait, "all 6 windows are published");
        Readings.ShouldMatch(broker.Levels(), batches);
    }

    [Fact]
    public async Task Single_readings_of_the_previous_ingest_are_still_aggregated()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("proc-single");
        using var folder = new TempFolder();
        await using var host = await ProcessingApp.StartAsync(vhost.Uri, folder.Database());
        await using var broker = await BrokerClient.ConnectAsync(vhost.Uri);
        string[] sensors = ["single-a"];
        var batches = Readings.Stream(sensors, perSensor: 24, every: TimeSpan.FromSeconds(5), runId: "single");
        var singles = batches.SelectMany(b =>
            b.Readings.Select(r => new ReadingReceived(r.ReadingId, b.SensorId, b.Zone, b.Location,
            r.MeasuredAt, r.Laeq, r.Lamax, r.DurationSeconds, b.ReceivedAt)));

        await broker.PublishAsync(singles);
        await broker.PublishAsync(Readings.Flush(sensors, "single"));

        await Eventually.TrueAsync(() => broker.Levels().Count >= 2, Wait, "both windows are published");
        Readings.ShouldMatch(broker.Levels(), batches);
    }

    [Fact]
    public async Task Spikes_and_implausible_readings_are_reported_per_reading_with_ids_derived_from_the_reading()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("proc-classifier");
        using var folder = new TempFolder();
        await using var host = await ProcessingApp.StartAsync(vhost.Uri, folder.Database());
        await using var broker = await BrokerClient.ConnectAsync(vhost.Uri);
        var at = DateTimeOffset.UtcNow.AddSeconds(-5);
        var spiky = new ReadingBatchReceived("cls-a", Zone.Commercial, new GeoLocation(1, 2), 1, at,
            [new SensorReading("spike-1", at, 80, 104.5, null),
                new SensorReading("quiet-1", at.AddSeconds(1), 40, 45, null)]);
        var broken = new ReadingBatchReceived("cls-b", Zone.Quiet, new GeoLocation(1, 2), 1, at,
            [new SensorReading("broken-1", at, 70, 60, null)]);

        await broker.PublishAsync([spiky, spiky, broken]);

        await Eventually.TrueAsync(() => broker.OfType(NoiseSpikeDetected.MessageType).Count() == 2
            && broker.OfType(SensorFaultDetected.MessageType).Any(), Wait,
                "the spike (twice) and the fault are published");
        var spikes = broker.OfType(NoiseSpikeDetected.MessageType).ToList();
        spikes.Select(e => e.MessageId).Distinct()
            .ShouldHaveSingleItem("a redelivered reading gives the same event id");
        spikes[0].RoutingKey.ShouldBe("noise.spike.cls-a");
        spikes[0].CorrelationId.ShouldBe("corr-spike-1");
        var detected = spikes[0].As<NoiseSpikeDetected>();
        detected.ShouldBe(new NoiseSpikeDetected("cls-a", Zone.Commercial, "spike-1", at, 104.5, 100,
            NoiseClass.Dangerous));
        var fault = broker.OfType(SensorFaultDetected.MessageType).Single();
        fault.RoutingKey.ShouldBe("sensor.fault.cls-b");
        fault.As<SensorFaultDetected>().Fault.ShouldBe(SensorFault.Implausible);
    }
}
