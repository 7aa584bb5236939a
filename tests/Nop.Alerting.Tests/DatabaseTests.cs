using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nop.Alerting.Alerts;
using Nop.Alerting.Data;
using Nop.Alerting.Tests.Support;
using Nop.Contracts;

namespace Nop.Alerting.Tests;

public sealed class MigrationTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"nop-alerting-migrate-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task Migrations_apply_to_an_empty_SQLite_database_and_enforce_one_open_alert_per_sensor_and_rule()
    {
        await using var db = new SqliteAlertingDbContext(new DbContextOptionsBuilder<SqliteAlertingDbContext>()
            .UseSqlite($"Data Source={_path}").Options);
        await db.Database.MigrateAsync();

        (await db.Database.GetPendingMigrationsAsync()).ShouldBeEmpty();
        (await db.Database.GetAppliedMigrationsAsync()).ShouldBe(db.Database.GetMigrations());
        var tables = await db.Database.SqlQueryRaw<string>(
            "SELECT name AS Value FROM sqlite_master WHERE type = 'table'").ToListAsync();
        new[] { "alerts", "alert_events", "inbox", "outbox" }.ShouldBeSubsetOf(tables);

        Alert Open(string sensor) => new()
        {
            Id = Guid.NewGuid(),
            SensorId = sensor,
            Rule = AlertRule.Level,
            State = AlertState.Open,
            Message = "m",
            CorrelationId = "c",
            RaisedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
            LastSeenAt = DateTimeOffset.UtcNow,
        };
        var resolved = Open("s-1");
        resolved.State = AlertState.Resolved;
        db.Alerts.AddRange(Open("s-1"), resolved, Open("s-2"));
        await db.SaveChangesAsync();

        db.Alerts.Add(Open("s-1"));
        var violation = await Should.ThrowAsync<DbUpdateException>(() => db.SaveChangesAsync());
        violation.InnerException.ShouldBeOfType<SqliteException>().SqliteErrorCode.ShouldBe(19); // SQLITE_CONSTRAINT
    }

    [Fact]
    public void No_model_change_is_left_without_a_SQLite_migration()
    {
        using var db = new SqliteDesignTimeFactory().CreateDbContext([]);
        db.Database.HasPendingModelChanges().ShouldBeFalse("run: dotnet ef migrations add <Name> --context " +
            "SqliteAlertingDbContext --output-dir Data/Migrations/Sqlite");
    }

    [Fact]
    public void No_model_change_is_left_without_a_SQL_Server_migration()
    {
        // Compares the model with the migrations' snapshot; needs no server.
        using var db = new SqlServerDesignTimeFactory().CreateDbContext([]);
        db.Database.HasPendingModelChanges().ShouldBeFalse("run: dotnet ef migrations add <Name> --context " +
            "SqlServerAlertingDbContext --output-dir Data/Migrations/SqlServer");
    }

    [Fact]
    public async Task Every_SQLite_connection_waits_for_a_lock_inside_SQLite_and_the_database_runs_in_WAL()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection([new("ConnectionStrings:Alerting", $"Data Source={_path}")]);
        builder.AddAlertingDatabase();
        using var host = builder.Build();
        await host.StartAsync(); // the migrator puts the file in WAL
        try
        {
            await using var scope = host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AlertingDbContext>();
            var connection = (SqliteConnection)db.Database.GetDbConnection();
            await db.Database.OpenConnectionAsync();

            // Microsoft.Data.Sqlite leaves it at 0 and sleeps 150 ms between its own retries (SqliteBusyTimeout).
            (await Scalar(connection, "PRAGMA busy_timeout")).ShouldBe(connection.DefaultTimeout * 1000L);
            (await Scalar(connection, "PRAGMA journal_mode")).ShouldBe("wal");
        }
        finally
        {
            await host.StopAsync();
        }

        static async Task<object?> Scalar(SqliteConnection connection, string sql)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return await command.ExecuteScalarAsync();
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
        File.Delete(_path + "-wal");
        File.Delete(_path + "-shm");
    }
}

[CollectionDefinition(nameof(RebuildCollection), DisableParallelization = true)]
public sealed class RebuildCollection;

/// <summary>
/// Runs the real entry point with <c>rebuild-read-model</c>, alone: hosting's test hooks watch every host built in
/// the process, so no other test may be starting one at the same time.
/// </summary>
[Collection(nameof(RebuildCollection))]
public sealed class RebuildTests
{
    [Fact]
    public async Task Rebuilding_the_read_model_from_the_events_gives_the_same_rows()
    {
        await using var bed = await AlertingTestBed.CreateAsync("rebuild");
        // Every recurrence stored: an open alert's coalesced ones are only on its row until the next event.
        var app = await bed.StartAlertingAsync(settings: new Dictionary<string, string?>
        {
            ["Alerting:RecurrenceInterval"] = "00:00:00",
        });
        await bed.PublishAsync(Noise.Exceeded("s-r-1", level: 66));
        await bed.PublishAsync(Noise.Exceeded("s-r-1", level: 80));
        await bed.PublishAsync(Noise.Exceeded("s-r-2", level: 70));
        await bed.PublishAsync(Noise.Cleared("s-r-2"));
        await bed.PublishAsync(Noise.Exceeded("s-r-2", level: 69));
        await bed.PublishAsync(Noise.Spike("s-r-3", level: 104));
        await bed.PublishAsync(Noise.Spike("s-r-3", level: 101));
        await bed.PublishAsync(Noise.Fault("s-r-4"));
        var alerts =
            await bed.AlertsWhenAsync(a => a.Count == 5 && a.Sum(x => x.Version) == 8, "every change was applied");
        var ack =
            await bed.Requests.RequestAsync<AcknowledgeAlert, AcknowledgeAlertResult>(RoutingKeys.AcknowledgeAlert,
            new AcknowledgeAlert(alerts.Single(a => a.SensorId == "s-r-1").Id, "rui", "noted"));
        ack.Outcome.ShouldBe(AcknowledgeOutcome.Acknowledged);
        await app.DisposeAsync();

        var before = await SnapshotAsync(bed);
        before.Count.ShouldBe(5);

        // Damage the read model, then rebuild it with the real command line.
        await using (var db = bed.OpenDatabase())
        {
            await db.Alerts.Where(a => a.SensorId == "s-r-1")
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.State, AlertState.Resolved));
            await db.Alerts.Where(a => a.SensorId == "s-r-4").ExecuteDeleteAsync();
        }
        (await SnapshotAsync(bed)).ShouldNotBe(before);

        var exit = typeof(Program).Assembly.EntryPoint!.Invoke(null,
            [new[] { "rebuild-read-model", $"--ConnectionStrings:Alerting={bed.ConnectionString}",
                "--Logging:Console:Format=none" }]);
        exit.ShouldBe(0);

        (await SnapshotAsync(bed)).ShouldBe(before);

        // And the method behind it, on an intact read model, changes nothing.
        await using (var db = bed.OpenDatabase())
        {
            (await ReadModelRebuilder.RebuildAsync(db)).ShouldBe(5);
        }
        (await SnapshotAsync(bed)).ShouldBe(before);
    }

    /// <summary>Every column of every row of <c>alerts</c>, as stored.</summary>
    private static async Task<List<string>> SnapshotAsync(AlertingTestBed bed)
    {
        await using var connection = new SqliteConnection(bed.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM alerts ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join(" | ",
                Enumerable.Range(0, reader.FieldCount).Select(i => $"{reader.GetName(i)}={reader.GetValue(i)}")));
        }
        return rows;
    }
}
