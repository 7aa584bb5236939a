using System.ComponentModel.DataAnnotations;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Nop.Alerting.Data;

namespace Nop.Alerting.Tests;

public sealed class OccurrencesMigrationTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"nop-alerting-occurrences-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task Alerts_stored_before_coalescing_get_their_reports_counted_from_the_event_log()
    {
        await using var db = new SqliteAlertingDbContext(
            new DbContextOptionsBuilder<SqliteAlertingDbContext>().UseSqlite($"Data Source={_path}").Options);
        var migrator = db.GetService<IMigrator>();
        var migrations = db.Database.GetMigrations().ToList();
        var occurrences = migrations.Single(m => m.EndsWith("_AlertOccurrences", StringComparison.Ordinal));
        await migrator.MigrateAsync(migrations[migrations.IndexOf(occurrences) - 1]);

        // An alert as the previous schema stored it: raised, recurred twice, acknowledged ({{ }}: EF formats raw SQL).
        const string Id = "0193A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B";
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO alerts (id, sensor_id, zone, rule, severity, state, level, threshold, message, raised_at,
                updated_at, last_seen_at, correlation_id, version)
            VALUES ('ID', 's-old', 'Quiet', 'Level', 'Info', 'Acknowledged', 70, 65, 'm',
                '2026-11-23T21:00:00.0000000Z', '2026-11-23T21:03:00.0000000Z', '2026-11-23T21:02:00.0000000Z', 'c', 4);
            INSERT INTO alert_events (alert_id, sequence, type, at, by, data, correlation_id) VALUES
                ('ID', 1, 'Raised', '2026-11-23T21:00:00.0000000Z', 'alerting', '{{}}', 'c'),
                ('ID', 2, 'Recurred', '2026-11-23T21:01:00.0000000Z', 'alerting', '{{"level":69}}', 'c'),
                ('ID', 3, 'Recurred', '2026-11-23T21:02:00.0000000Z', 'alerting', '{{"level":68}}', 'c'),
                ('ID', 4, 'Acknowledged', '2026-11-23T21:03:00.0000000Z', 'ana', '{{}}', 'c');
            """.Replace("ID", Id, StringComparison.Ordinal));

        await db.Database.MigrateAsync();

        (await db.Alerts.AsNoTracking().SingleAsync()).Occurrences.ShouldBe(3);
    }

    [Fact]
    public void The_recurrence_interval_must_be_shorter_than_the_spike_quiet_period()
    {
        bool Valid(AlertingOptions options) =>
            Validator.TryValidateObject(options, new ValidationContext(options), [], validateAllProperties: true);

        Valid(new AlertingOptions()).ShouldBeTrue();
        Valid(new AlertingOptions { RecurrenceInterval = TimeSpan.Zero }).ShouldBeTrue();
        // Equal to the quiet period, and negative.
        Valid(new AlertingOptions { RecurrenceInterval = TimeSpan.FromMinutes(10) }).ShouldBeFalse();
        Valid(new AlertingOptions { RecurrenceInterval = TimeSpan.FromMinutes(-1) }).ShouldBeFalse();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }
}
