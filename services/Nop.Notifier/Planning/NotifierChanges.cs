using Nop.Notifier.Data;
using Nop.Persistence;
using Nop.Persistence.Inbox;
using Nop.Persistence.Outbox;

namespace Nop.Notifier.Planning;

// Runs one unit of work on Notifier's database and commits it with the inbox row (when a message is handled) in one
// SaveChanges, then wakes the outbox relay. A write conflict (the scheduler and a handler changed the same row, see
// WriteConflict) or an outage resets the unit of work and runs it again, so decisions are taken on what they commit
// against.
public sealed class NotifierChanges(NotifierDbContext db, EfInbox inbox, DatabaseResilience resilience,
    OutboxSignal signal)
{
    public NotifierDbContext Db => db;

    public async Task RunAsync(Func<CancellationToken, Task> decide, CancellationToken cancellationToken)
    {
        var attempts = 0;
        await resilience.UntilAvailableAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            if (!await inbox.TrackAsync(retry: attempts++ > 0, ct))
                return false; // A racing delivery of the same message committed meanwhile.
            await decide(ct);
            await db.SaveChangesAsync(ct);
            return true;
        }, cancellationToken);
        signal.Notify();
    }
}
