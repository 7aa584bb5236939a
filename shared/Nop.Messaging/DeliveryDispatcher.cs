using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nop.Contracts;
using RabbitMQ.Client.Events;
using Serilog.Context;

namespace Nop.Messaging;

/// <summary>
/// Handles one delivery of a consumed queue: drops a request its requester stopped waiting for, routes by message
/// type, deserialises, skips what the inbox has already seen, runs the handler in its own DI scope, answers a request
/// and acks. A failed handling goes to the <see cref="RetryPolicy"/>, except a request's: that is answered with its
/// error; a <see cref="PermanentFailureException"/> goes straight to the dead queue. Every log line carries
/// CorrelationId, MessageId, MessageType and Queue.
/// </summary>
internal sealed class DeliveryDispatcher(ConsumerBuilder builder, IServiceScopeFactory scopes, RetryPolicy retries,
    ReplySender replies, ILogger logger)
{
    private readonly string _queue = builder.Queue.Name;

    public async Task HandleAsync(Subscription subscription, BasicDeliverEventArgs delivery,
        CancellationToken stoppingToken)
    {
        var envelope = MessageEnvelope.From(delivery.BasicProperties, delivery.Exchange, delivery.RoutingKey,
            delivery.Redelivered);
        var logContext = new DeliveryLogContext(envelope, _queue);
        using var pushed = LogContext.Push(logContext);
        // Current while the handler runs: its logs carry the span's ids, its publishes are the span's children.
        using var activity = MessagingTelemetry.StartProcess(_queue, envelope);
        var started = Stopwatch.GetTimestamp();
        var outcome = await DispatchAsync(subscription, delivery, envelope, logContext, activity, stoppingToken);
        if (outcome is not null)
        {
            MessagingTelemetry.RecordProcess(_queue, started, outcome.Value.Outcome, outcome.Value.Error);
        }
    }

    // What became of the delivery (see MessagingTelemetry.Outcomes), with the handler's error; null when shutdown
    // interrupted it (the broker redelivers it). A ValueTask: a handling that completes at once allocates no task.
    private async ValueTask<(string Outcome, Exception? Error)?> DispatchAsync(Subscription subscription,
        BasicDeliverEventArgs delivery, MessageEnvelope envelope, DeliveryLogContext logContext, Activity? activity,
        CancellationToken stoppingToken)
    {
        if (envelope.PastDeadline)
        {
            // The requester has answered its caller with a time-out: acting now would apply a change behind its back.
            logger.LogWarning("Dropped {MessageType} {MessageId}: its requester stopped waiting at {Deadline:O}",
                envelope.MessageType, envelope.MessageId, envelope.Deadline);
            await new DeliveryAck(subscription, delivery.DeliveryTag, logger).AckAsync(false, stoppingToken);
            return (MessagingTelemetry.Outcomes.Ok, null);
        }
        if (!builder.Routes.TryGetValue(envelope.MessageType, out var route))
        {
            return await DeadLetterAsync(subscription, delivery, envelope, activity,
                new NotSupportedException($"No handler for message type '{envelope.MessageType}' on {_queue}."),
                stoppingToken);
        }

        object? message;
        try
        {
            message = route.Deserialize(delivery.Body);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException)
        {
            return await DeadLetterAsync(subscription, delivery, envelope, activity, ex, stoppingToken);
        }
        if (message is null)
        {
            return await DeadLetterAsync(subscription, delivery, envelope, activity,
                new JsonException("The body is JSON null."), stoppingToken);
        }

        logContext.SensorId = (message as ISensorMessage)?.SensorId;
        var ack = new DeliveryAck(subscription, delivery.DeliveryTag, logger);
        var context = new MessageContext(envelope, _queue, ack) { IsLastAttempt = retries.IsLastAttempt(envelope) };
        var started = Stopwatch.GetTimestamp();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            if (builder.UsesInbox && !await scope.ServiceProvider.GetRequiredService<IInbox>()
                    .TryBeginAsync(_queue, envelope, stoppingToken))
            {
                logger.LogInformation("Skipped {MessageType} {MessageId}: already handled",
                    envelope.MessageType, envelope.MessageId);
                await ack.AckAsync(false, stoppingToken);
                return (MessagingTelemetry.Outcomes.Ok, null);
            }
            var reply = await route.Invoke(scope.ServiceProvider, message, context, stoppingToken);
            if (reply is not null && delivery.BasicProperties.ReplyTo is { Length: > 0 } replyTo)
            {
                await replies.SendAsync(replyTo, envelope, reply.MessageType, reply.Body, error: null, stoppingToken);
            }
            if (!context.AckDeferred)
            {
                await ack.AckAsync(false, stoppingToken);
            }
            if (logger.IsEnabled(LogLevel.Debug)) // its arguments cost an array and a box even when it is off
            {
                logger.LogDebug("Handled {MessageType} {MessageId} in {ElapsedMs:0.0} ms",
                    envelope.MessageType, envelope.MessageId, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            return (MessagingTelemetry.Outcomes.Ok, null);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down mid-handling: leave it unacked, the broker redelivers it to the next consumer.
            return null;
        }
        catch (Exception ex) when (delivery.BasicProperties.ReplyTo is { Length: > 0 } replyTo)
        {
            // A request is answered with its error instead of being retried: the requester is waiting now, not later.
            MessagingTelemetry.Failed(activity, ex);
            logger.LogWarning(ex, "Request {MessageType} {MessageId} failed", envelope.MessageType, envelope.MessageId);
            await replies.SendAsync(replyTo, envelope, envelope.MessageType, [], ex.Message, stoppingToken);
            await ack.AckAsync(false, stoppingToken);
            return (MessagingTelemetry.Outcomes.Ok, ex);
        }
        catch (PermanentFailureException ex)
        {
            MessagingTelemetry.Failed(activity, ex);
            var outcome = await retries.DeadLetterAsync(subscription, delivery, envelope, "rejected", ex,
                stoppingToken);
            return (outcome, ex);
        }
        catch (Exception ex)
        {
            MessagingTelemetry.Failed(activity, ex);
            var outcome = await retries.RetryOrDeadLetterAsync(subscription, delivery, envelope, ex, stoppingToken);
            return (outcome, ex);
        }
    }

    private async Task<(string, Exception?)> DeadLetterAsync(Subscription subscription, BasicDeliverEventArgs delivery,
        MessageEnvelope envelope, Activity? activity, Exception error, CancellationToken stoppingToken)
    {
        MessagingTelemetry.Failed(activity, error);
        var outcome = await retries.DeadLetterAsync(subscription, delivery, envelope, "undeserialisable", error,
            stoppingToken);
        return (outcome, error);
    }
}
