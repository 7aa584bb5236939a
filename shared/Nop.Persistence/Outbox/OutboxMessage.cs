namespace Nop.Alerting.Outbox;

/// <summary>A message to publish, written in the transaction of the alert change it announces (table <c>outbox</c>).</summary>
public sealed class OutboxMessage
{
    /// <summary>Insertion order; the relay publishes in this order (and strictly in sequence per alert).</summary>
    public long Position { get; set; }
    /// <summary>The AMQP message id, fixed when the row is written, so a re-sent row is recognised downstream.</summary>
    public required string MessageId { get; set; }
    /// <summary>The AMQP type, e.g. <c>nop.alert-raised.v1</c>.</summary>
    public required string Type { get; set; }
    public required string RoutingKey { get; set; }
    /// <summary>The message body as JSON.</summary>
    public required string Body { get; set; }
    public required string CorrelationId { get; set; }
    public string? CausationId { get; set; }
    public Guid AlertId { get; set; }
    public int Sequence { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>When the broker confirmed it; null while it still has to be sent.</summary>
    public DateTimeOffset? SentAt { get; set; }
}
