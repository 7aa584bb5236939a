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
    private volatile string? _notConsumingBecause = "not subscribed yet";
    private TaskCompletionSource? _recovery;

    /// <summary>The queue this host consumes.</summary>
    public string Queue => _queue;

    /// <summary>Null while the queue is consumed; else why not (for readiness).</summary>
    public string? NotConsumingBecause => _notConsumingBecause;

    /// <summary>
    /// Cancels the subscription (closing its channel, so unacknowledged messages go back to the queue) and subscribes
    /// again at once. On a single-active-consumer queue that hands the queue to the next waiting consumer and puts this
    /// one at the back of the line: how an instance gives a partition away.
    /// </summary>
    public void Resubscribe() => Volatile.Read(ref _resubscribe)?.TrySetResult();

    /// <summary>Longest wait between attempts to subscribe again after the broker refused or cancelled it.</summary>
    internal static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(8);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _connection.Recovered += OnRecoveredAsync;
        try
        {
            await ConsumeAsync(stoppingToken);
        }
        finally
        {
            _connection.Recovered -= OnRecoveredAsync;
        }
    }

    private Task OnRecoveredAsync()
    {
        Volatile.Read(ref _recovery)?.TrySetResult();
        return Task.CompletedTask;
    }

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            IChannel? channel = null;
            var connectionLost = false;
            TaskCompletionSource? recovery = null;
            try
            {
                var connection = await _connection.GetConnectionAsync(stoppingToken);
                channel = await connection.CreateChannelAsync(
                    new CreateChannelOptions(false, false, consumerDispatchConcurrency: _builder.Concurrency), stoppingToken);
                await channel.BasicQosAsync(0, _builder.Prefetch ?? _connection.Options.Prefetch, false, stoppingToken);

                // A subscription lives as long as its channel's first incarnation. Automatic recovery would bring the
                // channel back with delivery tags offset past every tag of the old one, including deliveries it dropped
                // at the loss, which no handler ever settles; an ack batcher would wait for them for ever. So on any
                // shutdown the channel is dropped (which also takes it out of recovery) and a fresh one is opened.
                var ended = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
                channel.ChannelShutdownAsync += (_, e) =>
                {
                    if (e.Initiator != ShutdownInitiator.Application)
                    {
                        connectionLost = !connection.IsOpen;
                        if (connectionLost)
                        {
                            // Before recovery can finish: its end is awaited below.
                            recovery = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                            Volatile.Write(ref _recovery, recovery);
                        }
                        ended.TrySetResult(e.ReplyText);
                    }
                    return Task.CompletedTask;
                };

                var resubscribe = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref _resubscribe, resubscribe);
                var consumer = new AsyncEventingBasicConsumer(channel);
                // This host never cancels its own consumer (it closes the channel): a cancel comes from the broker,
                // when the queue was deleted (or deleted and declared again).
                consumer.UnregisteredAsync += (_, _) =>
                {
                    ended.TrySetResult("the broker cancelled the consumer (queue deleted?)");
                    return Task.CompletedTask;
                };
                var batcher = _builder.AckBatch > 1 ? new AckBatcher(channel, _builder.AckBatch, _logger) : null;
                var subscription = new Subscription(channel, batcher);
                consumer.ReceivedAsync += (_, delivery) => HandleDeliveryAsync(subscription, delivery, stoppingToken);
                await channel.BasicConsumeAsync(_queue, autoAck: false, consumer, stoppingToken);
                _logger.LogInformation("Consuming {Queue}", _queue);
                _notConsumingBecause = null;
                backoff = TimeSpan.FromSeconds(1);
                _started.TrySetResult();

                if (await Task.WhenAny(ended.Task, resubscribe.Task).WaitAsync(stoppingToken) == resubscribe.Task)
                {
                    _logger.LogInformation("Re-subscribing to {Queue}", _queue);
                    continue; // after the finally below has closed the channel: no back-off
                }
                var reason = await ended.Task;
                _notConsumingBecause = $"{_queue} not consumed: {reason}";
                if (connectionLost)
                {
                    _notConsumingBecause = $"{_queue} not consumed: the broker connection is recovering ({reason})";
                    _logger.LogWarning(
                        "Consumer of {Queue} lost its connection ({Reason}); subscribing again once it is back",
                        _queue, reason);
                }
                else
                {
                    _logger.LogWarning("Consumer of {Queue} ended by the broker ({Reason}); subscribing again",
                        _queue, reason);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                _notConsumingBecause = $"{_queue} not consumed: {ex.Message}";
                _logger.LogError(ex, "Consumer of {Queue} failed; restarting it in {Delay}", _queue, backoff);
            }
            finally
            {
                Volatile.Write(ref _resubscribe, null);
                if (channel is not null && connectionLost)
                {
                    // Disposed at once, so recovery leaves it alone: a close would first wait for its dispatcher's
                    // handlers, which may wait on publishes the lost connection never confirms, past the recovery.
                    await channel.DisposeAsync();
                }
                else if (channel is not null)
                {
                    await channel.CloseQuietlyAsync();
                }
            }
            if (recovery is not null)
            {
                // Not before automatic recovery has finished: a channel opened meanwhile may be "recovered" as well,
                // its consumer then registered twice, once on a channel nobody acks on.
                try
                {
                    await recovery.Task.WaitAsync(stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                continue;
            }
            try
            {
                await Task.Delay(backoff, _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    private async Task HandleDeliveryAsync(Subscription subscription, BasicDeliverEventArgs delivery, CancellationToken stoppingToken)
    {
        var envelope = MessageEnvelope.From(delivery.BasicProperties, delivery.Exchange, delivery.RoutingKey, delivery.Redelivered);
        using var correlation = LogContext.PushProperty("CorrelationId", envelope.CorrelationId);
        using var messageId = LogContext.PushProperty("MessageId", envelope.MessageId);
        using var messageType = LogContext.PushProperty("MessageType", envelope.MessageType);
        using var queue = LogContext.PushProperty("Queue", _queue);

        if (envelope.PastDeadline)
        {
            // The requester has answered its caller with a time-out: acting now would apply a change behind its back.
            _logger.LogWarning("Dropped {MessageType} {MessageId}: its requester stopped waiting at {Deadline:O}",
                envelope.MessageType, envelope.MessageId, envelope.Deadline);
            await new DeliveryAck(subscription, delivery.DeliveryTag, _logger).AckAsync(false, stoppingToken);
            return;
        }
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
            }
            catch (Exception nackError) when (nackError is AlreadyClosedException or OperationInterruptedException or ObjectDisposedException)
            {
                // The channel is gone; the broker redelivers the message anyway.
            }
            // Settled either way: a tag the batcher never hears of would hold back every later ack on the channel.
            if (subscription.Batcher is { } batcher)
            {
                await batcher.NackedAsync(delivery.DeliveryTag);
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
                await (multiple ? batcher.AckUpToAsync(deliveryTag) : batcher.AckAsync(deliveryTag));
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
