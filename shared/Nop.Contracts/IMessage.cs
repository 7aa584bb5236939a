namespace Nop.Contracts;

/// <summary>A message that travels over RabbitMQ. Its type name is stable and versioned
/// (<c>nop.&lt;kebab-name&gt;.v1</c>).</summary>
public interface IMessage
{
    /// <summary>The AMQP <c>type</c> property of this message, e.g. <c>nop.reading-received.v1</c>.</summary>
    static abstract string MessageType { get; }
}

/// <summary>A message addressed to one sensor; its id becomes part of the routing key and of every log line.</summary>
public interface ISensorMessage
{
    /// <summary>The sensor the message is about.</summary>
    string SensorId { get; }
}
