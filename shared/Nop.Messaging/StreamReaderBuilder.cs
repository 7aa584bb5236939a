using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Nop.Contracts;

namespace Nop.Messaging;

/// <summary>Declares which message types a stream reader handles, where it starts, and how it treats
/// failures.</summary>
public sealed class StreamReaderBuilder(IServiceCollection services, StreamReaderDefinition reader)
{
    internal Dictionary<string, Route> Routes { get; } = new(StringComparer.Ordinal);

    /// <summary>The reader and its stream.</summary>
    public StreamReaderDefinition Reader { get; } = reader;

    /// <summary>Deliveries the broker sends ahead of the acks (a stream needs a prefetch; an ack only returns
    /// credit, nothing is removed).</summary>
    public ushort Prefetch { get; set; } = 1000;

    /// <summary>Attempts at handling a delivery, in process and one after another, before it is parked in the dead
    /// queue and the reader moves on (a stream message cannot be requeued).</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The wait after a failed attempt; doubled after each.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Where to start, asked before every subscription (at start, after a connection loss, after
    /// <see cref="StreamReaderHost.Restart"/>): typically after the last offset the service has stored. It may wait
    /// (e.g. for a lease, so one instance reads at a time). Default: <see cref="StreamOffset.Next"/>.
    /// </summary>
    public Func<IServiceProvider, CancellationToken, Task<StreamOffset>> StartAt { get; set; } =
        (_, _) => Task.FromResult(StreamOffset.Next);

    /// <summary>Handle messages of type <typeparamref name="TMessage"/> with <typeparamref name="THandler"/>; the
    /// handler finds the delivery's offset in <see cref="MessageContext.StreamOffset"/>.</summary>
    public StreamReaderBuilder Handle<TMessage, THandler>()
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
}
