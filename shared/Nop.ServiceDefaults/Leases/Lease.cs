using Microsoft.EntityFrameworkCore;

namespace Nop.ServiceDefaults.Leases;

/// <summary>
/// A named lease in a service's own database (table <c>leases</c>): which instance holds it and until when. Lets
/// several instances of a service agree that only one of them does some work at a time (e.g. relay the outbox).
/// </summary>
public sealed class Lease
{
    /// <summary>What the lease is for, e.g. <c>outbox</c>.</summary>
    public required string Name { get; set; }

    /// <summary>The holding instance (<see cref="LeaseKeeper.Holder"/>); empty before anyone took it.</summary>
    public required string Holder { get; set; }

    /// <summary>Unix milliseconds: a number compares the same way on every provider (SQLite has no date
    /// type).</summary>
    public long ExpiresAt { get; set; }

    /// <summary>Maps the table and adds a free row for each name, so taking a lease is always an UPDATE.</summary>
    public static void Map(ModelBuilder modelBuilder, params string[] names) => modelBuilder.Entity<Lease>(e =>
    {
        e.ToTable("leases");
        e.HasKey(l => l.Name);
        e.Property(l => l.Name).HasMaxLength(64);
        e.Property(l => l.Holder).HasMaxLength(200);
        e.HasData(names.Select(name => new Lease { Name = name, Holder = "", ExpiresAt = 0 }));
    });
}
