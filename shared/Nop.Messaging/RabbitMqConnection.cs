using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nop.Contracts;
using Polly;
using Polly.Retry;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Nop.Messaging;

/// <summary>
/// The two long-lived connections of a service, one that consumes (and acks) and one that publishes, as RabbitMQ
/// advises: under a memory or disk alarm the broker blocks every connection that publishes, and acks riding on a
/// blocked socket would stall the very consumers whose progress clears the alarm. Both connect lazily, waiting for the
/// broker with Polly back-off instead of crashing, recover automatically (channels, consumers, topology), and the
/// consuming one re-declares NOP's topology after every recovery, so a broker that lost its definitions is put right
/// too. Connection names in the management UI end in <c>-consume</c> and <c>-publish</c>.
/// </summary>
public sealed class RabbitMqConnection(
    IOptions<RabbitMqOptions> options,
    IEnumerable<QueueDefinition> queues,
    IEnumerable<StreamDefinition> streams,
    IEnumerable<StreamReaderDefinition> readers,
    ILogger<RabbitMqConnection> logger) : IAsyncDisposable
{
    private readonly StreamDefinition[] _streams = streams.Concat(readers.Select(r => r.Stream))
        .DistinctBy(s => s.Name).ToArray();
    private readonly StreamReaderDefinition[] _readers = readers.DistinctBy(r => r.Name).ToArray();
    private readonly RabbitMqOptions _options = options.Value;
    private readonly QueueDefinition[] _queues = queues.DistinctBy(q => q.Name).ToArray();
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private IConnection? _consume;
    private IConnection? _publish;
    private CancellationTokenSource _blocked = new();

    /// <summary>The options these connections were made with.</summary>
    public RabbitMqOptions Options => _options;

    /// <summary>True while both connections are open (false during recovery or before the first connect).</summary>
    public bool IsOpen => _consume?.IsOpen == true && _publish?.IsOpen == true;

    /// <summary>True while the broker blocks the publishing connection (connection.blocked: a memory or disk
    /// alarm).</summary>
    public bool IsPublishingBlocked => _blocked.IsCancellationRequested;

    /// <summary>Cancelled when the broker blocks publishing, so a caller can stop waiting for confirms that will not
    /// come until the alarm clears; a new, uncancelled token once it is unblocked.</summary>
    public CancellationToken PublishingBlockedToken => _blocked.Token;

    /// <summary>Raised after automatic recovery has restored the consuming connection and re-declared the
    /// topology.</summary>
    public event Func<Task>? Recovered;

    /// <summary>The consuming connection (consumers, acks, declarations), connecting first if needed (waits for the
    /// broker with back-off until cancelled). Never publish on it.</summary>
    public async ValueTask<IConnection> GetConnectionAsync(CancellationToken cancellationToken = default)
    {
        if (_consume is { } existing)
        {
            return existing;
        }
        await ConnectAsync(cancellationToken);
        return _consume!;
    }

    /// <summary>The publishing connection, connecting first if needed.</summary>
    public async ValueTask<IConnection> GetPublishConnectionAsync(CancellationToken cancellationToken = default)
    {
        if (_publish is { } existing)
        {
            return existing;
        }
        await ConnectAsync(cancellationToken);
        return _publish!;
    }

    /// <summary>Opens a new channel on the consuming connection.</summary>
    public async ValueTask<IChannel> CreateChannelAsync(CreateChannelOptions? channelOptions = null,
        CancellationToken cancellationToken = default)
    {
        var connection = await GetConnectionAsync(cancellationToken);
        return await connection.CreateChannelAsync(channelOptions, cancellationToken);
    }

    /// <summary>Opens a new channel on the publishing connection (for anything that publishes).</summary>
    public async ValueTask<IChannel> CreatePublishChannelAsync(CreateChannelOptions? channelOptions = null,
        CancellationToken cancellationToken = default)
    {
        var connection = await GetPublishConnectionAsync(cancellationToken);
        return await connection.CreateChannelAsync(channelOptions, cancellationToken);
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        await _connectLock.WaitAsync(cancellationToken);
        try
        {
            if (_consume is null)
            {
                var consume = await OpenAsync("consume", cancellationToken);
                try
                {
                    await DeclareTopologyAsync(consume, cancellationToken);
                }
                catch
                {
                    // Not kept (the next call connects anew), so not left open either.
                    await consume.DisposeAsync();
                    throw;
                }
                consume.RecoverySucceededAsync += OnRecoverySucceededAsync;
                _consume = consume;
            }
            if (_publish is null)
            {
                var publish = await OpenAsync("publish", cancellationToken);
                publish.ConnectionBlockedAsync += (_, e) =>
                {
                    logger.LogWarning("The broker blocks publishing ({Reason}); publishes wait until it is unblocked",
                        e.Reason);
                    _blocked.Cancel();
                    return Task.CompletedTask;
                };
                publish.ConnectionUnblockedAsync += (_, _) =>
                {
                    logger.LogInformation("The broker unblocked publishing");
                    Unblocked();
                    return Task.CompletedTask;
                };
                // A new connection is told anew if the alarm still holds.
                publish.RecoverySucceededAsync += (_, _) =>
                {
                    Unblocked();
                    return Task.CompletedTask;
                };
                _publish = publish;
            }
        }
        finally
        {
            _connectLock.Release();
        }
    }

    // The old source is left to the collector rather than disposed: callers may still hold its token.
    private void Unblocked()
    {
        if (_blocked.IsCancellationRequested)
        {
            _blocked = new CancellationTokenSource();
        }
    }

    private async Task<IConnection> OpenAsync(string purpose, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            Uri = _options.Uri,
            ClientProvidedName = $"{_options.ClientName ?? AppDomain.CurrentDomain.FriendlyName}-{purpose}",
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = _options.NetworkRecoveryInterval,
            RequestedHeartbeat = TimeSpan.FromSeconds(15),
        };

        var pipeline = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<BrokerUnreachableException>().Handle<SocketException>()
                .Handle<ConnectFailureException>(),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(250),
            MaxDelay = _options.MaxConnectBackoff,
            OnRetry = args =>
            {
                logger.LogWarning("RabbitMQ at {Host} not reachable (attempt {Attempt}): {Error}; retrying in {Delay}",
                    _options.Uri.Host, args.AttemptNumber + 1, args.Outcome.Exception?.Message, args.RetryDelay);
                return default;
            },
        }).Build();

        // With several endpoints the client picks one at random for the first connection and for each recovery.
        // Blank entries (an unset variable in docker compose) are none.
        var endpoints = _options.Endpoints.Where(e => !string.IsNullOrWhiteSpace(e))
            .Select(AmqpTcpEndpoint.Parse).ToList();
        var connection = await pipeline.ExecuteAsync(async ct => endpoints.Count > 0
            ? await factory.CreateConnectionAsync(endpoints, ct)
            : await factory.CreateConnectionAsync(ct), cancellationToken);
        connection.ConnectionShutdownAsync += (_, e) =>
        {
            if (e.Initiator != ShutdownInitiator.Application)
            {
                logger.LogWarning("RabbitMQ {Purpose} connection lost: {Reason}; recovering", purpose, e.ReplyText);
            }
            return Task.CompletedTask;
        };
        connection.ConnectionRecoveryErrorAsync += (_, e) =>
        {
            logger.LogWarning("RabbitMQ {Purpose} connection recovery attempt failed: {Error}",
                purpose, e.Exception.Message);
            return Task.CompletedTask;
        };
        // The node actually reached (one of the endpoints, when given).
        logger.LogInformation("Connected ({Purpose}) to RabbitMQ at {Host}:{Port}{VirtualHost}", purpose,
            connection.Endpoint.HostName, connection.Endpoint.Port, _options.Uri.AbsolutePath);
        return connection;
    }

    private async Task OnRecoverySucceededAsync(object sender, AsyncEventArgs e)
    {
        logger.LogInformation("RabbitMQ connection recovered");
        try
        {
            await DeclareTopologyAsync((IConnection)sender, CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Re-declaring the topology after recovery failed");
        }
        if (Recovered is { } handlers)
        {
            await handlers();
        }
    }

    private async Task DeclareTopologyAsync(IConnection connection, CancellationToken cancellationToken)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        if (!_options.DeclareTopology)
        {
            // Least-privilege users may not declare; a passive declare needs no permission and fails if a queue is
            // missing.
            foreach (var name in _queues.Select(q => q.Name).Concat(_streams.Select(s => s.Name))
                .Concat(_readers.Select(r => Queues.DeadOf(r.Name))))
            {
                await channel.QueueDeclarePassiveAsync(name, cancellationToken);
            }
            await channel.CloseAsync(cancellationToken);
            return;
        }
        await Topology.DeclareExchangesAsync(channel, cancellationToken);
        foreach (var queue in _queues)
        {
            await Topology.DeclareQueueAsync(channel, queue, _options.DeliveryLimit, _options.MaxQueueLength,
                RetryPolicy.DelaysOf(_options).Count, cancellationToken);
        }
        foreach (var stream in _streams)
        {
            await Topology.DeclareStreamAsync(channel, stream, cancellationToken);
        }
        foreach (var reader in _readers)
        {
            await Topology.DeclareStreamReaderAsync(channel, reader, cancellationToken);
        }
        await channel.CloseAsync(cancellationToken);
        await DeleteLegacyRetryQueuesAsync(connection, cancellationToken);
    }

    /// <summary>
    /// Deletes the single <c>.retry</c> queue of older versions once it is empty. Nothing is sent to it any more, and
    /// what it still holds goes back to its work queue as each delay expires (its arguments say so), so it empties by
    /// itself within the longest delay; until then it is left alone, and a later start or recovery deletes it. (Quorum
    /// queues refuse a delete with if-empty, closing the whole connection: hence a count first, on a channel of its
    /// own, which a missing queue closes.)
    /// </summary>
    private async Task DeleteLegacyRetryQueuesAsync(IConnection connection, CancellationToken cancellationToken)
    {
        foreach (var queue in _queues)
        {
            var legacy = Queues.LegacyRetryOf(queue.Name);
            await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            try
            {
                var found = await channel.QueueDeclarePassiveAsync(legacy, cancellationToken);
                if (found.MessageCount > 0)
                {
                    logger.LogInformation(
                        "{Queue} of an older version still holds {Count} message(s); they return to {WorkQueue} as " +
                        "their delays expire, and the queue is deleted once empty",
                        legacy, found.MessageCount, queue.Name);
                    continue;
                }
                await channel.QueueDeleteAsync(legacy, cancellationToken: cancellationToken);
                logger.LogInformation("Deleted {Queue}, the empty retry queue of an older version", legacy);
                await channel.CloseAsync(cancellationToken);
            }
            catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == Constants.NotFound)
            {
                // The usual case: there is none.
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var connection in new[] { _publish, _consume })
        {
            if (connection is null)
            {
                continue;
            }
            try
            {
                await connection.CloseAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException or IOException)
            {
                // Closing a connection the broker already dropped has nothing left to do.
            }
            connection.Dispose();
        }
        _connectLock.Dispose();
    }
}
