namespace Nop.Messaging;

/// <summary>Lets a handler acknowledge a delivery later, e.g. after a checkpoint that covers many messages.</summary>
public interface IDeliveryAck
{
    /// <summary>The delivery tag on the consumer's channel.</summary>
    ulong DeliveryTag { get; }

    /// <summary>Acknowledges this delivery, and with <paramref name="multiple"/> every earlier one on the channel.
    /// A stale ack (the channel was recovered since) is ignored: those messages are redelivered.</summary>
    ValueTask AckAsync(bool multiple, CancellationToken cancellationToken = default);
}
