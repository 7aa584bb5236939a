using Microsoft.EntityFrameworkCore;
using Nop.Persistence;
using Nop.Persistence.Leases;

namespace Nop.History.Data;

// History's database: minutes (one row per closed window, kept MinuteRetention), hours (the merged aggregates, kept),
// level_alert_events, stream_offsets (where it is in the levels stream), leases (which instance reads it) and the
// maintenance periods left out of the hours. Provider-neutral; SqliteHistoryDbContext and SqlServerHistoryDbContext
// exist so each provider has its own migrations. The levels writer writes with plain SQL (LevelStore); queries read
// through EF.
public abstract class HistoryDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<MinuteRow> Minutes => Set<MinuteRow>();
    public DbSet<HourRow> Hours => Set<HourRow>();
    public DbSet<LevelAlertEventRow> LevelAlertEvents => Set<LevelAlertEventRow>();
    public DbSet<MaintenancePeriodRow> MaintenancePeriods => Set<MaintenancePeriodRow>();
    public DbSet<StreamOffsetRow> StreamOffsets => Set<StreamOffsetRow>();
    public DbSet<Lease> Leases => Set<Lease>();

    // The lease of the levels stream's reader: one instance reads (and writes hours) at a time.
    public const string ReaderLease = "levels-reader";

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Readable in the database and stable if an enum is reordered.
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(16);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        // The primary keys are the queries' indexes: one sensor's minutes or hours in a time range.
        modelBuilder.Entity<MinuteRow>(m =>
        {
            m.ToTable("minutes");
            m.HasKey(x => new { x.SensorId, x.WindowStart });
            m.Property(x => x.SensorId).HasMaxLength(64);
            // The retention sweep deletes by age across sensors.
            m.HasIndex(x => x.WindowStart);
        });
        modelBuilder.Entity<HourRow>(h =>
        {
            h.ToTable("hours");
            h.HasKey(x => new { x.SensorId, x.HourStart });
            h.Property(x => x.SensorId).HasMaxLength(64);
            h.Property(x => x.Version).IsConcurrencyToken();
            // The day table reads every sensor's hours of one day: covering, so its ~24,000 rows come from the index
            // alone, not from table pages that hold them among other sensors' rows and their histograms.
            h.HasIndex(x => new
            {
                x.HourStart,
                x.SensorId,
                x.Zone,
                x.Energy,
                x.CoveredSeconds,
                x.Lamax,
                x.ExceedanceSeconds,
            })
                .HasDatabaseName("IX_hours_hour_start");
        });
        modelBuilder.Entity<LevelAlertEventRow>(e =>
        {
            e.ToTable("level_alert_events");
            e.HasKey(x => new { x.SensorId, x.WindowStart });
            e.Property(x => x.SensorId).HasMaxLength(64);
            e.HasIndex(x => x.LocalDate);
        });
        modelBuilder.Entity<MaintenancePeriodRow>(m =>
        {
            m.ToTable("maintenance_periods");
            m.HasKey(x => x.MaintenanceId);
            m.Property(x => x.MaintenanceId).ValueGeneratedNever();
            m.Property(x => x.SensorId).HasMaxLength(64);
            m.HasIndex(x => new { x.SensorId, x.To });
        });
        modelBuilder.Entity<StreamOffsetRow>(o =>
        {
            o.ToTable("stream_offsets");
            o.HasKey(x => x.Stream);
            o.Property(x => x.Stream).HasMaxLength(128);
        });
        Lease.Map(modelBuilder, ReaderLease);

        SnakeCaseColumns.Apply(modelBuilder);
    }
}

// The SQLite flavour (embedded default and tests); migrations in Data/Migrations/Sqlite.
public sealed class SqliteHistoryDbContext(DbContextOptions<SqliteHistoryDbContext> options)
    : HistoryDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
    }
}

// The SQL Server flavour (docker compose); migrations in Data/Migrations/SqlServer.
public sealed class SqlServerHistoryDbContext(DbContextOptions<SqlServerHistoryDbContext> options)
    : HistoryDbContext(options);
