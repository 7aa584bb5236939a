using Nop.Contracts;
using Nop.Processing.Tests.Support;
using Nop.Testing;
using Xunit.Abstractions;

namespace Nop.Processing.Tests;

/// <summary>Processing killed mid-stream (a real process, SIGKILL) and restarted on the same database.</summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task After_a_crash_every_window_equals_that_of_a_run_without_one()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("proc-crash");
        using var folder = new TempFolder();
        var settings = new Dictionary<string, string>
        {
            // Only the readings close windows here, never the wall clock: the result must not depend on timing.
            ["Processing:Windows:IdleGrace"] = "00:30:00",
            ["Processing:CheckpointEvery"] = "40",
            ["Logging:Console:Format"] = "text",
        };
        await using var broker = await BrokerClient.ConnectAsync(vhost.Uri);
        string[] sensors = ["crash-a", "crash-b", "crash-c"];
        // 6 minutes of event time per sensor, one 2 s reading every 2 s in batches of 6: 540 readings, 18 windows.
        var readings =
            Readings.Stream(sensors, perSensor: 180, every: TimeSpan.FromSeconds(2), runId: "crash", batchSize: 6);

        await using var crashed = await StartAsync(vhost, folder, settings, "processing-crashed");
        var stream = Task.Run(async () =>
        {
            foreach (var batch in readings)
            {
                await broker.PublishAsync([batch]);
                await Task.Delay(60);
            }
        });
        // Kill it while readings are still flowing and some windows are already out.
        await Eventually.TrueAsync(() => broker.Levels().Count >= 4, Wait,
            "the first windows are published before the crash");
        await crashed.StopAsync(); // SIGKILL: no drain, no final checkpoint, no ack
        var publishedBeforeRestart = broker.Levels().Count;
        var streamWasRunning = !stream.IsCompleted;
        await stream;

        await using var restarted = await StartAsync(vhost, folder, settings, "processing-restarted");
        await broker.PublishAsync(Readings.Flush(sensors, "crash"));

        await Eventually.TrueAsync(() => broker.Levels().Count >= 18, Wait,
            "all 18 windows are published after the restart");
        publishedBeforeRestart.ShouldBeLessThan(18, "the crash happened mid-stream");
        output.WriteLine($"stream still running at the kill: {streamWasRunning}");
        Readings.ShouldMatch(broker.Levels(), readings);
        foreach (var copies in broker.OfType(NoiseLevelsMeasured.MessageType).GroupBy(e => e.MessageId))
        {
            copies.Select(c => c.Body).Distinct()
                .ShouldHaveSingleItem("an event emitted again after the crash is the same event with the same id");
        }
        restarted.Output().ShouldContain("loaded", Case.Insensitive);
        // No row per reading any more: the state is blobs, one per checkpoint since the last snapshot.
        await using (var db = new Microsoft.Data.Sqlite.SqliteConnection(folder.Database()))
        {
            await db.OpenAsync();
            await using var count = db.CreateCommand();
            count.CommandText =
                "SELECT (SELECT COUNT(*) FROM window_readings), (SELECT COUNT(*) FROM aggregator_states)";
            await using var row = await count.ExecuteReaderAsync();
            (await row.ReadAsync()).ShouldBeTrue();
            row.GetInt64(0).ShouldBe(0);
            row.GetInt64(1).ShouldBeGreaterThan(0);
        }
        output.WriteLine($"{publishedBeforeRestart} windows published before the kill; after the restart " +
            $"{CountLines(restarted.Output(), "duplicates ignored")} redelivered batches held " +
                $"readings already counted, " +
            $"{broker.Windows().Count() - 18} windows were published again (in messages with the same ids)");
    }

    [Fact]
    public async Task When_one_of_two_instances_is_killed_the_survivor_takes_its_partitions_every_window_stays_exact()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("proc-crash-shared");
        using var folder = new TempFolder();
        var settings = new Dictionary<string, string>
        {
            ["Processing:Partitions"] = "4",
            ["Processing:Windows:IdleGrace"] = "00:30:00",
            ["Processing:CheckpointEvery"] = "40",
            ["Processing:Sharing:HeartbeatInterval"] = "00:00:00.200",
            // Generous: a process busy starting up may miss a few heartbeats.
            ["Processing:Sharing:InstanceTimeout"] = "00:00:03",
            ["Logging:Console:Format"] = "text",
        };
        await using var broker = await BrokerClient.ConnectAsync(vhost.Uri);
        var sensors = Enumerable.Range(0, 8).Select(i => $"crash-shared-{i}").ToArray();
        // 6 minutes of event time per sensor, one 4 s reading every 4 s in batches of 3: 720 readings, 48 windows.
        var readings = Readings.Stream(sensors, perSensor: 90, every: TimeSpan.FromSeconds(4), runId: "crash-shared",
            batchSize: 3);

        await using var crashed = await StartAsync(vhost, folder, settings, "processing-crashed-shared");
        await using var survivor = await ProcessingApp.StartAsync(vhost.Uri, folder.Database(),
            settings.ToDictionary(s => s.Key, s => (string?)s.Value), name: "processing-survivor");
        await Eventually.TrueAsync(() => survivor.Balancer.Members.Count == 2, Wait,
            "the survivor hears the other instance");
        var stream = Task.Run(async () =>
        {
            foreach (var chunk in readings.Chunk(2))
            {
                await broker.PublishAsync(chunk);
                await Task.Delay(30);
            }
        });
        // Kill it while readings flow, once the partitions are shared and windows are out.
        await Eventually.TrueAsync(() => broker.Levels().Count >= 8, Wait,
            "the first windows are published before the crash");
        await Eventually.TrueAsync(() => survivor.Balancer.Members.Count == 2, Wait, "both instances run");
        var owned = Enumerable.Range(0, 4).Where(survivor.Balancer.Owns).ToArray();
        owned.Length.ShouldBe(2, "the survivor owns half of the partitions while both run");
        var before = survivor.Partitions.All.Select(p => p.Deliveries).ToArray();
        await crashed.StopAsync(); // SIGKILL: no drain, no final checkpoint, no ack
        var streamWasRunning = !stream.IsCompleted;
        await stream;
        await broker.PublishAsync(Readings.Flush(sensors, "crash-shared"));

        await Eventually.TrueAsync(() => broker.Levels().Count >= 48, Wait,
            "all 48 windows are published by the survivor");
        output.WriteLine($"stream still running at the kill: {streamWasRunning}; the survivor owned " +
            $"partitions {string.Join(", ", owned)}");
        Readings.ShouldMatch(broker.Levels(), readings);
        // (Which partitions these sensors hash to is the broker's business: at least one of the other's has readings.)
        Enumerable.Range(0, 4).Except(owned).Sum(p => survivor.Partitions.All[p].Deliveries - before[p])
            .ShouldBeGreaterThan(0, "the survivor took over the killed instance's partitions");
        survivor.Balancer.Members.Count.ShouldBe(1, "the killed instance dropped out after its heartbeats stopped");
    }

    /// <summary>
    /// The real Processing service as a child process (its built dll, as <c>./nop up</c> runs it), so it can be killed
    /// outright.
    /// </summary>
    private static Task<ServiceProcess> StartAsync(VirtualHost vhost, TempFolder folder,
        Dictionary<string, string> settings, string logName) =>
        ServiceProcess.StartServiceAsync("Nop.Processing", new Dictionary<string, string>(settings)
        {
            ["RabbitMq:Uri"] = vhost.Uri.ToString(),
            ["ConnectionStrings:Processing"] = folder.Database(),
        }, logName);

    private static int CountLines(string text, string what) =>
        text.Split('\n').Count(l => l.Contains(what, StringComparison.Ordinal));
}
