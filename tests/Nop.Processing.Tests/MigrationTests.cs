using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Nop.Contracts;
using Nop.Processing.Data;
using Nop.Processing.Tests.Support;
using Nop.Testing;

namespace Nop.Processing.Tests;

/// <summary>
/// The schema comes from migrations, one set per provider; a model change without a migration fails here.
/// </summary>
public sealed class MigrationTests
{
    [Fact]
    public void The_sqlite_migrations_cover_the_model()
    {
        using var db = new SqliteProcessingDbContext(new DbContextOptionsBuilder<SqliteProcessingDbContext>()
            .UseSqlite("Data Source=:memory:").Options);

        db.Database.HasPendingModelChanges().ShouldBeFalse("run: dotnet ef migrations add <Name> --context " +
            "SqliteProcessingDbContext --output-dir Data/Migrations/Sqlite");
        db.Database.GetMigrations().ShouldNotBeEmpty();
    }

    [Fact]
    public void The_sql_server_migrations_cover_the_model()
    {
        // Needs no server: the model is compared with the migrations' snapshot.
        using var db = new SqlServerProcessingDbContext(new DbContextOptionsBuilder<SqlServerProcessingDbContext>()
            .UseSqlServer("Server=127.0.0.1,1;Database=unused;Connect Timeout=1").Options);

        db.Database.HasPendingModelChanges().ShouldBeFalse("run: dotnet ef migrations add <Name> --context " +
            "SqlServerProcessingDbContext --output-dir Data/Migrations/SqlServer");
        db.Database.GetMigrations().ShouldNotBeEmpty();
    }

    [Fact]
    public async Task The_sqlite_migrations_apply_to_a_new_database_file()
    {
        var folder = Directory.CreateTempSubdirectory("nop-processing-");
        try
        {
            await using (var db = new SqliteProcessingDbContext(new DbContextOptionsBuilder<SqliteProcessingDbContext>()
                .UseSqlite($"Data Source={Path.Combine(folder.FullName, "processing.db")};Pooling=False").Options))
            {
                await db.Database.MigrateAsync();

                (await db.Database.GetPendingMigrationsAsync()).ShouldBeEmpty();
                db.PartitionStates.Add(new PartitionStateRow
                {
                    Partition = 3,
                    Version = 1,
                    IsSnapshot = true,
                    Blob = [1, 2, 3]
                });
                await db.SaveChangesAsync();
                (await db.PartitionStates.SingleAsync()).Blob.ShouldBe([1, 2, 3]);
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_checkpoint_of_the_previous_version_loads_and_its_open_window_continues()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("proc-legacy");
        using var folder = new TempFolder();
        var start = Readings.Start;
        string Time(TimeSpan after) => (start + after).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        // The previous version's schema and checkpoint: window start+1min open with three 5 s readings, window start
        // closed (one reading id remembered). JSON as its SensorStateJson wrote it (readings and ids in rows of their
        // own).
        await using (var db = new SqliteProcessingDbContext(new DbContextOptionsBuilder<SqliteProcessingDbContext>()
            .UseSqlite(folder.Database() + ";Pooling=False").Options))
        {
            await db.GetService<IMigrator>().MigrateAsync("20261123174325_WindowReadings");
        }
        var state = $$"""
            {"sensorId":"legacy-a","zone":"residential",
             "windows":[{"start":"{{Time(TimeSpan.FromMinutes(1))}}","correlationId":"corr-legacy"}],
             "closedUntil":"{{Time(TimeSpan.FromMinutes(1))}}","maxEventTime":"{{Time(TimeSpan.FromSeconds(75))}}",
             "pendingLate":0,"recentlyClosed":[{"end":"{{Time(TimeSpan.FromMinutes(1))}}"}],
             "levelRule":{"above":0,"below":0,"open":false},"spikeRateRule":{"above":0,"below":0,"open":false},
             "lastLaeq":70,"repeatCount":1,"stuckReported":false,"offlineReported":false}
            """;
        await using (var old = new SqliteConnection(folder.Database() + ";Pooling=False"))
        {
            await old.OpenAsync();
            await using var insert = old.CreateCommand();
            insert.CommandText = $"""
                INSERT INTO aggregator_partitions (Partition, Version, UpdatedAt)
                  VALUES (0, 7, '{Time(TimeSpan.Zero)}');
                INSERT INTO sensor_states (SensorId, Partition, State, UpdatedAt)
                  VALUES ('legacy-a', 0, $state, '{Time(TimeSpan.Zero)}');
                INSERT INTO window_readings (SensorId, ReadingId, WindowStart, Laeq, Lamax, Duration) VALUES
                  ('legacy-a', 'old-0', '{Time(TimeSpan.Zero)}', 0, NULL, NULL),
                  ('legacy-a', 'old-1', '{Time(TimeSpan.FromMinutes(1))}', 50, NULL, 5),
                  ('legacy-a', 'old-2', '{Time(TimeSpan.FromMinutes(1))}', 60, NULL, 5),
                  ('legacy-a', 'old-3', '{Time(TimeSpan.FromMinutes(1))}', 70, NULL, 5);
                """;
            insert.Parameters.AddWithValue("$state", state);
            await insert.ExecuteNonQueryAsync();
        }

        // The new version migrates the file, converts the checkpoint and continues the open window.
        await using var host = await ProcessingApp.StartAsync(vhost.Uri, folder.Database(),
            new Dictionary<string, string?>
            {
                ["Processing:Partitions"] = "1",
                ["Processing:Windows:IdleGrace"] = "00:30:00"
            });
        await using var broker = await BrokerClient.ConnectAsync(vhost.Uri);
        await broker.PublishAsync([Readings.Batch("legacy-a",
        [
            new SensorReading("new-1", start.AddSeconds(80), 40, null, 5),
            new SensorReading("new-2", start.AddSeconds(85), 45, null, 5),
            new SensorReading("new-3", start.AddSeconds(90), 55, null, 5),
            // Re-posts of readings the old checkpoint counted, in the open and in the closed window.
            new SensorReading("old-2", start.AddSeconds(70), 60, null, 5),
            new SensorReading("old-0", start.AddSeconds(30), 20, null, 5),
        ])]);
        await broker.PublishAsync(Readings.Flush(["legacy-a"], "legacy"));

        await Eventually.TrueAsync(() => broker.Levels().Any(l => l.WindowStart == start.AddMinutes(1)),
            TimeSpan.FromSeconds(60),
            "the converted open window is published");
        var window = broker.Levels().Single(l => l.WindowStart == start.AddMinutes(1));
        window.Count.ShouldBe(6, "three old and three new readings; the re-posts are duplicates");
        window.LateCount.ShouldBe(0, "a re-post of a reading of the closed window is a duplicate, not late");
        // 10·lg((10^5 + 10^6 + 10^7 + 10^4 + 10^4.5 + 10^5.5) / 6): six readings of 5 s each.
        window.Laeq.ShouldBe(62.81, tolerance: 0.01);
        window.Lamax.ShouldBe(70);
        window.Coverage!.Value.ShouldBe(0.5, tolerance: 1e-9);
        broker.Levels().ShouldNotContain(l => l.WindowStart == start, "the closed window is not published again");

        await Eventually.TrueAsync(async () => await ScalarAsync(folder, "SELECT COUNT(*) FROM sensor_states") == 0,
            TimeSpan.FromSeconds(30),
            "the old rows are deleted once the converted state is written");
        (await ScalarAsync(folder, "SELECT COUNT(*) FROM window_readings")).ShouldBe(0);
        (await ScalarAsync(folder, "SELECT IsSnapshot FROM aggregator_states ORDER BY Version LIMIT 1")).ShouldBe(1,
            "the converted state is written as a snapshot");
    }

    private static async Task<long> ScalarAsync(TempFolder folder, string sql)
    {
        await using var connection = new SqliteConnection(folder.Database() + ";Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
