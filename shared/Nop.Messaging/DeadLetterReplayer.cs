using Microsoft.Extensions.Logging;
using Nop.Contracts;
using RabbitMQ.Client;

namespace Nop.Messaging;

/// <summary>Replays a <c>.dead</c> parking queue back to its work queue once the cause is fixed.</summary>
public sealed class DeadLetterReplayer(
    RabbitMqConnection connection, MessagePublisher publisher, ILogger<DeadLetterReplayer> logger)
{
    /// <summary>
    /// Moves up to <paramref name="max"/> messages from <c>queue.dead</c> to <paramref name="queue"/>, each republished
    /// with confirms before it is removed, with its attempt count reset and the failure headers dropped. Moves at most
    /// the messages the dead queue held when the replay began: a message that fails again at once is parked behind them
    /// and left for the next replay, instead of being picked up again without end.
    /// </summary>
    /// <returns>How many messages were replayed.</returns>
    public async Task<int> ReplayAsync(string queue, int max = int.MaxValue,
        CancellationToken cancellationToken = default)
    {
        var dead = Queues.DeadOf(queue);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        var parked = (await channel.QueueDeclarePassiveAsync(dead, cancellationToken)).MessageCount;
        var limit = (int)Math.Min(parked, (uint)Math.Max(0, max));
        var replayed = 0;
        while (replayed < limit && await channel.BasicGetAsync(dead, autoAck: false, cancellationToken) is { } message)
        {
            // Parked by the service itself (it set the header) or by the broker (the delivery limit: the original
            // properties, user_id included, are intact).
            var properties = HeaderValues.Forwarded(message.BasicProperties, keepOriginal: true);
            var headers = properties.Headers!;
            foreach (var name in new[]
            {
                EnvelopeHeaders.Attempt, EnvelopeHeaders.ExceptionType, EnvelopeHeaders.ExceptionMessage,
                EnvelopeHeaders.ExceptionStackTrace,
                EnvelopeHeaders.DeadLetteredAt, EnvelopeHeaders.DeadLetterReason, "x-death", "x-first-death-exchange",
                "x-first-death-queue", "x-first-death-reason", "x-delivery-count",
            })
            {
                headers.Remove(name);
            }
            properties.Expiration = null;
            // Through the service's own retry exchange, where the work queue is bound by its own name: the service's
            // broker user may write that one, not the default exchange (which reaches every queue).
            await publisher.PublishRawAsync(Exchanges.RetryOf(queue), queue, properties, message.Body, mandatory: true,
                cancellationToken);
            await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
            replayed++;
        }
        await channel.CloseAsync(cancellationToken);
        logger.LogInformation("Replayed {Count} message(s) from {DeadQueue} to {Queue}", replayed, dead, queue);
        return replayed;
    }
}
