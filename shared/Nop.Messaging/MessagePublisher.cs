using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Nop.Contracts;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Nop.Messaging;

/// <summary>
/// Publishes with publisher confirms on one long-lived channel and many publishes in flight: each call completes
/// only when the broker has confirmed its message, and fails with <see cref="MessagePublishException"/> on a nack,
/// an unroutable return, a time-out or a closed connection. Thread-safe: call it concurrently.
/// </summary>
public sealed class MessagePublisher(RabbitMqConnection connection, TimeProvider timeProvider, ILogger<MessagePublisher> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _channelLock = new(1, 1);
    // The client's own limiter refuses (rather than queues) a publish past its limit; waiting here first turns a burst
    // into back-pressure instead of an exception.
    private readonly SemaphoreSlim _inFlight = new(connection.Options.MaxOutstandingConfirms, connection.Options.MaxOutstandingConfirms);
    private IChannel? _channel;
    private int _channelShutDown;

    /// <summary>Publishes <paramref name="message"/> with the NOP envelope and waits for the broker's confirm.</summary>
    /// <returns>The message id written to the envelope.</returns>
    public async Task<string> PublishAsync<T>(string exchange, string routingKey, T message, PublishOptions? options = null, CancellationToken cancellationToken = default)
        where T : IMessage
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(message, MessageTypes.JsonInfo<T>());
        var properties = CreateProperties(T.MessageType, options);
        await PublishRawAsync(exchange, routingKey, properties, body, options?.Mandatory ?? true, cancellationToken);
        logger.LogDebug("Published {PublishedType} {PublishedId} to {Exchange} with {RoutingKey}", T.MessageType, properties.MessageId, exchange, routingKey);
        return properties.MessageId!;
    }

    /// <summary>Builds the envelope properties of DESIGN §3 for a message of type <paramref name="messageType"/>.</summary>
    public BasicProperties CreateProperties(string messageType, PublishOptions? options = null)
    {
        var messageId = options?.MessageId ?? Guid.CreateVersion7().ToString();
        var headers = new Dictionary<string, object?> { [EnvelopeHeaders.TraceParent] = NextTraceParent(options?.TraceParent) };
        if (options?.CausationId is { } causationId)
        {
            headers[EnvelopeHeaders.CausationId] = causationId;
        }
        return new BasicProperties
        {
            MessageId = messageId,
            CorrelationId = options?.CorrelationId ?? messageId,
            Type = messageType,
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
            Timestamp = new AmqpTimestamp(timeProvider.GetUtcNow().ToUnixTimeSeconds()),
            Headers = headers,
        };
    }

    /// <summary>Publishes a body with the given properties and waits for the confirm. Used for retries, dead letters and replies.</summary>
    public async Task PublishRawAsync(string exchange, string routingKey, BasicProperties properties, ReadOnlyMemory<byte> body, bool mandatory, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(connection.Options.PublishTimeout);
        var entered = false;
        try
        {
            await _inFlight.WaitAsync(timeout.Token);
            entered = true;
            var channel = await GetChannelAsync(timeout.Token);
            await channel.BasicPublishAsync(exchange, routingKey, mandatory, properties, body, timeout.Token);
        }
        catch (PublishException ex) when (ex.IsReturn)
        {
            throw new MessagePublishException(PublishFailure.Unroutable, $"No queue is bound to {exchange} for '{routingKey}'.", ex);
        }
        catch (PublishException ex)
        {
            throw new MessagePublishException(PublishFailure.Nacked, $"The broker refused the message for {exchange} '{routingKey}'.", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            var failure = connection.IsOpen ? PublishFailure.TimedOut : PublishFailure.BrokerUnavailable;
            throw new MessagePublishException(failure, $"No confirm from the broker within {connection.Options.PublishTimeout.TotalSeconds:0.#} s.", ex);
        }
        catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException or ObjectDisposedException or IOException)
        {
            throw new MessagePublishException(PublishFailure.BrokerUnavailable, "The broker connection is closed.", ex);
        }
        finally
        {
            if (entered)
            {
                _inFlight.Release();
            }
        }
    }

    /// <summary>Keeps the trace id of the cause (or of the current activity) and starts a new span id.</summary>
    private static string NextTraceParent(string? parent)
    {
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity)
        {
            return activity.Id!;
        }
        var traceId = parent is { Length: 55 } ? parent.Substring(3, 32) : ActivityTraceId.CreateRandom().ToHexString();
        return $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01";
    }

    private async ValueTask<IChannel> GetChannelAsync(CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true } open && Volatile.Read(ref _channelShutDown) == 0)
        {
            return open;
        }
        await _channelLock.WaitAsync(cancellationToken);
        try
        {
            if (_channel is { IsOpen: true } reopened && Volatile.Read(ref _channelShutDown) == 0)
            {
                return reopened;
            }
            var conn = await connection.GetConnectionAsync(cancellationToken);
            if (!conn.IsOpen)
            {
                throw new AlreadyClosedException(new ShutdownEventArgs(ShutdownInitiator.Library, 0, "connection is recovering"));
            }
            // A channel that has shut down once is never published on again, even after automatic recovery brings it
            // back: its confirm tracking and rate limiter may still count publishes whose confirms died with it.
            if (_channel is not null)
            {
                await _channel.DisposeAsync();
            }
            var channel = await conn.CreateChannelAsync(new CreateChannelOptions(
                publisherConfirmationsEnabled: true,
                publisherConfirmationTrackingEnabled: true,
                outstandingPublisherConfirmationsRateLimiter: new ThrottlingRateLimiter(connection.Options.MaxOutstandingConfirms)), cancellationToken);
            channel.ChannelShutdownAsync += (_, e) =>
            {
                Interlocked.Exchange(ref _channelShutDown, 1);
                logger.LogWarning("Publisher channel closed ({Reason}); the next publish opens a new one", e.ReplyText);
                return Task.CompletedTask;
            };
            Interlocked.Exchange(ref _channelShutDown, 0);
            _channel = channel;
            return channel;
        }
        finally
        {
            _channelLock.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_channel is { } channel)
        {
            await channel.DisposeAsync();
        }
        _channelLock.Dispose();
        _inFlight.Dispose();
    }
}
