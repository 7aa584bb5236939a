using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.Dashboard.Hub;
using Nop.Messaging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Serilog.Context;

namespace Nop.Dashboard.Live;

/// <summary>
/// This instance's own view of the event stream: three server-named, exclusive, auto-delete queues bound to
/// <c>nop.readings</c>, <c>nop.noise</c> and <c>nop.alerts</c>, so every Dashboard instance sees every event and scaling
/// out needs no SignalR backplane. These are live feeds, not work queues: deliveries are acknowledged as soon as they are
/// applied, the readings queue drops its oldest messages past a bound, and a restart of the instance loses nothing that
/// matters (the page re-fetches open alerts from Alerting). After a broker restart the client library's topology recovery
/// declares the queues again (new names), re-binds and re-subscribes them; pages are then told to re-sync.
/// </summary>
public sealed class LiveFeed(
    RabbitMqConnection connection,
    LiveState state,
    IHubContext<DashboardHub, IDashboardClient> hub,
    IOptions<DashboardOptions> options,
    ILogger<LiveFeed> logger) : BackgroundService
{
    private readonly DashboardOptions _options = options.Value;
    private volatile IChannel? _channel;
    private volatile IReadOnlyList<string> _queueNames = [];
    private IConnection? _watched;

    /// <summary>True while the feed's channel is open and its consumers are registered.</summary>
    public bool IsConsuming => _channel is { IsOpen: true } && connection.IsOpen;

    /// <summary>The names the broker gave this instance's queues (they change after a broker restart).</summary>
    public IReadOnlyList<string> QueueNames => _queueNames;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        connection.Recovered += OnRecoveredAsync;
        try
        {
            await RunAsync(stoppingToken);
        }
        finally
        {
            connection.Recovered -= OnRecoveredAsync;
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            IChannel? channel = null;
            try
            {
                var conn = await connection.GetConnectionAsync(stoppingToken);
                WatchQueueRenames(conn);
                channel = await conn.CreateChannelAsync(cancellationToken: stoppingToken);
                await channel.BasicQosAsync(0, _options.Prefetch, false, stoppingToken);

                // A channel-level error closes only this channel, which automatic recovery does not bring back: start over.
                var broken = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
                channel.ChannelShutdownAsync += (_, e) =>
                {
                    if (e.Initiator != ShutdownInitiator.Application && conn.IsOpen)
                    {
                        broken.TrySetResult(e.ReplyText);
                    }
                    return Task.CompletedTask;
                };

                var readings = await DeclareAsync(channel, new Dictionary<string, object?>
                {
                    ["x-max-length"] = _options.ReadingsQueueMaxLength,
                    ["x-overflow"] = "drop-head",
                }, [(Exchanges.Readings, RoutingKeys.AllReadings)], stoppingToken);
                var noise = await DeclareAsync(channel, null,
                [
                    (Exchanges.Noise, RoutingKeys.AllLevels),
                    (Exchanges.Noise, RoutingKeys.AllSpikes),
                    (Exchanges.Noise, RoutingKeys.AllThresholds),
                    (Exchanges.Noise, RoutingKeys.AllSensorFaults),
                ], stoppingToken);
                var alerts = await DeclareAsync(channel, null, [(Exchanges.Alerts, RoutingKeys.AllAlerts)], stoppingToken);

                foreach (var queue in new[] { readings, noise, alerts })
                {
                    var consumer = new AsyncEventingBasicConsumer(channel);
                    var consumerChannel = channel;
                    consumer.ReceivedAsync += (_, delivery) => OnDeliveryAsync(consumerChannel, delivery, stoppingToken);
                    await channel.BasicConsumeAsync(queue, autoAck: false, consumer, stoppingToken);
                }
                _queueNames = [readings, noise, alerts];
                _channel = channel;
                logger.LogInformation("Live feed consuming {ReadingsQueue}, {NoiseQueue} and {AlertsQueue}", readings, noise, alerts);

                var reason = await broken.Task.WaitAsync(stoppingToken);
                logger.LogWarning("Live feed channel closed by the broker ({Reason}); opening a new one", reason);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Live feed failed; starting it again");
            }
            finally
            {
                _channel = null;
                if (channel is not null)
                {
                    await CloseQuietlyAsync(channel);
                }
            }
            await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
        }
    }

    private void WatchQueueRenames(IConnection conn)
    {
        if (ReferenceEquals(_watched, conn))
        {
            return;
        }
        _watched = conn;
        conn.QueueNameChangedAfterRecoveryAsync += (_, e) =>
        {
            _queueNames = _queueNames.Select(name => name == e.NameBefore ? e.NameAfter : name).ToArray();
            logger.LogInformation("Live queue {QueueBefore} declared again as {QueueAfter}", e.NameBefore, e.NameAfter);
            return Task.CompletedTask;
        };
    }

    private static async Task<string> DeclareAsync(IChannel channel, IDictionary<string, object?>? arguments,
        (string Exchange, string RoutingKey)[] bindings, CancellationToken cancellationToken)
    {
        var ok = await channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true, arguments,
            cancellationToken: cancellationToken);
        foreach (var (exchange, routingKey) in bindings)
        {
            await channel.QueueBindAsync(ok.QueueName, exchange, routingKey, cancellationToken: cancellationToken);
        }
        return ok.QueueName;
    }

    private async Task OnDeliveryAsync(IChannel channel, BasicDeliverEventArgs delivery, CancellationToken stoppingToken)
    {
        var properties = delivery.BasicProperties;
        var correlationId = properties.CorrelationId ?? properties.MessageId ?? string.Empty;
        using var correlation = LogContext.PushProperty("CorrelationId", correlationId);
        using var messageId = LogContext.PushProperty("MessageId", properties.MessageId);
        using var messageType = LogContext.PushProperty("MessageType", properties.Type);
        try
        {
            if (MessageTypes.Find(properties.Type) is { } type
                && JsonSerializer.Deserialize(delivery.Body.Span, NopJsonContext.Default.GetTypeInfo(type)!) is { } message)
            {
                await ApplyAsync(message, correlationId);
            }
            else
            {
                logger.LogDebug("Ignored a {MessageType} message on the live feed", properties.Type);
            }
        }
        catch (JsonException ex)
        {
            // A live view has nothing to retry: skip what it cannot read.
            logger.LogWarning(ex, "Skipped an unreadable {MessageType} message on the live feed", properties.Type);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not push a {MessageType} message to the pages", properties.Type);
        }

        try
        {
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, stoppingToken);
        }
        catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.AlreadyClosedException or OperationCanceledException)
        {
            // The channel went away with the delivery; the exclusive queue went with it.
        }
    }

    private Task ApplyAsync(object message, string correlationId)
    {
        var clients = hub.Clients.All;
        switch (message)
        {
            case ReadingBatchReceived batch:
                state.OnReadings(batch);
                return Task.CompletedTask;
            case ReadingReceived single:
                // An older Ingest's message, still in a queue after an upgrade.
                state.OnReadings(ReadingBatchReceived.From(single));
                return Task.CompletedTask;
            case NoiseSpikeDetected spike:
                state.OnSpike(spike);
                return Task.CompletedTask;
            case NoiseLevelMeasured level:
                return hub.Clients.Groups(SensorGroups.For(level.SensorId)).Level(state.OnLevel(level));
            case NoiseThresholdExceeded exceeded:
                return clients.SensorStatus(state.OnThresholdExceeded(exceeded));
            case NoiseThresholdCleared cleared:
                return clients.SensorStatus(state.OnThresholdCleared(cleared));
            case SensorFaultDetected fault:
                return clients.SensorStatus(state.OnFault(fault));
            case AlertRaised raised:
                logger.LogInformation("Alert {AlertId} raised for {SensorId}: pushing to the pages", raised.AlertId, raised.SensorId);
                return clients.Alert(new AlertChange("raised", raised.AlertId, raised.SensorId, raised.Rule, raised.RaisedAt, correlationId,
                    raised.Zone, raised.Severity, raised.Level, raised.Threshold, raised.Message));
            case AlertEscalated escalated:
                return clients.Alert(new AlertChange("escalated", escalated.AlertId, escalated.SensorId, escalated.Rule, escalated.EscalatedAt,
                    correlationId, Severity: escalated.Severity, Level: escalated.Level));
            case AlertAcknowledged acknowledged:
                logger.LogInformation("Alert {AlertId} acknowledged by {AcknowledgedBy}: pushing to the pages", acknowledged.AlertId, acknowledged.AcknowledgedBy);
                return clients.Alert(new AlertChange("acknowledged", acknowledged.AlertId, acknowledged.SensorId, acknowledged.Rule,
                    acknowledged.AcknowledgedAt, correlationId, AcknowledgedBy: acknowledged.AcknowledgedBy));
            case AlertResolved resolved:
                if (resolved.Rule == AlertRule.SensorFault)
                {
                    state.OnFaultResolved(resolved.SensorId);
                }
                return clients.Alert(new AlertChange("resolved", resolved.AlertId, resolved.SensorId, resolved.Rule, resolved.ResolvedAt,
                    correlationId, Reason: resolved.Reason));
            default:
                return Task.CompletedTask;
        }
    }

    private async Task OnRecoveredAsync()
    {
        // The exclusive queues died with the old connection: whatever was published meanwhile never reached this instance.
        logger.LogInformation("Broker connection recovered; asking the pages to re-sync");
        await hub.Clients.All.Resync("broker-recovered");
    }

    private async Task CloseQuietlyAsync(IChannel channel)
    {
        try
        {
            if (channel.IsOpen)
            {
                await channel.CloseAsync();
            }
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "Closing the live feed channel failed");
        }
        channel.Dispose();
    }
}

/// <summary>Pushes the coalesced latest readings to every page once per <see cref="DashboardOptions.PushInterval"/>.</summary>
public sealed class ReadingPusher(
    LiveState state,
    IHubContext<DashboardHub, IDashboardClient> hub,
    IOptions<DashboardOptions> options,
    TimeProvider time,
    ILogger<ReadingPusher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var ticks = state.TakePending();
                if (ticks.Count == 0)
                {
                    continue;
                }
                try
                {
                    await SensorGroups.SendReadingsAsync(hub.Clients, ticks);
                }
                catch (Exception ex)
                {
                    logger.LogWarning(ex, "Pushing {Count} readings failed", ticks.Count);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
