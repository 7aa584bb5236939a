using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Nop.History.Data;
using Nop.Persistence.Leases;

namespace Nop.History.Levels;

// The lease that lets one History instance read the levels stream at a time (a stream read over AMQP 0.9.1 has no
// single active consumer): the reader waits for it before subscribing, and the writer renews it inside each batch's
// transaction, so a batch commits only while its instance still holds it.
public sealed class ReaderLease(IOptions<LevelStreamOptions> options)
{
    // Real time, like the outbox lease: tests that fake a clock must not freeze it.
    private readonly LeaseKeeper _keeper =
        new(HistoryDbContext.ReaderLease, options.Value.ReaderLeaseDuration, TimeProvider.System);
    private volatile bool _held;

    public string Holder => _keeper.Holder;
    public TimeSpan Duration => _keeper.Duration;
    public bool Held => _held;

    // Raised when a holder finds the lease taken by another instance (after a stall longer than the lease).
    public event Action? Lost;

    public async Task<bool> HoldAsync(DbContext db, CancellationToken cancellationToken)
    {
        var held = await _keeper.HoldAsync(db, cancellationToken);
        var was = _held;
        _held = held;
        if (was && !held)
        {
            Lost?.Invoke();
        }
        return held;
    }

    public async Task ReleaseAsync(DbContext db, CancellationToken cancellationToken)
    {
        _held = false;
        await _keeper.ReleaseAsync(db, cancellationToken);
    }
}

// The lease was taken by another instance: this one's batch is not written (the other reads from the stored offset).
public sealed class ReaderLeaseLostException() : Exception("Another instance holds the levels reader's lease");
