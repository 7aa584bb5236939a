using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Nop.Messaging;

/// <summary>
/// The one long-lived connection of a service. It connects lazily, waiting for the broker with Polly back-off
/// instead of crashing, recovers automatically (channels, consumers, topology) and re-declares NOP's topology
/// after every recovery, so a broker that lost its definitions is put right too.
/// </summary>
public sealed class RabbitMqConnection(
    IOptions<RabbitMqOptions> options,
    IEnumerable<QueueDefinition> queues,
    ILogger<RabbitMqConnection> logger) : IAsyncDisposable
{
    private readonly RabbitMqOptions _options = options.Value;
    private readonly QueueDefinition[] _queues = queues.DistinctBy(q => q.Name).ToArray();
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private IConnection? _connection;

    /// <summary>The options this connection was made with.</summary>
    public RabbitMqOptions Options => _options;

    /// <summary>True while the connection is open (false during recovery or before the first connect).</summary>
    public bool IsOpen => _connection?.IsOpen == true;

    /// <summary>Raised after automatic recovery has restored the connection and re-declared the topology.</summary>
    public event Func<Task>? Recovered;

    /// <summary>The connection, connecting first if needed (waits for the broker with back-off until cancelled).</summary>
    public async ValueTask<IConnection> GetConnectionAsync(CancellationToken cancellationToken = default)
    {
        if (_connection is { } existing)
        {
            return existing;
        }
        await _connectLock.WaitAsync(cancellationToken);
        try
        {
            _connection ??= await ConnectAsync(cancellationToken);
            return _connection;
        }
        finally
        {
            _connectLock.Release();
        }
    }

    /// <summary>Opens a new channel on the connection.</summary>
    public async ValueTask<IChannel> CreateChannelAsync(CreateChannelOptions? channelOptions = null, CancellationToken cancellationToken = default)
    {
        var connection = await GetConnectionAsync(cancellationToken);
        return await connection.CreateChannelAsync(channelOptions, cancellationToken);
    }

    private async Task<IConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            Uri = _options.Uri,
            ClientProvidedName = _options.ClientName ?? AppDomain.CurrentDomain.FriendlyName,
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = _options.NetworkRecoveryInterval,
            RequestedHeartbeat = TimeSpan.FromSeconds(15),
        };

        var pipeline = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<BrokerUnreachableException>().Handle<SocketException>().Handle<ConnectFailureException>(),
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
                logger.LogWarning("RabbitMQ connection lost: {Reason}; recovering", e.ReplyText);
            }
            return Task.CompletedTask;
        };
        connection.RecoverySucceededAsync += OnRecoverySucceededAsync;
        connection.ConnectionRecoveryErrorAsync += (_, e) =>
        {
            logger.LogWarning("RabbitMQ connection recovery attempt failed: {Error}", e.Exception.Message);
            return Task.CompletedTask;
        };

        try
        {
            await DeclareTopologyAsync(connection, cancellationToken);
        }
        catch
        {
            // Not kept (the next call connects anew), so not left open either.
            await connection.DisposeAsync();
            throw;
        }
        // The node actually reached (one of the endpoints, when given).
        logger.LogInformation("Connected to RabbitMQ at {Host}:{Port}{VirtualHost}",
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
            // Least-privilege users may not declare; a passive declare needs no permission and fails if a queue is missing.
            foreach (var queue in _queues)
            {
                await channel.QueueDeclarePassiveAsync(queue.Name, cancellationToken);
            }
            await channel.CloseAsync(cancellationToken);
            return;
        }
        await Topology.DeclareExchangesAsync(channel, cancellationToken);
        foreach (var queue in _queues)
        {
            await Topology.DeclareQueueAsync(channel, queue, _options.DeliveryLimit, _options.MaxQueueLength, cancellationToken);
        }
        await channel.CloseAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
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
