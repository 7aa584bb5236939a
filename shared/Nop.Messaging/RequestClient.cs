using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Nop.Contracts;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Nop.Messaging;

/// <summary>The responder did not answer in time.</summary>
public sealed class RequestTimeoutException(string message) : TimeoutException(message);

/// <summary>The responder answered with an error.</summary>
public sealed class RequestFailedException(string message) : Exception(message);

/// <summary>Thrown by a responder that finds the request's deadline passed before it acted: nobody waits any
/// more.</summary>
public sealed class RequestExpiredException(string message) : Exception(message);

/// <summary>
/// Request/reply over RabbitMQ. Replies come to an exclusive, server-named reply queue bound to <c>nop.replies</c> by
/// its own name (not direct reply-to: its replies must be published to the default exchange, and a responder allowed
/// that could reach every queue of the virtual host). The queue lives and dies with the client's channel. Replies are
/// matched by the request's message id (header <c>x-nop-in-reply-to</c>), so the AMQP correlation id stays the
/// business correlation id of docs/architecture.md §6. Thread-safe.
/// </summary>
public sealed class RequestClient : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<BasicDeliverEventArgs>> _pending = new();
    private readonly RabbitMqConnection _connection;
    private readonly MessagePublisher _publisher;
    private readonly ILogger<RequestClient> _logger;
    private readonly OwnedChannel _channel;
    private volatile string _replyQueue = string.Empty;

    /// <summary>Creates the client; its channel opens on the first request.</summary>
    public RequestClient(RabbitMqConnection connection, MessagePublisher publisher, ILogger<RequestClient> logger)
    {
        (_connection, _publisher, _logger) = (connection, publisher, logger);
        _channel = new OwnedChannel(connection, OpenAsync, "Request/reply", logger);
    }

    /// <summary>Sends <paramref name="request"/> to <c>nop.commands</c> with <paramref name="routingKey"/> and waits
    /// for the reply.</summary>
    /// <exception cref="RequestTimeoutException">No reply within <paramref name="timeout"/> (default
    /// <see cref="RabbitMqOptions.RequestTimeout"/>).</exception>
    /// <exception cref="RequestFailedException">The responder failed to handle the request.</exception>
    /// <exception cref="MessagePublishException">The request could not be sent (e.g. no responder queue is bound,
    /// or the connection is down or recovering).</exception>
    public Task<TReply> RequestAsync<TRequest, TReply>(string routingKey, TRequest request,
        string? correlationId = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        where TRequest : IMessage where TReply : IMessage =>
        RequestAsync<TRequest, TReply>(Exchanges.Commands, routingKey, request, correlationId, timeout,
            cancellationToken);

    /// <summary>Sends <paramref name="request"/> to <paramref name="exchange"/> and waits for the reply.</summary>
    public async Task<TReply> RequestAsync<TRequest, TReply>(string exchange, string routingKey, TRequest request,
        string? correlationId, TimeSpan? timeout, CancellationToken cancellationToken)
        where TRequest : IMessage where TReply : IMessage
    {
        var limit = timeout ?? _connection.Options.RequestTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);

        var properties = _publisher.CreateProperties(TRequest.MessageType,
            new PublishOptions { CorrelationId = correlationId });
        // The responder drops it once this passed (no per-message TTL: work queues dead-letter expired messages into
        // their .dead queue, and a TTL does not reach a request the responder has prefetched already).
        properties.Headers![EnvelopeHeaders.Deadline] = (DateTimeOffset.UtcNow + limit).ToUnixTimeMilliseconds();
        // One span for the request and the wait for its reply: the responder's process span is its child.
        using var activity = MessagingTelemetry.StartPublish(exchange, routingKey, properties);
        var reply = new TaskCompletionSource<BasicDeliverEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[properties.MessageId!] = reply;
        try
        {
            var channel = await _channel.GetAsync(deadline.Token);
            properties.ReplyTo = _replyQueue;
            var body = JsonSerializer.SerializeToUtf8Bytes(request, MessageTypes.JsonInfo<TRequest>());
            await channel.BasicPublishAsync(exchange, routingKey, mandatory: true, properties, body, deadline.Token);
            var answer = await reply.Task.WaitAsync(deadline.Token);

            if (MessageEnvelope.HeaderString(answer.BasicProperties.Headers, EnvelopeHeaders.ReplyError) is { } error)
            {
                throw new RequestFailedException(error);
            }
            if (answer.BasicProperties.Type != TReply.MessageType)
            {
                throw new RequestFailedException(
                    $"Expected a {TReply.MessageType} reply, got {answer.BasicProperties.Type}.");
            }
            return JsonSerializer.Deserialize(answer.Body.Span, MessageTypes.JsonInfo<TReply>())
                ?? throw new RequestFailedException("The reply body is JSON null.");
        }
        catch (Exception ex) when (activity is not null && NoteFailure(activity, ex))
        {
            throw; // never: the filter only marks the span
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RequestTimeoutException(
                $"No reply to {TRequest.MessageType} from '{routingKey}' within {limit.TotalSeconds:0.#} s.");
        }
        catch (RabbitMQ.Client.Exceptions.PublishException ex)
        {
            throw new MessagePublishException(ex.IsReturn ? PublishFailure.Unroutable : PublishFailure.Nacked,
                $"The request to '{routingKey}' could not be delivered.", ex);
        }
        catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException
            or ObjectDisposedException or IOException or TimeoutException)
        {
            // The connection is down or recovering: a failure the caller handles (a page says "unavailable").
            throw new MessagePublishException(PublishFailure.BrokerUnavailable,
                $"The request to '{routingKey}' could not be sent: {ex.Message}", ex);
        }
        finally
        {
            _pending.TryRemove(properties.MessageId!, out _);
        }
    }

    private static bool NoteFailure(System.Diagnostics.Activity activity, Exception error)
    {
        MessagingTelemetry.Failed(activity, error);
        return false;
    }

    /// <summary>A confirm channel consuming a new exclusive reply queue, bound to <c>nop.replies</c> by its own
    /// name. Auto-delete as well as exclusive: a channel replaced after it shut down takes its queue with it, while the
    /// connection lives on.</summary>
    private async Task<IChannel> OpenAsync(IConnection conn, CancellationToken cancellationToken)
    {
        var channel = await conn.CreateChannelAsync(new CreateChannelOptions(true, true), cancellationToken);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            var inReplyTo = MessageEnvelope.HeaderString(delivery.BasicProperties.Headers, EnvelopeHeaders.InReplyTo);
            if (inReplyTo is not null && _pending.TryGetValue(inReplyTo, out var waiting))
            {
                // The body buffer is reused after this handler returns: keep a copy.
                waiting.TrySetResult(new BasicDeliverEventArgs(delivery.ConsumerTag, delivery.DeliveryTag,
                    delivery.Redelivered, delivery.Exchange, delivery.RoutingKey, delivery.BasicProperties,
                    delivery.Body.ToArray()));
            }
            else
            {
                _logger.LogDebug("Dropped a late or unknown reply to {InReplyTo}", inReplyTo);
            }
            return Task.CompletedTask;
        };
        var queue = await channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true,
            cancellationToken: cancellationToken);
        await channel.QueueBindAsync(queue.QueueName, Exchanges.Replies, queue.QueueName,
            cancellationToken: cancellationToken);
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer, cancellationToken);
        _replyQueue = queue.QueueName;
        return channel;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _channel.DisposeAsync();
}
