using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nop.Contracts;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;
using Serilog.Context;

namespace Nop.Messaging;

/// <summary>
/// Consumes one queue: bounded prefetch, manual acks only after the handler (and its transaction) completed,
/// delayed retries counted in headers, a <c>.dead</c> parking queue after the last attempt, undeserialisable
/// messages straight to <c>.dead</c>, and a log scope with CorrelationId, MessageId and MessageType.
/// </summary>
public sealed class ConsumerHost : BackgroundService
{
    private readonly ConsumerBuilder _builder;
    private readonly RabbitMqConnection _connection;
    private readonly MessagePublisher _publisher;
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly ILogger<ConsumerHost> _logger;
    private readonly string _queue;

    /// <summary>Creates the host of the queue <paramref name="builder"/> describes.</summary>
    public ConsumerHost(ConsumerBuilder builder, RabbitMqConnection connection, MessagePublisher publisher,
        IServiceScopeFactory scopes, TimeProvider time, ILogger<ConsumerHost> logger)
    {
        (_builder, _connection, _publisher, _scopes, _time, _logger) = (builder, connection, publisher, scopes, time, logger);
        _queue = builder.Queue.Name;
    }

    /// <summary>Completes once the consumer is registered with the broker (for tests and readiness).</summary>
    public Task Started => _started.Task;

    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource? _resubscribe;

    /// <summary>The queue this host consumes.</summary>
    public string Queue => _queue;

    /// <summary>
    /// Cancels the subscription (closing its channel, so unacknowledged messages go back to the queue) and subscribes
    /// again at once. On a single-active-consumer queue that hands the queue to the next waiting consumer and puts this
    /// one at the back of the line: how an instance gives a partition away.
    /// </summary>
    public void Resubscribe() => Volatile.Read(ref _resubscribe)?.TrySetResult();

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            IChannel? channel = null;
            try
            {
                var connection = await _connection.GetConnectionAsync(stoppingToken);
                channel = await connection.CreateChannelAsync(
                    new CreateChannelOptions(false, false, consumerDispatchConcurrency: _builder.Concurrency), stoppingToken);
                await channel.BasicQosAsync(0, _builder.Prefetch ?? _connection.Options.Prefetch, false, stoppingToken);

                // Channel-level errors close only this channel, which automatic recovery does not bring back:
                // notice it and open a new one. Connection losses are left to automatic recovery.
                var brokenChannel = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
                channel.ChannelShutdownAsync += (_, e) =>
                {
                    if (e.Initiator != ShutdownInitiator.Application && connection.IsOpen)
                    {
                        brokenChannel.TrySetResult(e.ReplyText);
                    }
                    return Task.CompletedTask;
                };

                var resubscribe = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref _resubscribe, resubscribe);
                var consumer = new AsyncEventingBasicConsumer(channel);
                var subscription = new Subscription(channel, _builder.AckBatch > 1 ? new AckBatcher(channel, _builder.AckBatch, _logger) : null);
                consumer.ReceivedAsync += (_, delivery) => HandleDeliveryAsync(subscription, delivery, stoppingToken);
                await channel.BasicConsumeAsync(_queue, autoAck: false, consumer, stoppingToken);
                _logger.LogInformation("Consuming {Queue}", _queue);
                _started.TrySetResult();

                if (await Task.WhenAny(brokenChannel.Task, resubscribe.Task).WaitAsync(stoppingToken) == resubscribe.Task)
                {
                    _logger.LogInformation("Re-subscribing to {Queue}", _queue);
                    continue; // after the finally below has closed the channel: no back-off
                }
                _logger.LogWarning("Channel of {Queue} closed by the broker ({Reason}); opening a new one", _queue, await brokenChannel.Task);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Consumer of {Queue} failed; restarting it", _queue);
            }
            finally
            {
                Volatile.Write(ref _resubscribe, null);
                if (channel is not null)
                {
                    await channel.CloseQuietlyAsync();
                }
            }
            await Task.Delay(TimeSpan.FromSeconds(1), _time, CancellationToken.None);
        }
    }

    private async Task HandleDeliveryAsync(Subscription subscription, BasicDeliverEventArgs delivery, CancellationToken stoppingToken)
    {
        var envelope = MessageEnvelope.From(delivery.BasicProperties, delivery.Exchange, delivery.RoutingKey, delivery.Redelivered);
        using var correlation = LogContext.PushProperty("CorrelationId", envelope.CorrelationId);
        using var messageId = LogContext.PushProperty("MessageId", envelope.MessageId);
        using var messageType = LogContext.PushProperty("MessageType", envelope.MessageType);
        using var queue = LogContext.PushProperty("Queue", _queue);

        if (!_builder.Routes.TryGetValue(envelope.MessageType, out var route))
        {
            await DeadLetterAsync(subscription, delivery, envelope, "undeserialisable",
                new NotSupportedException($"No handler for message type '{envelope.MessageType}' on {_queue}."), stoppingToken);
            return;
        }

        object? message;
        try
        {
            message = route.Deserialize(delivery.Body);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException)
        {
            await DeadLetterAsync(subscription, delivery, envelope, "undeserialisable", ex, stoppingToken);
            return;
        }
        if (message is null)
        {
            await DeadLetterAsync(subscription, delivery, envelope, "undeserialisable", new JsonException("The body is JSON null."), stoppingToken);
            return;
        }

        using var sensor = message is ISensorMessage s ? LogContext.PushProperty("SensorId", s.SensorId) : null;
        var ack = new DeliveryAck(subscription, delivery.DeliveryTag, _logger);
        var context = new MessageContext(envelope, _queue, ack);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            if (_builder.UsesInbox && !await scope.ServiceProvider.GetRequiredService<IInbox>().TryBeginAsync(_queue, envelope, stoppingToken))
            {
                _logger.LogInformation("Skipped {MessageType} {MessageId}: already handled", envelope.MessageType, envelope.MessageId);
                await ack.AckAsync(false, stoppingToken);
                return;
            }
            var reply = await route.Invoke(scope.ServiceProvider, message, context, stoppingToken);
            if (reply is not null && delivery.BasicProperties.ReplyTo is { Length: > 0 } replyTo)
            {
                await SendReplyAsync(replyTo, envelope, reply.MessageType, reply.Body, error: null, stoppingToken);
            }
            if (!context.AckDeferred)
            {
                await ack.AckAsync(false, stoppingToken);
            }
            _logger.LogDebug("Handled {MessageType} {MessageId} in {ElapsedMs:0.0} ms", envelope.MessageType, envelope.MessageId,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down mid-handling: leave it unacked, the broker redelivers it to the next consumer.
        }
        catch (Exception ex) when (delivery.BasicProperties.ReplyTo is { Length: > 0 } replyTo)
        {
            // A request is answered with its error instead of being retried: the requester is waiting now, not later.
            _logger.LogWarning(ex, "Request {MessageType} {MessageId} failed", envelope.MessageType, envelope.MessageId);
            await SendReplyAsync(replyTo, envelope, envelope.MessageType, [], ex.Message, stoppingToken);
            await ack.AckAsync(false, stoppingToken);
        }
        catch (Exception ex)
        {
            await RetryOrDeadLetterAsync(subscription, delivery, envelope, ex, stoppingToken);
        }
    }

    private async Task RetryOrDeadLetterAsync(Subscription subscription, BasicDeliverEventArgs delivery, MessageEnvelope envelope, Exception error, CancellationToken ct)
    {
        var delays = _connection.Options.EffectiveRetryDelays;
        if (envelope.Attempt >= delays.Count)
        {
            await DeadLetterAsync(subscription, delivery, envelope, "handler-failed", error, ct);
            return;
        }
        var delay = delays[envelope.Attempt];
        var properties = new BasicProperties(delivery.BasicProperties)
        {
            Headers = CopyHeaders(delivery.BasicProperties.Headers),
            Expiration = ((long)delay.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
        };
        properties.Headers![EnvelopeHeaders.Attempt] = envelope.Attempt + 1;
        properties.Headers[EnvelopeHeaders.OriginalQueue] = _queue;
        _logger.LogWarning(error, "Handling {MessageType} {MessageId} failed (attempt {Attempt} of {Attempts}); retrying in {Delay}",
            envelope.MessageType, envelope.MessageId, envelope.Attempt + 1, delays.Count + 1, delay);
        // To the delay queue of this step (nop.retry routes by the retry queue's name), not behind longer delays.
        await ForwardAsync(subscription, delivery, Exchanges.Retry, properties, ct, Queues.RetryOf(_queue, envelope.Attempt + 1));
    }

    private async Task DeadLetterAsync(Subscription subscription, BasicDeliverEventArgs delivery, MessageEnvelope envelope, string reason, Exception error, CancellationToken ct)
    {
        var properties = new BasicProperties(delivery.BasicProperties)
        {
            Headers = CopyHeaders(delivery.BasicProperties.Headers),
            Expiration = null,
        };
        var headers = properties.Headers!;
        headers[EnvelopeHeaders.OriginalQueue] = _queue;
        headers[EnvelopeHeaders.DeadLetterReason] = reason;
        headers[EnvelopeHeaders.ExceptionType] = error.GetType().FullName;
        headers[EnvelopeHeaders.ExceptionMessage] = Truncate(error.Message, 2_000);
        headers[EnvelopeHeaders.ExceptionStackTrace] = Truncate(error.ToString(), 8_000);
        headers[EnvelopeHeaders.DeadLetteredAt] = _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        _logger.LogError(error, "Dead-lettered {MessageType} {MessageId} to {DeadQueue} ({Reason}) after {Attempts} attempt(s)",
            envelope.MessageType, envelope.MessageId, Queues.DeadOf(_queue), reason, envelope.Attempt + 1);
        await ForwardAsync(subscription, delivery, Exchanges.Dead, properties, ct);
    }

    /// <summary>Moves a delivery to the retry or dead queue: publish confirmed first, then ack; never the other way round.</summary>
    private async Task ForwardAsync(Subscription subscription, BasicDeliverEventArgs delivery, string exchange, BasicProperties properties, CancellationToken ct,
        string? routingKey = null)
    {
        try
        {
            await _publisher.PublishRawAsync(exchange, routingKey ?? _queue, properties, delivery.Body, mandatory: true, ct);
            await new DeliveryAck(subscription, delivery.DeliveryTag, _logger).AckAsync(false, ct);
        }
        catch (Exception ex) when (ex is MessagePublishException or OperationCanceledException)
        {
            // Not forwarded: hand it back so nothing is lost. The quorum delivery limit bounds the loop.
            _logger.LogWarning(ex, "Could not move {MessageId} to {Exchange}; returning it to {Queue}", properties.MessageId, exchange, _queue);
            try
            {
                await subscription.Channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true, CancellationToken.None);
                if (subscription.Batcher is { } batcher)
                {
                    await batcher.NackedAsync(delivery.DeliveryTag);
                }
            }
            catch (Exception nackError) when (nackError is AlreadyClosedException or OperationInterruptedException or ObjectDisposedException)
            {
                // The channel is gone; the broker redelivers the message anyway.
            }
        }
    }

    private async Task SendReplyAsync(string replyTo, MessageEnvelope request, string type, byte[] body, string? error, CancellationToken ct)
    {
        var properties = _publisher.CreateProperties(type, PublishOptions.CausedBy(request));
        properties.Headers![EnvelopeHeaders.InReplyTo] = request.MessageId;
        if (error is not null)
        {
            properties.Headers[EnvelopeHeaders.ReplyError] = Truncate(error, 2_000);
        }
        try
        {
            await _publisher.PublishRawAsync(string.Empty, replyTo, properties, body, mandatory: false, ct);
        }
        catch (MessagePublishException ex)
        {
            // The requester times out; a reply is not worth redelivering the request for.
            _logger.LogWarning(ex, "Could not send the reply to {MessageId}", request.MessageId);
        }
    }

    private static Dictionary<string, object?> CopyHeaders(IDictionary<string, object?>? headers) =>
        headers is null ? [] : new Dictionary<string, object?>(headers);

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];

    /// <summary>A consumer's channel, and its ack batcher when it acks in batches.</summary>
    private sealed record Subscription(IChannel Channel, AckBatcher? Batcher);

    private sealed class DeliveryAck(Subscription subscription, ulong deliveryTag, ILogger logger) : IDeliveryAck
    {
        public ulong DeliveryTag => deliveryTag;

        public async ValueTask AckAsync(bool multiple, CancellationToken cancellationToken = default)
        {
            if (subscription.Batcher is { } batcher)
            {
                // A deferred multiple ack would ack deliveries the batcher still counts as outstanding.
                if (multiple)
                {
                    throw new InvalidOperationException("A consumer that acks in batches cannot also ack with multiple: true.");
                }
                await batcher.AckAsync(deliveryTag);
                return;
            }
            try
            {
                await subscription.Channel.BasicAckAsync(deliveryTag, multiple, CancellationToken.None);
            }
            catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException or ObjectDisposedException)
            {
                // The channel closed after the work was done: the broker redelivers, the inbox or checkpoint recognises it.
                logger.LogWarning("Could not ack delivery {DeliveryTag}: channel closed; it will be redelivered", deliveryTag);
            }
        }
    }
}
