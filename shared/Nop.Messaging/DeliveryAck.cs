using Microsoft.Extensions.Logging;
using RabbitMQ.Client.Exceptions;

namespace Nop.Messaging;

/// <summary>Acks one delivery on its subscription's channel, through the ack batcher when there is one.</summary>
internal sealed class DeliveryAck(Subscription subscription, ulong deliveryTag, ILogger logger) : IDeliveryAck
{
    public ulong DeliveryTag => deliveryTag;

    public async ValueTask AckAsync(bool multiple, CancellationToken cancellationToken = default)
    {
        if (subscription.Batcher is { } batcher)
        {
            await (multiple ? batcher.AckUpToAsync(deliveryTag) : batcher.AckAsync(deliveryTag));
            return;
        }
        try
        {
            await subscription.Channel.BasicAckAsync(deliveryTag, multiple, CancellationToken.None);
        }
        catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException
            or ObjectDisposedException)
        {
            // The channel closed after the work was done: the broker redelivers, the inbox or checkpoint
            // recognises it.
            logger.LogWarning("Could not ack delivery {DeliveryTag}: channel closed; it will be redelivered",
                deliveryTag);
        }
    }
}
