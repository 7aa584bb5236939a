using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Nop.Contracts;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Nop.Messaging;

/// <summary>
/// Publishes with publisher confirms on one long-lived channel and many publishes in flight: each call completes
/// only when the broker has confirmed its message, and fails with <see cref="MessagePublishException"/> on a nack,
/// an unroutable return, a time-out or a closed connection. Thread-safe: call it concurrently. It publishes on the
/// service's publishing connection only; while the broker blocks that one, publishes wait (back-pressure) and consumers
/// keep acking.
/// </summary>
public sealed class MessagePublisher(
    RabbitMqConnection connection, TimeProvider timeProvider, ILogger<MessagePublisher> logger) : IAsyncDisposable
{
    // The client's own limiter refuses (rather than queues) a publish past its limit; waiting here first turns a burst
    // into back-pressure instead of an exception.
    private readonly SemaphoreSlim _inFlight =
        new(connection.Options.MaxOutstandingConfirms, connection.Options.MaxOutstandingConfirms);
    private readonly string _userId = connection.Options.UserName;
    private readonly OwnedChannel _channel = new(connection, async (conn, ct) => await conn.CreateChannelAsync(
        new CreateChannelOptions(
            publisherConfirmationsEnabled: true,
            publisherConfirmationTrackingEnabled: true,
            outstandingPublisherConfirmationsRateLimiter:
                new ThrottlingRateLimiter(connection.Options.MaxOutstandingConfirms)),
        ct), "Publisher", logger);

    /// <summary>Publishes <paramref name="message"/> with the NOP envelope and waits for the broker's
    /// confirm.</summary>
    /// <returns>The message id written to the envelope.</returns>
    public Task<string> PublishAsync<T>(string exchange, string routingKey, T message,
        PublishOptions? options = null, CancellationToken cancellationToken = default)
        where T : IMessage
    {
        // Not an async method: the publish's own is the only state machine, one allocation less per publish.
        Task<string> sent;
        try
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(message, MessageTypes.JsonInfo<T>());
            var properties = CreateProperties(T.MessageType, options);
            sent = SendAsync(exchange, routingKey, properties, body, options?.Mandatory ?? true, cancellationToken);
        }
        catch (Exception ex)
        {
            return Task.FromException<string>(ex); // as an async method would
        }
        return logger.IsEnabled(LogLevel.Debug) ? LoggedAsync(sent, T.MessageType, exchange, routingKey) : sent;
    }

    private async Task<string> LoggedAsync(Task<string> sent, string messageType, string exchange, string routingKey)
    {
        var messageId = await sent;
        logger.LogDebug("Published {PublishedType} {PublishedId} to {Exchange} with {RoutingKey}",
            messageType, messageId, exchange, routingKey);
        return messageId;
    }

    /// <summary>Builds the envelope properties of docs/architecture.md §4 for a message of type
    /// <paramref name="messageType"/>.</summary>
    public BasicProperties CreateProperties(string messageType, PublishOptions? options = null)
    {
        var messageId = options?.MessageId ?? Guid.CreateVersion7().ToString();
        var headers = new Dictionary<string, object?>
        {
            [EnvelopeHeaders.TraceParent] = NextTraceParent(options?.TraceParent),
        };
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
            // Every message, not only commands: the broker proves who published it, at no cost, and a consumer can
            // check (Alerting accepts acknowledgements from the Dashboard's user only).
            UserId = _userId,
            Headers = headers,
        };
    }

    /// <summary>Publishes a body with the given properties and waits for the confirm. Used for retries, dead letters
    /// and replies.</summary>
    public Task PublishRawAsync(string exchange, string routingKey, BasicProperties properties,
        ReadOnlyMemory<byte> body, bool mandatory, CancellationToken cancellationToken = default) =>
        SendAsync(exchange, routingKey, properties, body, mandatory, cancellationToken);

    // Publishes and waits for the confirm; the message id of the properties ("" when they have none).
    private async Task<string> SendAsync(string exchange, string routingKey, BasicProperties properties,
        ReadOnlyMemory<byte> body, bool mandatory, CancellationToken cancellationToken)
    {
        using var activity = MessagingTelemetry.StartPublish(exchange, routingKey, properties);
        var started = Stopwatch.GetTimestamp();
        using var linked = cancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, TimeoutToken())
            : null;
        var token = linked?.Token ?? TimeoutToken();
        var entered = false;
        try
        {
            await _inFlight.WaitAsync(token);
            entered = true;
            var channel = await _channel.GetAsync(token);
            // Our own user, always: RabbitMQ closes the channel on a user_id that is not the connection's user, so a
            // forwarded message must not keep its original publisher's.
            properties.UserId = _userId;
            await channel.BasicPublishAsync(exchange, routingKey, mandatory, properties, body, token);
        }
        catch (Exception ex)
        {
            var error = Failure(ex, exchange, routingKey, cancellationToken);
            MessagingTelemetry.Failed(activity, error ?? ex);
            MessagingTelemetry.RecordPublish(exchange, started, error ?? ex);
            if (error is null)
            {
                throw;
            }
            throw error;
        }
        finally
        {
            if (entered)
            {
                _inFlight.Release();
            }
        }
        MessagingTelemetry.RecordPublish(exchange, started, error: null);
        return properties.MessageId ?? string.Empty;
    }

    // The publish time-out, one token shared by all publishes that start within the same TimeoutSlot instead of a timer
    // and a linked token source per publish. Each still gets at least PublishTimeout, at most TimeoutSlot more.
    private static readonly TimeSpan TimeoutSlot = TimeSpan.FromMilliseconds(100);
    private readonly Lock _timeoutLock = new();
    private CancellationTokenSource _timeout = new();
    private long _timeoutSlotEnds;

    private CancellationToken TimeoutToken()
    {
        var now = Stopwatch.GetTimestamp();
        lock (_timeoutLock)
        {
            if (now >= _timeoutSlotEnds)
            {
                // The previous one is not disposed: publishes may still wait on it. Its timer ends it.
                var timeout = connection.Options.PublishTimeout;
                _timeout = new CancellationTokenSource(
                    timeout == Timeout.InfiniteTimeSpan ? timeout : timeout + TimeoutSlot);
                _timeoutSlotEnds = now + (long)(TimeoutSlot.TotalSeconds * Stopwatch.Frequency);
            }
            return _timeout.Token;
        }
    }

    // What a failed publish throws: a MessagePublishException saying why, or null to rethrow the error as it is (the
    // caller's own cancellation, or an error of ours). In one async method with the publish: an awaited method of its
    // own cost an allocation per publish.
    private MessagePublishException? Failure(Exception ex, string exchange, string routingKey,
        CancellationToken cancellationToken) => ex switch
        {
            PublishException { IsReturn: true } => new MessagePublishException(PublishFailure.Unroutable,
                $"No queue is bound to {exchange} for '{routingKey}'.", ex),
            PublishException => new MessagePublishException(PublishFailure.Nacked,
                $"The broker refused the message for {exchange} '{routingKey}'.", ex),
            OperationCanceledException when !cancellationToken.IsCancellationRequested => new MessagePublishException(
                connection.IsPublishingBlocked ? PublishFailure.Blocked
                    : connection.IsOpen ? PublishFailure.TimedOut : PublishFailure.BrokerUnavailable,
                $"No confirm from the broker within {connection.Options.PublishTimeout.TotalSeconds:0.#} s.", ex),
            AlreadyClosedException or OperationInterruptedException or ObjectDisposedException or IOException =>
                new MessagePublishException(PublishFailure.BrokerUnavailable, "The broker connection is closed.", ex),
            _ => null,
        };

    /// <summary>
    /// The context of the current activity, else the cause's, else a new trace. <see cref="PublishRawAsync"/> then
    /// replaces it with its publish span's own context while spans are recorded.
    /// </summary>
    private static string NextTraceParent(string? parent)
    {
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity)
        {
            return activity.Id!;
        }
        if (parent is not null && ActivityContext.TryParse(parent, null, out _))
        {
            return parent;
        }
        return EnvelopeHeaders.NewTraceParent();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        _inFlight.Dispose();
    }
}
