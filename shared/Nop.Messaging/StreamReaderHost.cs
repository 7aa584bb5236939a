using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nop.Contracts;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Serilog.Context;

namespace Nop.Messaging;

/// <summary>
/// Reads a stream over AMQP 0.9.1: subscribes with the consumer argument <c>x-stream-offset</c> where
/// <see cref="StreamReaderBuilder.StartAt"/> says, a prefetch and manual acks (which only return credit), and hands
/// each delivery, with its offset, to its handler, one at a time and in stream order. Where a queue consumer would
/// retry through delay queues, a stream reader cannot (a stream message is never requeued or dead-lettered by the
/// broker): a failed delivery is tried again in process (<see cref="StreamReaderBuilder.MaxAttempts"/>), then a copy
/// is parked in the reader's <c>.dead</c> queue with the usual headers (<c>./nop dead</c> shows it) and the reader
/// moves on. After a connection loss, a broker cancel or <see cref="Restart"/> it asks
/// <see cref="StreamReaderBuilder.StartAt"/> again: a subscription's offset is fixed when it is made, so automatic
/// recovery, which would replay the old one, never gets its channel.
/// </summary>
public sealed class StreamReaderHost : BackgroundService
{
    private const string OffsetHeader = "x-stream-offset";

    private readonly StreamReaderBuilder _builder;
    private readonly RabbitMqConnection _connection;
    private readonly MessagePublisher _publisher;
    private readonly IServiceProvider _services;
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly ILogger<StreamReaderHost> _logger;
    private readonly string _name;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource? _restart;
    private TaskCompletionSource? _recovery;
    private volatile string? _notReadingBecause;
    private long _parked;

    /// <summary>Creates the reader <paramref name="builder"/> describes.</summary>
    public StreamReaderHost(StreamReaderBuilder builder, RabbitMqConnection connection, MessagePublisher publisher,
        IServiceProvider services, IServiceScopeFactory scopes, TimeProvider time, ILogger<StreamReaderHost> logger)
    {
        (_builder, _connection, _publisher, _services, _scopes, _time, _logger) =
            (builder, connection, publisher, services, scopes, time, logger);
        _name = builder.Reader.Name;
    }

    /// <summary>The reader's name (its dead queue is <c>&lt;Name&gt;.dead</c>).</summary>
    public string Name => _name;

    /// <summary>The stream read.</summary>
    public string Stream => _builder.Reader.Stream.Name;

    /// <summary>Completes once the first subscription is registered with the broker (tests, readiness).</summary>
    public Task Started => _started.Task;

    /// <summary>Where the current subscription started; null before the first.</summary>
    public StreamOffset? StartedAt { get; private set; }

    /// <summary>True while the reader waits for <see cref="StreamReaderBuilder.StartAt"/> (e.g. for a lease another
    /// instance holds).</summary>
    public bool Waiting { get; private set; }

    /// <summary>Null while subscribed or waiting to start; else why not (for readiness).</summary>
    public string? NotReadingBecause => _notReadingBecause;

    /// <summary>Messages parked in the dead queue since start.</summary>
    public long Parked => Interlocked.Read(ref _parked);

    /// <summary>
    /// Ends the subscription once the delivery in hand is handled, then asks <see cref="StreamReaderBuilder.StartAt"/>
    /// where to start and subscribes again (e.g. a rebuild that moved the service's stored position back).
    /// </summary>
    public void Restart() => Volatile.Read(ref _restart)?.TrySetResult();

    /// <summary>Longest wait between attempts after a failure.</summary>
    internal static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(8);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _connection.Recovered += OnRecoveredAsync;
        try
        {
            await ReadAsync(stoppingToken);
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

    private async Task ReadAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            IChannel? channel = null;
            var connectionLost = false;
            TaskCompletionSource? recovery = null;
            // Set before StartAt runs: a restart asked for while it waits is not lost.
            var restart = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _restart, restart);
            try
            {
                // Waiting here (e.g. for another instance's lease) is no fault: a standby stays ready.
                _notReadingBecause = null;
                Waiting = true;
                var start = await _builder.StartAt(_services, stoppingToken);
                Waiting = false;
                var connection = await _connection.GetConnectionAsync(stoppingToken);
                channel = await connection.CreateChannelAsync(
                    new CreateChannelOptions(false, false, consumerDispatchConcurrency: 1), stoppingToken);
                await channel.BasicQosAsync(0, _builder.Prefetch, false, stoppingToken);

                var ended = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
                channel.ChannelShutdownAsync += (_, e) =>
                {
                    if (e.Initiator != ShutdownInitiator.Application)
                    {
                        connectionLost = !connection.IsOpen;
                        if (connectionLost)
                        {
                            recovery = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                            Volatile.Write(ref _recovery, recovery);
                        }
                        ended.TrySetResult(e.ReplyText);
                    }
                    return Task.CompletedTask;
                };
                var consumer = new AsyncEventingBasicConsumer(channel);
                consumer.UnregisteredAsync += (_, _) =>
                {
                    ended.TrySetResult("the broker cancelled the consumer (stream deleted?)");
                    return Task.CompletedTask;
                };
                var subscription = new Subscription(channel, null);
                // A numeric start is served from the beginning of the chunk that holds it: the offsets before it are
                // not this subscription's.
                var skipBelow = start.Offset ?? long.MinValue;
                consumer.ReceivedAsync += (_, delivery) =>
                    HandleAsync(subscription, delivery, skipBelow, stoppingToken);
                await channel.BasicConsumeAsync(Stream, autoAck: false, consumerTag: string.Empty, noLocal: false,
                    exclusive: false, new Dictionary<string, object?> { [OffsetHeader] = start.Argument }, consumer,
                    stoppingToken);
                StartedAt = start;
                _logger.LogInformation("{Reader} reads {Stream} from offset {Offset}", _name, Stream, start);
                _notReadingBecause = null;
                backoff = TimeSpan.FromSeconds(1);
                _started.TrySetResult();

                if (await Task.WhenAny(ended.Task, restart.Task).WaitAsync(stoppingToken) == restart.Task)
                {
                    _logger.LogInformation("{Reader} restarts reading {Stream}", _name, Stream);
                    continue; // after the finally below has closed the channel: no back-off
                }
                var reason = await ended.Task;
                _notReadingBecause = $"{_name} not reading {Stream}: {reason}";
                _logger.LogWarning("{Reader} stopped reading {Stream} ({Reason}); subscribing again", _name, Stream,
                    reason);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                Waiting = false;
                _notReadingBecause = $"{_name} not reading {Stream}: {ex.Message}";
                _logger.LogError(ex, "{Reader} failed; restarting it in {Delay}", _name, backoff);
            }
            finally
            {
                Volatile.Write(ref _restart, null);
                if (channel is not null && connectionLost)
                {
                    // At once, so automatic recovery leaves it alone (it would subscribe again at the old offset).
                    await channel.DisposeAsync();
                }
                else if (channel is not null)
                {
                    // Waits for the delivery in hand: the next StartAt sees everything handed over.
                    await channel.CloseQuietlyAsync();
                }
            }
            if (restart.Task.IsCompleted && !connectionLost)
            {
                continue;
            }
            if (recovery is not null)
            {
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

    private async Task HandleAsync(Subscription subscription, BasicDeliverEventArgs delivery, long skipBelow,
        CancellationToken stoppingToken)
    {
        var offset = MessageEnvelope.HeaderLong(delivery.BasicProperties.Headers, OffsetHeader);
        var ack = new DeliveryAck(subscription, delivery.DeliveryTag, _logger);
        if (offset < skipBelow)
        {
            await ack.AckAsync(false, stoppingToken);
            return;
        }
        var envelope = MessageEnvelope.From(delivery.BasicProperties, delivery.Exchange, delivery.RoutingKey,
            delivery.Redelivered);
        using var correlation = LogContext.PushProperty("CorrelationId", envelope.CorrelationId);
        using var messageId = LogContext.PushProperty("MessageId", envelope.MessageId);
        using var messageType = LogContext.PushProperty("MessageType", envelope.MessageType);
        using var queue = LogContext.PushProperty("Queue", _name);
        using var streamOffset = LogContext.PushProperty("StreamOffset", offset);
        using var activity = MessagingTelemetry.StartProcess(_name, envelope);
        var started = Stopwatch.GetTimestamp();
        var (outcome, error) = await DispatchAsync(delivery, envelope, offset, ack, activity, stoppingToken);
        if (outcome is not null)
        {
            MessagingTelemetry.RecordProcess(_name, started, outcome, error);
        }
    }

    private async Task<(string? Outcome, Exception? Error)> DispatchAsync(BasicDeliverEventArgs delivery,
        MessageEnvelope envelope, long? offset, DeliveryAck ack, Activity? activity, CancellationToken stoppingToken)
    {
        if (!_builder.Routes.TryGetValue(envelope.MessageType, out var route))
        {
            // Not this reader's concern (a stream holds what its bindings route, e.g. other event types).
            await ack.AckAsync(false, stoppingToken);
            return (MessagingTelemetry.Outcomes.Ok, null);
        }
        object? message;
        try
        {
            message = route.Deserialize(delivery.Body)
                ?? throw new JsonException("The body is JSON null.");
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException)
        {
            return await ParkAsync(delivery, envelope, offset, ack, activity, "undeserialisable", ex, 1,
                stoppingToken);
        }

        using var sensor = message is ISensorMessage s ? LogContext.PushProperty("SensorId", s.SensorId) : null;
        var delay = _builder.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            var context = new MessageContext(envelope, _name, ack)
            {
                IsLastAttempt = attempt >= _builder.MaxAttempts,
                StreamOffset = offset,
            };
            try
            {
                await using var scope = _scopes.CreateAsyncScope();
                await route.Invoke(scope.ServiceProvider, message, context, stoppingToken);
                if (!context.AckDeferred)
                {
                    await ack.AckAsync(false, stoppingToken);
                }
                return (MessagingTelemetry.Outcomes.Ok, null);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping: not applied, so not stored; read again from the stored offset next time.
                return (null, null);
            }
            catch (PermanentFailureException ex)
            {
                return await ParkAsync(delivery, envelope, offset, ack, activity, "rejected", ex, attempt,
                    stoppingToken);
            }
            catch (Exception ex) when (attempt >= _builder.MaxAttempts)
            {
                return await ParkAsync(delivery, envelope, offset, ack, activity, "handler-failed", ex, attempt,
                    stoppingToken);
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex,
                    "Handling {MessageType} {MessageId} at offset {StreamOffset} failed (attempt {Attempt} of " +
                    "{Attempts}); trying again in {Delay}", envelope.MessageType, envelope.MessageId, offset,
                    attempt, _builder.MaxAttempts, delay);
                try
                {
                    await Task.Delay(delay, _time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return (null, null);
                }
                delay *= 2;
            }
        }
    }

    /// <summary>Publishes a copy to the dead queue (confirmed, retried until it is, since the reader must not move
    /// past a message it has neither applied nor parked), then acks and moves on.</summary>
    private async Task<(string?, Exception?)> ParkAsync(BasicDeliverEventArgs delivery, MessageEnvelope envelope,
        long? offset, DeliveryAck ack, Activity? activity, string reason, Exception error, int attempts,
        CancellationToken stoppingToken)
    {
        MessagingTelemetry.Failed(activity, error);
        var properties = HeaderValues.Forwarded(delivery.BasicProperties, keepOriginal: false);
        properties.Expiration = null;
        var headers = properties.Headers!;
        headers[EnvelopeHeaders.OriginalQueue] = _name;
        headers[EnvelopeHeaders.Attempt] = attempts;
        headers[EnvelopeHeaders.DeadLetterReason] = reason;
        headers[EnvelopeHeaders.ExceptionType] = error.GetType().FullName;
        headers[EnvelopeHeaders.ExceptionMessage] = HeaderValues.Truncate(error.Message, 2_000);
        headers[EnvelopeHeaders.ExceptionStackTrace] = HeaderValues.Truncate(error.ToString(), 8_000);
        headers[EnvelopeHeaders.DeadLetteredAt] = _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        // The broker's offset header would be taken for this message's own when it is replayed into the stream.
        headers.Remove(OffsetHeader);
        headers["x-nop-stream"] = Stream;
        headers["x-nop-stream-offset"] = offset;
        var wait = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                await _publisher.PublishRawAsync(Exchanges.DeadOf(_name), _name, properties, delivery.Body,
                    mandatory: true, stoppingToken);
                break;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return (null, null);
            }
            catch (MessagePublishException ex)
            {
                _logger.LogWarning(ex, "Could not park {MessageId} in {DeadQueue}; trying again in {Delay}",
                    envelope.MessageId, Queues.DeadOf(_name), wait);
                try
                {
                    await Task.Delay(wait, _time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return (null, null);
                }
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, MaxBackoff.Ticks));
            }
        }
        Interlocked.Increment(ref _parked);
        _logger.LogError(error,
            "Parked {MessageType} {MessageId} (offset {StreamOffset} of {Stream}) in {DeadQueue} ({Reason}) after " +
            "{Attempts} attempt(s); reading on", envelope.MessageType, envelope.MessageId, offset, Stream,
            Queues.DeadOf(_name), reason, attempts);
        await ack.AckAsync(false, stoppingToken);
        return (MessagingTelemetry.Outcomes.Dead, error);
    }
}
