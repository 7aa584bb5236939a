using Microsoft.EntityFrameworkCore;
using Nop.Persistence;
using Nop.Persistence.Inbox;
using Nop.Persistence.Leases;
using Nop.Persistence.Outbox;

namespace Nop.Notifier.Data;

// Notifier's database: the alerts it heard of, the deliveries (the once-per-stage record), the inbox of alert events,
// and the outbox that hands due deliveries to the delivery queue. Provider-neutral; each provider has its subclass
// and migrations.
public abstract class NotifierDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<NotifiedAlert> Alerts => Set<NotifiedAlert>();
    public DbSet<Delivery> Deliveries => Set<Delivery>();
    public DbSet<InboxEntry> Inbox => Set<InboxEntry>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<Lease> Leases => Set<Lease>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(16);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<NotifiedAlert>(a =>
        {
            a.ToTable("alerts");
            a.HasKey(x => x.AlertId);
            a.Property(x => x.SensorId).HasMaxLength(64);
            a.Property(x => x.Message).HasMaxLength(500);
            a.Property(x => x.AcknowledgedBy).HasMaxLength(100);
            a.Property(x => x.AcknowledgeComment).HasMaxLength(500);
            a.Property(x => x.ResolvedReason).HasMaxLength(200);
            a.Property(x => x.Version).IsConcurrencyToken();
            // The scheduler's escalation query: open, unacknowledged alerts.
            a.HasIndex(x => new { x.AcknowledgedAt, x.ResolvedAt, x.PlannedAt });
        });
        modelBuilder.Entity<Delivery>(d =>
        {
            d.ToTable("deliveries");
            d.HasKey(x => x.Id);
            d.Property(x => x.Stage).HasMaxLength(32);
            d.Property(x => x.SubscriptionId).HasMaxLength(64);
            d.Property(x => x.Recipient).HasMaxLength(320);
            d.Property(x => x.Detail).HasMaxLength(1000);
            d.Property(x => x.CorrelationId).HasMaxLength(128);
            d.Property(x => x.Version).IsConcurrencyToken();
            d.HasIndex(x => x.AlertId);
            d.HasIndex(x => x.DigestId);
            // The scheduler's query: held rows that are due.
            d.HasIndex(x => new { x.Status, x.DueAt });
        });

        InboxEntry.Map(modelBuilder);
        OutboxModel.Map(modelBuilder, "outbox", o =>
        {
            // Keyed by delivery: every delivery goes out on its own.
            o.Property(x => x.Key).HasMaxLength(64);
            OutboxModel.KeepingSentRows(o);
        });

        SnakeCaseColumns.Apply(modelBuilder);
    }
}

// The SQLite flavour (embedded default and tests); migrations in Data/Migrations/Sqlite.
public sealed class SqliteNotifierDbContext(DbContextOptions<SqliteNotifierDbContext> options)
    : NotifierDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        // Ordered and compared as text (see UtcTextConverter).
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTextConverter>();
    }
}

// The SQL Server flavour (docker compose); migrations in Data/Migrations/SqlServer.
public sealed class SqlServerNotifierDbContext(DbContextOptions<SqlServerNotifierDbContext> options)
    : NotifierDbContext(options);
