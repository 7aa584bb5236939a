using Nop.Contracts;

namespace Nop.Messaging;

/// <summary>Handles one message type from a queue. Resolved in its own DI scope per message.
/// The message is acknowledged when this returns (unless the handler deferred the ack); throwing hands it to the
/// queue's <see cref="RetryPolicy"/>: retried after a delay, parked in the dead queue after the last.</summary>
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
