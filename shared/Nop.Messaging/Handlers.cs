using Nop.Contracts;

namespace Nop.Messaging;

/// <summary>Handles one message type from a queue. Resolved in its own DI scope per message.
/// The message is acknowledged when this returns (unless the handler deferred the ack); throwing makes it
/// retry.</summary>
public interface IMessageHandler<in T> where T : IMessage
{
    /// <summary>Handles the message; must be idempotent or rely on the inbox, since delivery is at least
    /// once.</summary>
    Task HandleAsync(T message, MessageContext context, CancellationToken cancellationToken);
}

/// <summary>Answers a request received over request/reply; the returned value is sent to the requester.</summary>
public interface IRequestHandler<in TRequest, TReply> where TRequest : IMessage where TReply : IMessage
{
    /// <summary>Produces the reply.</summary>
    Task<TReply> HandleAsync(TRequest request, MessageContext context, CancellationToken cancellationToken);
}

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

/// <summary>Lets a handler acknowledge a delivery later, e.g. after a checkpoint that covers many messages.</summary>
public interface IDeliveryAck
{
    /// <summary>The delivery tag on the consumer's channel.</summary>
    ulong DeliveryTag { get; }

    /// <summary>Acknowledges this delivery, and with <paramref name="multiple"/> every earlier one on the channel.
    /// A stale ack (the channel was recovered since) is ignored: those messages are redelivered.</summary>
    ValueTask AckAsync(bool multiple, CancellationToken cancellationToken = default);
}

/// <summary>What a handler knows about the message it handles.</summary>
public sealed class MessageContext(MessageEnvelope envelope, string queue, IDeliveryAck delivery)
{
    /// <summary>The received envelope.</summary>
    public MessageEnvelope Envelope { get; } = envelope;

    /// <summary>The queue it was consumed from.</summary>
    public string Queue { get; } = queue;

    internal bool AckDeferred { get; private set; }

    /// <summary>Takes over the acknowledgement: the host will not ack this delivery when the handler returns.</summary>
    public IDeliveryAck DeferAck()
    {
        AckDeferred = true;
        return delivery;
    }

    /// <summary>Publish options for a message caused by this one (same correlation id, causation id = this
    /// id).</summary>
    public PublishOptions CausedBy(string? messageId = null) => PublishOptions.CausedBy(Envelope, messageId);
}
