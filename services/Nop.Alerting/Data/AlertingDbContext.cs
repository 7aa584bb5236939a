using Microsoft.EntityFrameworkCore;
using Nop.Alerting.Alerts;
using Nop.Alerting.Maintenance;
using Nop.Persistence;
using Nop.Persistence.Inbox;
using Nop.Persistence.Leases;
using Nop.Persistence.Outbox;

namespace Nop.Alerting.Data;

// Alerting's database: the event log (alert_events), the read model (alerts), inbox,
// outbox, threshold_marks and leases; the maintenance sagas (maintenances) and, as their participant, the
// suppression periods (maintenance_periods). Provider-neutral; SqliteAlertingDbContext
// and SqlServerAlertingDbContext exist so each provider has its own migrations.
public abstract class AlertingDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Alert> Alerts => Set<Alert>();
    public DbSet<AlertEvent> AlertEvents => Set<AlertEvent>();
    public DbSet<InboxEntry> Inbox => Set<InboxEntry>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<ThresholdMark> ThresholdMarks => Set<ThresholdMark>();
    public DbSet<Lease> Leases => Set<Lease>();
    public DbSet<MaintenanceSaga> Maintenances => Set<MaintenanceSaga>();
    public DbSet<SuppressionPeriod> SuppressionPeriods => Set<SuppressionPeriod>();

    // The outbox's sequence column (the alert event's), a shadow property of
    // OutboxMessage.
    public const string OutboxSequence = "Sequence";

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Readable in the database and stable if an enum is reordered.
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Alert>(alert =>
        {
            alert.ToTable("alerts");
            alert.HasKey(a => a.Id);
            alert.Property(a => a.Id).ValueGeneratedNever();
            alert.Property(a => a.SensorId).HasMaxLength(64);
            alert.Property(a => a.Message).HasMaxLength(500);
            alert.Property(a => a.AcknowledgedBy).HasMaxLength(100);
            alert.Property(a => a.AcknowledgeComment).HasMaxLength(1000);
            alert.Property(a => a.ResolvedReason).HasMaxLength(500);
            alert.Property(a => a.CorrelationId).HasMaxLength(128);
            alert.Property(a => a.Version).IsConcurrencyToken();
            alert.Property(a => a.Occurrences).IsConcurrencyToken();
            // One open (or acknowledged) alert per sensor and rule, enforced by the database itself, so two
            // instances racing to raise the same alert cannot both commit. Same SQL for both providers.
            alert.HasIndex(a => new { a.SensorId, a.Rule }).IsUnique().HasFilter("state <> 'Resolved'")
                .HasDatabaseName("ux_alerts_open_per_sensor_rule");
            alert.HasIndex(a => new { a.State, a.RaisedAt });
            alert.HasIndex(a => new { a.SensorId, a.RaisedAt });
        });

        modelBuilder.Entity<AlertEvent>(e =>
        {
            e.ToTable("alert_events");
            e.HasKey(x => new { x.AlertId, x.Sequence });
            e.Property(x => x.By).HasMaxLength(100);
            e.Property(x => x.CorrelationId).HasMaxLength(128);
            e.Property(x => x.CausationId).HasMaxLength(128);
        });

        InboxEntry.Map(modelBuilder);

        OutboxModel.Map(modelBuilder, "outbox", o =>
        {
            // The key is the alert: its events go out in sequence. The sequence is kept for inspection only.
            o.Property(x => x.Key).HasConversion(key => Guid.Parse(key), id => id.ToString());
            o.Property<int>(OutboxSequence);
            o.Property(x => x.CorrelationId).IsRequired();
            OutboxModel.KeepingSentRows(o);
            // Maintenance commands and answers go to nop.commands, alert events to the relay's nop.alerts.
            OutboxModel.WithExchange(o);
        });

        modelBuilder.Entity<MaintenanceSaga>(m =>
        {
            m.ToTable("maintenances");
            m.HasKey(x => x.Id);
            m.Property(x => x.Id).ValueGeneratedNever();
            m.Property(x => x.SensorId).HasMaxLength(64);
            m.Property(x => x.Reason).HasMaxLength(500);
            m.Property(x => x.RequestedBy).HasMaxLength(100);
            m.Property(x => x.PendingParticipant).HasMaxLength(32);
            m.Property(x => x.Detail).HasMaxLength(2000);
            m.Property(x => x.CorrelationId).HasMaxLength(128);
            m.Property(x => x.Version).IsConcurrencyToken();
            m.HasIndex(x => x.DueAt); // the timer's scan
            m.HasIndex(x => new { x.SensorId, x.CreatedAt });
        });

        modelBuilder.Entity<SuppressionPeriod>(p =>
        {
            p.ToTable("maintenance_periods");
            p.HasKey(x => x.MaintenanceId);
            p.Property(x => x.MaintenanceId).ValueGeneratedNever();
            p.Property(x => x.SensorId).HasMaxLength(64);
            p.HasIndex(x => new { x.SensorId, x.From });
        });

        modelBuilder.Entity<ThresholdMark>(m =>
        {
            m.ToTable("threshold_marks");
            m.HasKey(x => new { x.SensorId, x.Rule });
            m.Property(x => x.SensorId).HasMaxLength(64);
            m.Property(x => x.WindowEnd).IsConcurrencyToken();
        });

        SnakeCaseColumns.Apply(modelBuilder);
        modelBuilder.Entity<OutboxMessage>().Property(x => x.Key).HasColumnName("alert_id");
    }
}

// The SQLite flavour (embedded default and tests); migrations in Data/Migrations/Sqlite.
public sealed class SqliteAlertingDbContext(DbContextOptions<SqliteAlertingDbContext> options)
    : AlertingDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        // SQLite has no date type and EF cannot ORDER BY or compare a DateTimeOffset there: store UTC as
        // fixed-width ISO 8601 text, which sorts and compares correctly as a string and stays readable.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTextConverter>();
    }
}

// The SQL Server flavour (docker compose); migrations in Data/Migrations/SqlServer.
public sealed class SqlServerAlertingDbContext(DbContextOptions<SqlServerAlertingDbContext> options)
    : AlertingDbContext(options);
