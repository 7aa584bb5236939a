using System.Text;
using Nop.Contracts;
using RabbitMQ.Client;

namespace Nop.Messaging;

/// <summary>The envelope of a received message (docs/architecture.md §4): AMQP properties and NOP headers.</summary>
public sealed record MessageEnvelope(
    string MessageId,
    string CorrelationId,
    string? CausationId,
    string MessageType,
    DateTimeOffset Timestamp,
    string? TraceParent,
    string Exchange,
    string RoutingKey,
    bool Redelivered,
    int Attempt)
{
    // The causation id and traceparent as the client handed them over (UTF-8 bytes) until first read: most handlings
    // read neither, and decoding them cost a string each per delivery.
    private object? _causationId = CausationId;
    private object? _traceParent = TraceParent;

    /// <summary>The message id of the message whose handling caused this one (header <c>causation-id</c>).</summary>
    public string? CausationId
    {
        get => _causationId as string ?? (string?)(_causationId = HeaderText(_causationId));
        init => _causationId = value;
    }

    /// <summary>The W3C traceparent of the publish (header <c>traceparent</c>).</summary>
    public string? TraceParent
    {
        get => _traceParent as string ?? (string?)(_traceParent = HeaderText(_traceParent));
        init => _traceParent = value;
    }

    /// <summary>For a request: when its requester stops waiting (header <c>x-nop-deadline</c>); null
    /// otherwise.</summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>
    /// The AMQP <c>user_id</c> property: the broker user that published this delivery. RabbitMQ refuses a publish
    /// whose user_id is not the connection's authenticated user (https://www.rabbitmq.com/docs/validated-user-id), so
    /// a non-null value is proven; null when the publisher set none. A retried or replayed message carries the
    /// consuming service's own user (it republished it).
    /// </summary>
    public string? UserId { get; init; }

    /// <summary>
    /// True once the requester has stopped waiting: it has told its caller "timed out", so acting now would make a
    /// change nobody expects. On the wall clock on purpose: the deadline comes from another process's clock, and tests
    /// fake a service's own clock.
    /// </summary>
    public bool PastDeadline => Deadline is { } deadline && deadline < DateTimeOffset.UtcNow;

    internal static MessageEnvelope From(IReadOnlyBasicProperties props, string exchange, string routingKey,
        bool redelivered)
    {
        return new(
            MessageId: props.MessageId ?? string.Empty,
            CorrelationId: props.CorrelationId ?? props.MessageId ?? string.Empty,
            CausationId: null,
            MessageType: props.Type ?? string.Empty,
            Timestamp: props.Timestamp.UnixTime > 0
                ? DateTimeOffset.FromUnixTimeSeconds(props.Timestamp.UnixTime)
                : DateTimeOffset.MinValue,
            TraceParent: null,
            Exchange: exchange,
            RoutingKey: routingKey,
            Redelivered: redelivered,
            Attempt: HeaderInt(props.Headers, EnvelopeHeaders.Attempt))
        {
            Deadline = HeaderLong(props.Headers, EnvelopeHeaders.Deadline) is { } ms
                ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
                : null,
            UserId = props.UserId,
            _causationId = HeaderValue(props.Headers, EnvelopeHeaders.CausationId),
            _traceParent = HeaderValue(props.Headers, EnvelopeHeaders.TraceParent),
        };
    }

    /// <summary>Reads a header the way RabbitMQ.Client hands it over: strings arrive as UTF-8 bytes.</summary>
    internal static string? HeaderString(IDictionary<string, object?>? headers, string name) =>
        HeaderText(HeaderValue(headers, name));

    private static object? HeaderValue(IDictionary<string, object?>? headers, string name) =>
        headers is not null && headers.TryGetValue(name, out var value) ? value : null;

    private static string? HeaderText(object? value) => value switch
    {
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        string s => s,
        null => null,
        _ => value.ToString(),
    };

    internal static long? HeaderLong(IDictionary<string, object?>? headers, string name) =>
        headers is not null && headers.TryGetValue(name, out var value) ? value switch
        {
            long l => l,
            int i => i,
            byte[] bytes when long.TryParse(Encoding.UTF8.GetString(bytes), out var parsed) => parsed,
            _ => null,
        } : null;

    internal static int HeaderInt(IDictionary<string, object?>? headers, string name) =>
        headers is not null && headers.TryGetValue(name, out var value) ? value switch
        {
            int i => i,
            long l => (int)l,
            byte b => b,
            short s => s,
            byte[] bytes when int.TryParse(Encoding.UTF8.GetString(bytes), out var parsed) => parsed,
            _ => 0,
        } : 0;
}

/// <summary>How to stamp the envelope of an outgoing message.</summary>
public sealed record PublishOptions
{
    /// <summary>A deterministic message id (e.g. hash of sensor, window, event type); a new UUID v7 when
    /// null.</summary>
    public string? MessageId { get; init; }

    /// <summary>The correlation id to carry on; a new one (the message id) when null.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>The message id of the message whose handling caused this one.</summary>
    public string? CausationId { get; init; }

    /// <summary>The W3C traceparent of the cause; the new message keeps its trace id.</summary>
    public string? TraceParent { get; init; }

    /// <summary>Fail with <see cref="PublishFailure.Unroutable"/> when no queue is bound for the routing key.</summary>
    public bool Mandatory { get; init; } = true;

    /// <summary>Options for a message published while handling <paramref name="cause"/>: same correlation id, causation
    /// = its id.</summary>
    public static PublishOptions CausedBy(MessageEnvelope cause, string? messageId = null) => new()
    {
        CorrelationId = cause.CorrelationId,
        CausationId = cause.MessageId,
        TraceParent = cause.TraceParent,
        MessageId = messageId,
    };
}
