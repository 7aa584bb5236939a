using Microsoft.EntityFrameworkCore;
using Nop.Persistence.Leases;
using Nop.Persistence.Outbox;

namespace Nop.Processing.Data;

// One aggregator partition's checkpoint header. Version goes up with every checkpoint; a
// checkpoint only commits when the version it started from is still current (optimistic concurrency), so an
// instance holding stale state can never overwrite a newer checkpoint.
public sealed class PartitionCheckpoint
{
    public int Partition { get; set; }

    public long Version { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

// One checkpoint's state of a partition: the Aggregation.SensorAggregateCodec blob of the sensors it
// changed (a delta) or of all of them (a snapshot). A partition's state is its latest snapshot with the later deltas
// applied in version order; writing a snapshot deletes the rows before it.
public sealed class PartitionStateRow
{
    public int Partition { get; set; }

    // The PartitionCheckpoint.Version the checkpoint wrote.
    public long Version { get; set; }

    public bool IsSnapshot { get; set; }

    public required byte[] Blob { get; set; }
}

// The previous version's per-sensor state (JSON), read only to convert an old checkpoint; see
// WindowReadingRow.
public sealed class SensorStateRow
{
    public required string SensorId { get; set; }

    public int Partition { get; set; }

    public required string State { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

// The previous version's checkpoint kept a row per reading of each open or recently closed window; read only
// to convert an old checkpoint, then deleted.
public sealed class WindowReadingRow
{
    public required string SensorId { get; set; }

    public required string ReadingId { get; set; }

    public DateTimeOffset WindowStart { get; set; }

    public double Laeq { get; set; }

    public double? Lamax { get; set; }

    public double? Duration { get; set; }
}

// Processing's own database: aggregator checkpoints, the outbox, the outbox relay's lease and maintenance periods.
public abstract class ProcessingDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<PartitionCheckpoint> Partitions => Set<PartitionCheckpoint>();

    public DbSet<SensorStateRow> SensorStates => Set<SensorStateRow>();

    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    public DbSet<WindowReadingRow> WindowReadings => Set<WindowReadingRow>();

    public DbSet<PartitionStateRow> PartitionStates => Set<PartitionStateRow>();

    public DbSet<Lease> Leases => Set<Lease>();

    public DbSet<MaintenancePeriodRow> MaintenancePeriods => Set<MaintenancePeriodRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<PartitionCheckpoint>(e =>
        {
            e.ToTable("aggregator_partitions");
            e.HasKey(p => p.Partition);
            e.Property(p => p.Partition).ValueGeneratedNever();
        });
        modelBuilder.Entity<PartitionStateRow>(e =>
        {
            e.ToTable("aggregator_states");
            e.HasKey(r => new { r.Partition, r.Version });
        });
        modelBuilder.Entity<SensorStateRow>(e =>
        {
            e.ToTable("sensor_states");
            e.HasKey(s => s.SensorId);
            e.Property(s => s.SensorId).HasMaxLength(64);
            e.HasIndex(s => s.Partition);
        });
        modelBuilder.Entity<WindowReadingRow>(e =>
        {
            e.ToTable("window_readings");
            e.HasKey(r => new { r.SensorId, r.ReadingId });
            e.Property(r => r.SensorId).HasMaxLength(64);
            e.Property(r => r.ReadingId).HasMaxLength(128);
            e.HasIndex(r => new { r.SensorId, r.WindowStart });
        });
        modelBuilder.Entity<MaintenancePeriodRow>(e =>
        {
            e.ToTable("maintenance_periods");
            e.HasKey(m => m.MaintenanceId);
            e.Property(m => m.MaintenanceId).ValueGeneratedNever();
            e.Property(m => m.SensorId).HasMaxLength(64);
        });
        // Events written in the checkpoint's transaction (see OutboxInserts); the relay publishes a sensor's events
        // in order, then deletes them (the table keeps no sent_at, causation id or traceparent).
        OutboxModel.Map(modelBuilder, "outbox_messages", e =>
        {
            e.Property(o => o.Position).HasColumnName("Id");
            e.Property(o => o.MessageId).HasMaxLength(64);
            e.Property(o => o.Type).HasColumnName("MessageType").HasMaxLength(128);
            e.Property(o => o.RoutingKey).HasMaxLength(256);
            e.Property(o => o.Key).HasColumnName("SensorId").HasMaxLength(64);
            e.Property(o => o.CorrelationId).HasMaxLength(128);
            e.Ignore(o => o.CausationId);
            e.Ignore(o => o.SentAt);
            // A window's events sum up many readings' traces, none of which is theirs.
            e.Ignore(o => o.TraceParent);
        });
    }
}

// The SQLite flavour (default; its migrations are in Data/Migrations/Sqlite).
public sealed class SqliteProcessingDbContext(DbContextOptions<SqliteProcessingDbContext> options)
    : ProcessingDbContext(options);

// The SQL Server flavour (docker compose; its migrations are in Data/Migrations/SqlServer).
public sealed class SqlServerProcessingDbContext(DbContextOptions<SqlServerProcessingDbContext> options)
    : ProcessingDbContext(options);
