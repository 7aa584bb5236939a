using System.Globalization;
using Microsoft.Extensions.Logging;
using Nop.Contracts;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Nop.Messaging;

/// <summary>
/// The retry and dead-letter policy of a consumed queue. A delivery whose handler failed waits out the next of the
/// retry delays (<see cref="RabbitMqOptions.RetryDelays"/>, else <see cref="DefaultDelays"/>) in the queue's
/// <c>.retry.N</c> delay queue, which then dead-letters it back to the work queue; the attempt count travels in the
/// <see cref="EnvelopeHeaders.Attempt"/> header. After the last delay, or at once when it cannot be deserialised, it
/// is parked in the queue's <c>.dead</c> queue with the failure in its headers, until an operator replays it
/// (<see cref="DeadLetterReplayer"/>).
/// </summary>
internal sealed class RetryPolicy(string queue, RabbitMqOptions options, MessagePublisher publisher, TimeProvider time,
    ILogger logger)
{
    /// <summary>1 s, 5 s, 25 s: three retries, then the dead queue.</summary>
    public static IReadOnlyList<TimeSpan> DefaultDelays { get; } =
        [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(25)];

    /// <summary>The retry delays in effect: the configured ones, or else the defaults.</summary>
    public static IReadOnlyList<TimeSpan> DelaysOf(RabbitMqOptions options) =>
        options.RetryDelays.Length > 0 ? options.RetryDelays : DefaultDelays;

    /// <summary>Whether a failure of this delivery goes to the dead queue rather than to a retry.</summary>
    public bool IsLastAttempt(MessageEnvelope envelope) => envelope.Attempt >= DelaysOf(options).Count;

    /// <summary>Sends a failed delivery to its next retry delay queue, or to the dead queue after the last.</summary>
    /// <returns>Where it went: <see cref="MessagingTelemetry.Outcomes.Retried"/> (also when it could not be moved and
    /// went back to its queue) or <see cref="MessagingTelemetry.Outcomes.Dead"/>.</returns>
    public async Task<string> RetryOrDeadLetterAsync(Subscription subscription, BasicDeliverEventArgs delivery,
        MessageEnvelope envelope, Exception error, CancellationToken ct)
    {
        var delays = DelaysOf(options);
        if (envelope.Attempt >= delays.Count)
        {
            return await DeadLetterAsync(subscription, delivery, envelope, "handler-failed", error, ct);
        }
        var delay = delays[envelope.Attempt];
        var properties = HeaderValues.Forwarded(delivery.BasicProperties, FromOwnRetry(delivery));
        properties.Expiration = ((long)delay.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        properties.Headers![EnvelopeHeaders.Attempt] = envelope.Attempt + 1;
        properties.Headers[EnvelopeHeaders.OriginalQueue] = queue;
        logger.LogWarning(error,
            "Handling {MessageType} {MessageId} failed (attempt {Attempt} of {Attempts}); retrying in {Delay}",
            envelope.MessageType, envelope.MessageId, envelope.Attempt + 1, delays.Count + 1, delay);
        // To the delay queue of this step (the retry exchange routes by the retry queue's name), not behind longer
        // delays.
        await ForwardAsync(subscription, delivery, Exchanges.RetryOf(queue), properties, ct,
            Queues.RetryOf(queue, envelope.Attempt + 1));
        return MessagingTelemetry.Outcomes.Retried;
    }

    /// <summary>
    /// Parks a delivery in the dead queue with <paramref name="reason"/> (<c>handler-failed</c>, <c>rejected</c> or
    /// <c>undeserialisable</c>) and the exception in its headers.
    /// </summary>
    /// <returns><see cref="MessagingTelemetry.Outcomes.Dead"/>, or <see cref="MessagingTelemetry.Outcomes.Retried"/>
    /// when it could not be moved and went back to its queue.</returns>
    public async Task<string> DeadLetterAsync(Subscription subscription, BasicDeliverEventArgs delivery,
        MessageEnvelope envelope, string reason, Exception error, CancellationToken ct)
    {
        var properties = HeaderValues.Forwarded(delivery.BasicProperties, FromOwnRetry(delivery));
        properties.Expiration = null;
        var headers = properties.Headers!;
        headers[EnvelopeHeaders.OriginalQueue] = queue;
        headers[EnvelopeHeaders.DeadLetterReason] = reason;
        headers[EnvelopeHeaders.ExceptionType] = error.GetType().FullName;
        headers[EnvelopeHeaders.ExceptionMessage] = HeaderValues.Truncate(error.Message, 2_000);
        headers[EnvelopeHeaders.ExceptionStackTrace] = HeaderValues.Truncate(error.ToString(), 8_000);
        headers[EnvelopeHeaders.DeadLetteredAt] = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        logger.LogError(error,
            "Dead-lettered {MessageType} {MessageId} to {DeadQueue} ({Reason}) after {Attempts} attempt(s)",
            envelope.MessageType, envelope.MessageId, Queues.DeadOf(queue), reason, envelope.Attempt + 1);
        return await ForwardAsync(subscription, delivery, Exchanges.DeadOf(queue), properties, ct)
            ? MessagingTelemetry.Outcomes.Dead
            : MessagingTelemetry.Outcomes.Retried;
    }

    private bool FromOwnRetry(BasicDeliverEventArgs delivery) => delivery.Exchange == Exchanges.RetryOf(queue);

    /// <summary>Moves a delivery to the retry or dead queue: publish confirmed first, then ack; never the other way
    /// round. False when it could not, and handed the delivery back to its queue instead.</summary>
    private async Task<bool> ForwardAsync(Subscription subscription, BasicDeliverEventArgs delivery, string exchange,
        BasicProperties properties, CancellationToken ct, string? routingKey = null)
    {
        try
        {
            await publisher.PublishRawAsync(exchange, routingKey ?? queue, properties, delivery.Body,
                mandatory: true, ct);
            await new DeliveryAck(subscription, delivery.DeliveryTag, logger).AckAsync(false, ct);
            return true;
        }
        catch (Exception ex) when (ex is MessagePublishException or OperationCanceledException)
        {
            // Not forwarded: hand it back so nothing is lost. The quorum delivery limit bounds the loop.
            logger.LogWarning(ex, "Could not move {MessageId} to {Exchange}; returning it to {Queue}",
                properties.MessageId, exchange, queue);
            try
            {
                await subscription.Channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true,
                    CancellationToken.None);
            }
            catch (Exception nackError) when (nackError is AlreadyClosedException or OperationInterruptedException
                or ObjectDisposedException)
            {
                // The channel is gone; the broker redelivers the message anyway.
            }
            // Settled either way: a tag the batcher never hears of would hold back every later ack on the channel.
            if (subscription.Batcher is { } batcher)
            {
                await batcher.NackedAsync(delivery.DeliveryTag);
            }
            return false;
        }
    }
}
