using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Nop.Messaging;

/// <summary>
/// Consumes one queue: keeps a subscription with bounded prefetch and manual acks open across broker cancels,
/// connection losses and hand-overs, and passes each delivery to the <see cref="DeliveryDispatcher"/> (routing,
/// inbox, handler, reply, ack), whose failures follow the queue's <see cref="RetryPolicy"/>.
/// </summary>
public sealed class ConsumerHost : BackgroundService
{
    private readonly ConsumerBuilder _builder;
    private readonly RabbitMqConnection _connection;
    private readonly DeliveryDispatcher _dispatcher;
    private readonly TimeProvider _time;
    private readonly ILogger<ConsumerHost> _logger;
    private readonly string _queue;

    /// <summary>Creates the host of the queue <paramref name="builder"/> describes.</summary>
    public ConsumerHost(ConsumerBuilder builder, RabbitMqConnection connection, MessagePublisher publisher,
        IServiceScopeFactory scopes, TimeProvider time, ILogger<ConsumerHost> logger)
    {
        (_builder, _connection, _time, _logger) = (builder, connection, time, logger);
        _queue = builder.Queue.Name;
        var retries = new RetryPolicy(_queue, connection.Options, publisher, time, logger);
        _dispatcher = new DeliveryDispatcher(builder, scopes, retries, new ReplySender(publisher, logger), logger);
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
                    new CreateChannelOptions(false, false, consumerDispatchConcurrency: _builder.Concurrency),
                    stoppingToken);
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
                consumer.ReceivedAsync += (_, delivery) =>
                    _dispatcher.HandleAsync(subscription, delivery, stoppingToken);
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
}
