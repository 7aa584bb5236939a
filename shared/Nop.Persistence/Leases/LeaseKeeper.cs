using Microsoft.EntityFrameworkCore;

namespace Nop.Persistence.Leases;

/// <summary>
/// Takes and renews one <see cref="Lease"/> for this instance. Taking and renewing are one conditional UPDATE
/// ("mine or expired"), atomic on SQLite and SQL Server alike, so of several instances at most one holds it. The
/// holder renews after a third of the lease has passed; an instance that stops without releasing it (a crash) is
/// replaced once the lease expires. Expiry is compared with each instance's own clock: clocks must agree to well
/// within <see cref="Duration"/>. Work started just before a lease is lost may overlap the next holder's briefly,
/// so what it protects must stay idempotent (outbox rows carry their message ids; inboxes drop repeats).
/// </summary>
public sealed class LeaseKeeper(string name, TimeSpan duration, TimeProvider time)
{
    private long _renewAfter;
    private long _heldUntil;
    private long _nextAttempt;

    /// <summary>This instance's id, written into the lease row while it holds it.</summary>
    public string Holder { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>How long a taken or renewed lease lasts.</summary>
    public TimeSpan Duration => duration;

    /// <summary>
    /// True, without asking the database, while a lease this instance took or renewed still has more than a third of
    /// <see cref="Duration"/> left: for a caller that renews off its own path once <see cref="RenewalDue"/> (a renewal
    /// is a commit, i.e. a disk sync) and calls <see cref="HoldAsync"/> itself only when this is false.
    /// </summary>
    public bool HeldForNow => time.GetUtcNow().ToUnixTimeMilliseconds() < Interlocked.Read(ref _heldUntil);

    /// <summary>True once a third of the held lease has passed: the next <see cref="HoldAsync"/> renews it.</summary>
    public bool RenewalDue => time.GetUtcNow().ToUnixTimeMilliseconds() >= Interlocked.Read(ref _renewAfter);

    /// <summary>
    /// True while this instance holds the lease, taking or renewing it in <paramref name="db"/> when due. Someone
    /// else's lease is looked at again only after a third of <see cref="Duration"/>, so waiting costs few writes.
    /// A database failure propagates: a holder that cannot renew stops being one when its lease runs out.
    /// </summary>
    public async Task<bool> HoldAsync(DbContext db, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (now < Interlocked.Read(ref _renewAfter))
        {
            return true;
        }
        if (now < Interlocked.Read(ref _nextAttempt))
        {
            return false;
        }
        var until = now + (long)duration.TotalMilliseconds;
        var holder = Holder;
        var taken = await db.Set<Lease>()
            .Where(l => l.Name == name && (l.Holder == holder || l.ExpiresAt < now))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Holder, holder).SetProperty(l => l.ExpiresAt, until),
                cancellationToken) == 1;
        var third = (long)(duration.TotalMilliseconds / 3);
        Interlocked.Exchange(ref _renewAfter, taken ? now + third : 0);
        Interlocked.Exchange(ref _heldUntil, taken ? now + 2 * third : 0);
        Interlocked.Exchange(ref _nextAttempt, taken ? 0 : now + third);
        return taken;
    }

    /// <summary>Gives the lease up (on a graceful stop), so another instance takes it without waiting for
    /// expiry.</summary>
    public async Task ReleaseAsync(DbContext db, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _renewAfter, 0);
        Interlocked.Exchange(ref _heldUntil, 0);
        var holder = Holder;
        await db.Set<Lease>().Where(l => l.Name == name && l.Holder == holder)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, 0L), cancellationToken);
    }
}
