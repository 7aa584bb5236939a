namespace Nop.Contracts;

/// <summary>
/// A Processing instance saying it is alive, every second or so, on the fanout exchange
/// <see cref="Exchanges.ProcessingInstances"/>. Every instance hears every other, so all agree (within a heartbeat) on
/// who is running and which aggregator partitions each should hold. Lossy on purpose: transient, with a short expiry.
/// </summary>
/// <param name="InstanceId">Unique per process start.</param>
/// <param name="SentAt">When it was sent (the sender's clock; for logs only).</param>
/// <param name="Leaving">Sent once on a graceful stop, so the others rebalance at once instead of after the
/// time-out.</param>
public sealed record ProcessingInstanceHeartbeat(string InstanceId, DateTimeOffset SentAt, bool Leaving) : IMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.processing-instance-heartbeat.v1";
}
