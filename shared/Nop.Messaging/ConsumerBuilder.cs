using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Nop.Contracts;

namespace Nop.Messaging;

/// <summary>A reply produced by a request handler, ready to send.</summary>
internal sealed record Reply(string MessageType, byte[] Body);

/// <summary>How one message type is deserialised and handled.</summary>
internal sealed record Route(
    Func<ReadOnlyMemory<byte>, object?> Deserialize,
    Func<IServiceProvider, object, MessageContext, CancellationToken, Task<Reply?>> Invoke);

/// <summary>Declares which message types a queue's consumer handles, and how.</summary>
public sealed class ConsumerBuilder(IServiceCollection services, QueueDefinition queue)
{
    internal Dictionary<string, Route> Routes { get; } = new(StringComparer.Ordinal);

    /// <summary>The queue consumed.</summary>
    public QueueDefinition Queue { get; } = queue;

    /// <summary>Handlers running at once on this consumer's channel (1 keeps delivery order).</summary>
    public ushort Concurrency { get; set; } = 1;

    /// <summary>Overrides <see cref="RabbitMqOptions.Prefetch"/> for this consumer.</summary>
    public ushort? Prefetch { get; set; }

    /// <summary>Checks the scoped <see cref="IInbox"/> before each handling and skips duplicates.</summary>
    public bool UsesInbox { get; private set; }

    /// <summary>Handle messages of type <typeparamref name="TMessage"/> with <typeparamref name="THandler"/>.</summary>
    public ConsumerBuilder Handle<TMessage, THandler>()
        where TMessage : IMessage
        where THandler : class, IMessageHandler<TMessage>
    {
        services.TryAddScoped<THandler>();
        var json = MessageTypes.JsonInfo<TMessage>();
        Routes[TMessage.MessageType] = new Route(
            body => JsonSerializer.Deserialize(body.Span, json),
            async (provider, message, context, ct) =>
            {
                await provider.GetRequiredService<THandler>().HandleAsync((TMessage)message, context, ct);
                return null;
            });
        return this;
    }

    /// <summary>Answer requests of type <typeparamref name="TRequest"/> with <typeparamref name="THandler"/>'s
    /// reply.</summary>
    public ConsumerBuilder Answer<TRequest, TReply, THandler>()
        where TRequest : IMessage
        where TReply : IMessage
        where THandler : class, IRequestHandler<TRequest, TReply>
    {
        services.TryAddScoped<THandler>();
        var requestJson = MessageTypes.JsonInfo<TRequest>();
        var replyJson = MessageTypes.JsonInfo<TReply>();
        Routes[TRequest.MessageType] = new Route(
            body => JsonSerializer.Deserialize(body.Span, requestJson),
            async (provider, message, context, ct) =>
            {
                var reply = await provider.GetRequiredService<THandler>().HandleAsync((TRequest)message, context, ct);
                return new Reply(TReply.MessageType, JsonSerializer.SerializeToUtf8Bytes(reply, replyJson));
            });
        return this;
    }

    /// <summary>
    /// Acknowledge in batches of up to this many deliveries (<c>multiple: true</c>; a partial batch after a few
    /// milliseconds) instead of one ack per message. 1 acks each message at once. The default, 50, saves the broker
    /// most of its per-ack work (on a quorum queue every ack is a log entry): about a quarter more messages per second.
    /// A handler that defers its ack and acks with <c>multiple: true</c> settles everything up to its delivery at once.
    /// </summary>
    public int AckBatch { get; set; } = DefaultAckBatch;

    /// <summary>The default of <see cref="AckBatch"/>.</summary>
    public const int DefaultAckBatch = 50;

    /// <summary>Skip messages the service's <see cref="IInbox"/> has already seen.</summary>
    public ConsumerBuilder UseInbox()
    {
        UsesInbox = true;
        return this;
    }
}
