using Microsoft.EntityFrameworkCore;
using Nop.Messaging;

namespace Nop.Alerting.Data;

/// <summary>
/// The inbox of <see cref="IInbox"/> on EF Core, scoped with the handler's DbContext: the row is added to the same
/// unit of work and commits with the handler's changes. If two deliveries of one message race, the second commit
/// fails on the (consumer, message id) key, the consumer host retries it, and the retry finds the row and skips.
/// </summary>
public sealed class EfInbox(AlertingDbContext db, DatabaseResilience resilience, TimeProvider time) : IInbox
{
    private InboxEntry? _pending;

    public async Task<bool> TryBeginAsync(string consumer, MessageEnvelope envelope, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(envelope.MessageId))
        {
            return true; // Nothing to recognise it by; handled at least once.
        }
        var seen = await resilience.UntilAvailableAsync(async ct =>
            await db.Inbox.AsNoTracking().AnyAsync(i => i.Consumer == consumer && i.MessageId == envelope.MessageId, ct), cancellationToken);
        if (seen)
        {
            return false;
        }
        _pending = new InboxEntry { Consumer = consumer, MessageId = envelope.MessageId, HandledAt = time.GetUtcNow() };
        db.Inbox.Add(_pending);
        return true;
    }

    /// <summary>Adds the pending row again after the unit of work was reset for a retry.</summary>
    internal void Track()
    {
        if (_pending is not null && db.Entry(_pending).State == EntityState.Detached)
        {
            db.Inbox.Add(_pending);
        }
    }
}
