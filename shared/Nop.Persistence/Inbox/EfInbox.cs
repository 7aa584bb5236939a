using Microsoft.EntityFrameworkCore;
using Nop.Messaging;

namespace Nop.Persistence.Inbox;

/// <summary>
/// The inbox of <see cref="IInbox"/> on EF Core, scoped with the handler's DbContext: the row is added to the same
/// unit of work and commits with the handler's changes. If two deliveries of one message race, the second commit
/// fails on the (consumer, message id) key, a write conflict (<see cref="WriteConflict"/>): the handler's retry
/// calls <see cref="TrackAsync"/>, finds the row and skips.
/// </summary>
/// <param name="db">The handler's context (scoped); its model maps <see cref="InboxEntry"/>.</param>
/// <param name="resilience">Waits out a database outage while looking for the message.</param>
/// <param name="time">Stamps <see cref="InboxEntry.HandledAt"/>.</param>
public sealed class EfInbox(DbContext db, DatabaseResilience resilience, TimeProvider time) : IInbox
{
    private InboxEntry? _pending;

    private DbSet<InboxEntry> Entries => db.Set<InboxEntry>();

    /// <inheritdoc />
    public async Task<bool> TryBeginAsync(string consumer, MessageEnvelope envelope,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(envelope.MessageId))
        {
            return true; // Nothing to recognise it by; handled at least once.
        }
        var seen = await resilience.UntilAvailableAsync(async ct => await Entries.AsNoTracking()
            .AnyAsync(i => i.Consumer == consumer && i.MessageId == envelope.MessageId, ct), cancellationToken);
        if (seen)
        {
            return false;
        }
        _pending = new InboxEntry { Consumer = consumer, MessageId = envelope.MessageId, HandledAt = time.GetUtcNow() };
        Entries.Add(_pending);
        return true;
    }

    /// <summary>
    /// Adds the pending row (again) to a unit of work that was reset. On a retry it first looks whether another
    /// delivery of the same message committed meanwhile (the conflict that caused the retry may have been its inbox
    /// row): then false, and the message must not be handled again.
    /// </summary>
    public async Task<bool> TrackAsync(bool retry, CancellationToken cancellationToken)
    {
        if (_pending is not { } pending)
        {
            return true;
        }
        if (retry && await Entries.AsNoTracking()
            .AnyAsync(i => i.Consumer == pending.Consumer && i.MessageId == pending.MessageId, cancellationToken))
        {
            _pending = null;
            return false;
        }
        if (db.Entry(pending).State == EntityState.Detached)
        {
            Entries.Add(pending);
        }
        return true;
    }
}
