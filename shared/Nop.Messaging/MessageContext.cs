namespace Nop.Messaging;

/// <summary>What a handler knows about the message it handles.</summary>
public sealed class MessageContext(MessageEnvelope envelope, string queue, IDeliveryAck delivery)
{
    /// <summary>The received envelope.</summary>
    public MessageEnvelope Envelope { get; } = envelope;

    /// <summary>The queue it was consumed from.</summary>
    public string Queue { get; } = queue;

    /// <summary>True when a failure of this handling parks the message in the dead queue instead of retrying it (the
    /// retry delays are used up), so a handler can record the failure as final.</summary>
    public bool IsLastAttempt { get; init; }

    /// <summary>On a delivery from a stream: its offset in the stream (header <c>x-stream-offset</c>); null on a
    /// queue's. A reader that keeps its position stores the offset after the last one it has applied.</summary>
    public long? StreamOffset { get; init; }

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
