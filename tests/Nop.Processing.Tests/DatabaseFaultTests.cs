using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Nop.Contracts;
using Nop.Persistence;
using Nop.Processing.Data;
using Nop.Processing.Tests.Support;
using Nop.Testing;
using Xunit.Abstractions;

namespace Nop.Processing.Tests;

/// <summary>Processing's database fails or stalls under a real broker and a real SQLite file (locked or broken by the
/// test); every window must come out exact, and no reading may be parked in a <c>.dead</c> queue for it.</summary>
public sealed class DatabaseFaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Checkpoints_run_through_the_shipped_retrying_execution_strategy()
    {
        // A retrying strategy (SQL Server's EnableRetryOnFailure, SQLite's own here) refuses a user-initiated
        // transaction outside CreateExecutionStrategy().ExecuteAsync: before checkpoints ran through it, none ever
        // committed.
        await using var vhost = await TestBroker.CreateVirtualHostAsync("proc-strategy");
        using var folder = new TempFolder();
        await using var host = await ProcessingApp.StartAsync(vhost.Uri, folder.Database());
        await using var broker = await BrokerClient.ConnectAsync(vhost.Uri);
        await using (var db =
            await host.Services.GetRequiredService<IDbContextFactory<ProcessingDbContext>>().CreateDbContextAsync())
        {
            db.Database.CreateExecutionStrategy().ShouldBeOfType<SqliteRetryingExecutionStrategy>()
                .RetriesOnFailure.ShouldBeTrue();
        }
        string[] sensors = ["strategy-a", "strategy-b"];
        var batches = Readings.Stream(sensors, perSensor: 36, every: TimeSpan.FromSeconds(5), runId: "strategy");

        await broker.PublishAsync(batches);
        await broker.PublishAsync(Readings.Flush(sensors, "strategy"));

        await Eventually.TrueAsync(() => broker.Levels().Count >= 6, Wait, "all 6 windows are published");
        Readings.ShouldMatch(broker.Levels(), batches);
    }

    [Fact]
    public async Task A_database_outage_is_waited_out_with_the_readings_in_the_broker_and_none_dead()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("proc-db-outage");
        using var folder = new TempFolder();
        // Only readings close windows here; a locked file fails a command after 1 s instead of 30.
        await using var host = await ProcessingApp.StartAsync(vhost.Uri, folder.Database() + ";Default Timeout=1",
            new Dictionary<string, string?> { ["Processing:Windows:IdleGrace"] = "00:30:00" });
        await using var broker = await BrokerClient.ConnectAsync(vhost.Uri);
        using var http = new HttpClient { BaseAddress = host.Address };
        string[] sensors = ["outage-a", "outage-b"];
        var batches = Readings.Stream(sensors, perSensor: 60, every: TimeSpan.FromSeconds(5), runId: "outage");

        await broker.PublishAsync(batches.Take(4));
        await Eventually.TrueAsync(() => broker.Levels().Count >= 2, Wait,
            "the first windows are published before the outage");
        await using (var outage = await WriteLockAsync(folder))
        {
            await broker.PublishAsync(batches.Skip(4));
            await broker.PublishAsync(Readings.Flush(sensors, "outage"));
            await Eventually.TrueAsync(async () =>
                (await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode
                == HttpStatusCode.ServiceUnavailable, Wait, "readiness reports the outage");
            broker.Levels().Count.ShouldBe(2, "nothing is published while no checkpoint commits");
            (await DeadAsync(broker, host)).ShouldBe(0u, "no reading is parked for the outage");
        }

        await Eventually.TrueAsync(() => broker.Levels().Count >= 10, Wait,
            "all 10 windows are published after the outage");
        Readings.ShouldMatch(broker.Levels(), batches);
        (await DeadAsync(broker, host)).ShouldBe(0u, "no reading is parked for the outage");
        await Eventually.TrueAsync(async () =>
            (await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode == HttpStatusCode.OK,
            Wait, "ready again");
    }

    [Fact]
    public async Task A_stall_of_the_database_neither_closes_windows_early_nor_reports_sensors_offline()
    {
        // The fed clock stands still while checkpoints do not commit: a stall longer than the idle grace and the
        // offline time is not the sensors' silence. (Shorter than the 90 s stall, with times shortened to
        // match.)
        await using var vhost = await TestBroker.CreateVirtualHostAsync("proc-db-stall");
        using var folder = new TempFolder();
        await using var host = await ProcessingApp.StartAsync(vhost.Uri, folder.Database() + ";Default Timeout=1",
            new Dictionary<string, string?>
            {
                ["Processing:Windows:IdleGrace"] = "00:00:05",
                ["Processing:Rules:OfflineAfter"] = "00:00:15",
                // Ticks of 100 ms, so the 2 s the check below allows is many ticks' worth of slack.
                ["Processing:CheckpointInterval"] = "00:00:00.100",
            });
        await using var broker = await BrokerClient.ConnectAsync(vhost.Uri);
        string[] sensors = ["stall-a", "stall-b"];
        // 1 s readings in batches of 5 (5 s of event time) every 250 ms: readings keep coming throughout.
        var batches =
            Readings.Stream(sensors, perSensor: 600, every: TimeSpan.FromSeconds(1), runId: "stall", batchSize: 5);
        var stall = TimeSpan.FromSeconds(25);

        var stream = Task.Run(async () =>
        {
            foreach (var pair in batches.Chunk(sensors.Length))
            {
                await broker.PublishAsync(pair);
                await Task.Delay(250);
            }
        });
        await Eventually.TrueAsync(() => broker.Levels().Count >= 2, Wait,
            "the first windows are published before the stall");
        var fedBefore = FedTime(host);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using (await WriteLockAsync(folder))
        {
            await Task.Delay(stall);
        }
        // A moment for the checkpoint held up by the stall to commit and the clock to run again.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var fed = FedTime(host) - fedBefore;
        var wall = clock.Elapsed;
        output.WriteLine($"fed clock advanced {fed.TotalSeconds:0.0} s over {wall.TotalSeconds:0.0} s including a " +
            $"{stall.TotalSeconds:0} s stall");
        fed.ShouldBeLessThan(wall - stall + TimeSpan.FromSeconds(2),
            "the stall is not counted as the sensors' silence");
        await stream;
        await broker.PublishAsync(Readings.Flush(sensors, "stall"));

        await Eventually.TrueAsync(() => broker.Levels().Count >= 20, Wait, "all 20 windows are published");
        Readings.ShouldMatch(broker.Levels(), batches);
        broker.OfType(SensorFaultDetected.MessageType).Select(e => e.As<SensorFaultDetected>())
            .ShouldNotContain(f => f.Fault == SensorFault.Offline, "no sensor is reported offline for our stall");
    }

    [Fact]
    public async Task A_reload_that_fails_half_way_loses_nothing_and_is_done_again_at_the_next_attempt()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("proc-reload");
        using var folder = new TempFolder();
        await using var host = await ProcessingApp.StartAsync(vhost.Uri, folder.Database(),
            new Dictionary<string, string?> { ["Processing:Windows:IdleGrace"] = "00:30:00" });
        await using var broker = await BrokerClient.ConnectAsync(vhost.Uri);
        string[] sensors = ["reload-a", "reload-b", "reload-c"];
        var batches =
            Readings.Stream(sensors, perSensor: 60, every: TimeSpan.FromSeconds(5), runId: "reload", batchSize: 6);

        await broker.PublishAsync(batches.Take(9));
        await Eventually.TrueAsync(() => broker.Levels().Count >= 3, Wait, "the first windows are published");
        // "Another instance" checkpoints every partition (version conflict), and the state cannot be read back for now.
        await ExecuteAsync(folder, """
            UPDATE "aggregator_partitions" SET "Version" = "Version" + 1;
            ALTER TABLE "aggregator_states" RENAME TO "away";
            """);
        await broker.PublishAsync(batches.Skip(9).Take(9));
        // Found by the checkpoint's version guard (then reloaded there) or at the start of the next round.
        await Eventually.TrueAsync(() => host.Logs.Events.Any(e =>
            e.MessageTemplate.Text.StartsWith("Reload of aggregator partition", StringComparison.Ordinal)
            || e.MessageTemplate.Text.StartsWith("Database unavailable", StringComparison.Ordinal)), Wait,
                "a reload fails half-way");
        await Task.Delay(TimeSpan.FromSeconds(2));
        await ExecuteAsync(folder, """ALTER TABLE "away" RENAME TO "aggregator_states";""");
        await broker.PublishAsync(batches.Skip(18));
        await broker.PublishAsync(Readings.Flush(sensors, "reload"));

        await Eventually.TrueAsync(() => broker.Levels().Count >= 15, Wait, "all 15 windows are published");
        Readings.ShouldMatch(broker.Levels(), batches);
        (await DeadAsync(broker, host)).ShouldBe(0u, "no reading is parked for the failed reload");
    }

    private static TimeSpan FedTime(ProcessingApp host) =>
        host.Partitions.All.Select(p => p.Windows?.FedTime ?? TimeSpan.Zero).Max();

    private static async Task<uint> DeadAsync(BrokerClient broker, ProcessingApp host)
    {
        var dead = await broker.CountAsync(Queues.DeadOf(Queues.ProcessingClassifier));
        foreach (var partition in host.Partitions.All)
        {
            dead += await broker.CountAsync(Queues.DeadOf(Queues.AggregatorPartition(partition.Index)));
        }
        return dead;
    }

    /// <summary>
    /// Holds the database's write lock (as a long-running writer of another process would) until disposed.
    /// </summary>
    private static async Task<SqliteConnection> WriteLockAsync(TempFolder folder)
    {
        var connection = new SqliteConnection(folder.Database() + ";Pooling=False");
        await connection.OpenAsync();
        await using var begin = connection.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE;";
        await begin.ExecuteNonQueryAsync();
        return connection;
    }

    private static async Task ExecuteAsync(TempFolder folder, string sql)
    {
        await using var connection = new SqliteConnection(folder.Database() + ";Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
