using RabbitMQ.Client;

namespace Nop.Messaging;

/// <summary>A consumer's channel, and its ack batcher when it acks in batches.</summary>
internal sealed record Subscription(IChannel Channel, AckBatcher? Batcher);
