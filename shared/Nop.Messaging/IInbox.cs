namespace Nop.Messaging;

/// <summary>
/// Idempotency for consumers with a database: implemented by a service, scoped, sharing the handler's unit of work.
/// <see cref="TryBeginAsync"/> records the message id in the same transaction the handler commits, so the record and
/// the handler's changes land together or not at all.
/// </summary>
public interface IInbox
{
    /// <summary>False when this consumer has already handled the message (it is then acked and skipped).</summary>
    Task<bool> TryBeginAsync(string consumer, MessageEnvelope envelope, CancellationToken cancellationToken);
}
