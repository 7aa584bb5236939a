using System.Diagnostics;
using System.Text.Json;
using Nop.Contracts;

namespace Nop.Persistence.Outbox;

/// <summary>
/// A message to publish, written in the transaction of the change it announces; the <see cref="OutboxRelay{TContext}"/>
/// publishes it with confirms. Each service maps it to its own table and columns (<see cref="OutboxModel"/>).
/// </summary>
public sealed class OutboxMessage
{
    /// <summary>Insertion order; the relay publishes in this order (and strictly in sequence per <see cref="Key"/>).
    /// </summary>
    public long Position { get; set; }

    /// <summary>The AMQP message id, fixed when the row is written, so a re-sent row is recognised
    /// downstream.</summary>
    public required string MessageId { get; set; }

    /// <summary>The AMQP type, e.g. <c>nop.alert-raised.v1</c>.</summary>
    public required string Type { get; set; }

    /// <summary>The routing key on the relay's exchange (<see cref="OutboxOptions.Exchange"/>), or on
    /// <see cref="Exchange"/> when the row names one.</summary>
    public required string RoutingKey { get; set; }

    /// <summary>Another exchange than the relay's (<see cref="OutboxOptions.Exchange"/>) for this row, where the table
    /// keeps the column (<see cref="OutboxModel.WithExchange"/>); null: the relay's.</summary>
    public string? Exchange { get; set; }

    /// <summary>The message body as JSON.</summary>
    public required string Body { get; set; }

    /// <summary>Carried on from the message that caused this one.</summary>
    public string? CorrelationId { get; set; }

    /// <summary>The message id of the message that caused this one, where the table keeps it.</summary>
    public string? CausationId { get; set; }

    /// <summary>The W3C <c>traceparent</c> of the span that wrote the row (the handling of its cause), where the
    /// table keeps it: the published message then continues that trace.</summary>
    public string? TraceParent { get; set; }

    /// <summary>What the message is about (a sensor, an alert): messages with the same key are published one after
    /// another, each only once the previous one was confirmed; different keys are in flight together.</summary>
    public required string Key { get; set; }

    /// <summary>When the row was written; sent as the AMQP timestamp.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the broker confirmed it, where the table keeps sent rows; null while it still has to be sent.
    /// A table without this column has its rows deleted once confirmed.</summary>
    public DateTimeOffset? SentAt { get; set; }

    /// <summary>
    /// A row for <paramref name="message"/>: its type and JSON body, a new UUID v7 unless <paramref name="messageId"/>
    /// is given, and the current span as its trace parent (the handling of its cause, whose trace the published
    /// message continues).
    /// </summary>
    public static OutboxMessage Of<T>(T message, string routingKey, string key, DateTimeOffset createdAt,
        string? correlationId, string? causationId = null, string? exchange = null, string? messageId = null)
        where T : IMessage => new()
        {
            MessageId = messageId ?? Guid.CreateVersion7().ToString(),
            Type = T.MessageType,
            RoutingKey = routingKey,
            Exchange = exchange,
            Body = JsonSerializer.Serialize(message, MessageTypes.JsonInfo<T>()),
            CorrelationId = correlationId,
            CausationId = causationId,
            TraceParent = Activity.Current?.Id,
            Key = key,
            CreatedAt = createdAt,
        };
}
