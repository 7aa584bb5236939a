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

// This instance's own view of the event stream: three server-named, exclusive, auto-delete queues bound to
// nop.readings, nop.noise and nop.alerts, so every Dashboard instance sees every event and scaling
// out needs no SignalR backplane. These are live feeds, not work queues: deliveries are acknowledged as soon as they
// are applied, the readings and noise queues drop their oldest messages past a bound, and a restart of the instance
// loses nothing that matters (the page re-fetches open alerts from Alerting).
//
// Each queue has its own channel, so alerts never wait behind readings or windows, and no consumer waits for the
// pages: readings, windows and conditions only change LiveState (the ReadingPusher sends
// them), and an alert is handed to SignalR without awaiting the slowest connection.
//
// A queue the broker deletes (or a channel it closes) is declared again under a new name, and the pages are told to
// re-sync: the new queue starts empty. After a broker restart the client library's topology recovery declares the
// queues again (new names), re-binds and re-subscribes them; pages are then told to re-sync as well.
public sealed class LiveFeed(
    RabbitMqConnection connection,
    LiveState state,
    IHubContext<DashboardHub, IDashboardClient> hub,
    IOptions<DashboardOptions> options,
    ILogger<LiveFeed> logger) : BackgroundService
{
    private readonly DashboardOptions _options = options.Value;
    private readonly LiveQueue[] _queues =
    [
        new("readings", new Dictionary<string, object?>
        {
            ["x-max-length"] = options.Value.ReadingsQueueMaxLength,
            ["x-overflow"] = "drop-head",
        }, [(Exchanges.Readings, RoutingKeys.AllReadings)]),
        // Windows are replaced by the next one and conditions are re-synced from open alerts: lossy like readings.
        new("noise", new Dictionary<string, object?>
        {
            ["x-max-length"] = options.Value.NoiseQueueMaxLength,
            ["x-overflow"] = "drop-head",
        },
        [
            (Exchanges.Noise, RoutingKeys.AllLevelBatches),
            (Exchanges.Noise, RoutingKeys.AllLevels),
            (Exchanges.Noise, RoutingKeys.AllThresholds),
            (Exchanges.Noise, RoutingKeys.AllSensorFaults),
        ]),
        // Alerts are not replaceable: never dropped here.
        new("alerts", null, [(Exchanges.Alerts, RoutingKeys.AllAlerts)]),
    ];
    private IConnection? _watched;

    // True while every live queue is consumed on an open channel.
    public bool IsConsuming => connection.IsOpen && _queues.All(q => q.Channel is { IsOpen: true } && q.Consuming);

    // The names the broker gave this instance's readings, noise and alerts queues (they change after a broker
    // restart and after a queue is declared again).
    public IReadOnlyList<string> QueueNames => _queues.Select(q => q.Name).ToArray();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        connection.Recovered += OnRecoveredAsync;
        try
        {
            await Task.WhenAll(_queues.Select(queue => RunAsync(queue, stoppingToken)));
        }
        finally
        {
            connection.Recovered -= OnRecoveredAsync;
        }
    }

    private async Task RunAsync(LiveQueue queue, CancellationToken stoppingToken)
    {
        // The span's subscription name: the queue's own name is the broker's and changes with every declaration.
        var subscription = "dashboard.live." + queue.Label;
        while (!stoppingToken.IsCancellationRequested)
        {
            IChannel? channel = null;
            try
            {
                var conn = await connection.GetConnectionAsync(stoppingToken);
                WatchQueueRenames(conn);
                channel = await conn.CreateChannelAsync(cancellationToken: stoppingToken);
                await channel.BasicQosAsync(0, _options.Prefetch, false, stoppingToken);

                // A channel-level error closes only this channel, which automatic recovery does not bring back, and a
                // deleted queue cancels its consumer, which it does not re-declare: either way, start over.
                var ended = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
                channel.ChannelShutdownAsync += (_, e) =>
                {
                    if (e.Initiator != ShutdownInitiator.Application && conn.IsOpen)
                    {
                        ended.TrySetResult(e.ReplyText);
                    }
                    return Task.CompletedTask;
                };

                var redeclare = queue.Name.Length > 0;
                if (redeclare)
                {
                    // Gone already if the broker deleted it; if only the channel failed, the old queue would live on,
                    // unconsumed, as long as the connection (exclusive queues belong to the connection).
                    await channel.QueueDeleteAsync(queue.Name, cancellationToken: stoppingToken);
                }
                var name = await DeclareAsync(channel, queue, stoppingToken);

                var consumer = new AsyncEventingBasicConsumer(channel);
                var consumerChannel = channel;
                consumer.ReceivedAsync += (_, delivery) =>
                    OnDeliveryAsync(consumerChannel, subscription, delivery, stoppingToken);
                // The feed never cancels its consumers (it closes the channel): a cancel comes from the broker.
                consumer.UnregisteredAsync += (_, _) =>
                {
                    queue.Consuming = false;
                    ended.TrySetResult("the broker cancelled the consumer (queue deleted?)");
                    return Task.CompletedTask;
                };
                await channel.BasicConsumeAsync(name, autoAck: false, consumer, stoppingToken);
                queue.Name = name;
                queue.Channel = channel;
                queue.Consuming = true;
                logger.LogInformation("Live feed consuming {Queue} as {QueueName}", queue.Label, name);
                if (redeclare)
                {
                    // The new queue started empty: what was published meanwhile never reached this instance.
                    Forget(hub.Clients.All.Resync("live-queue-declared-again"), "the re-sync request");
                }

                var reason = await ended.Task.WaitAsync(stoppingToken);
                logger.LogWarning("Live feed of {Queue} ended by the broker ({Reason}); declaring it again",
                    queue.Label, reason);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Live feed of {Queue} failed; starting it again", queue.Label);
            }
            finally
            {
                queue.Consuming = false;
                queue.Channel = null;
                if (channel is not null)
                {
                    await channel.CloseQuietlyAsync();
                }
            }
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private void WatchQueueRenames(IConnection conn)
    {
        lock (_queues)
        {
            if (ReferenceEquals(_watched, conn))
            {
                return;
            }
            _watched = conn;
        }
        conn.QueueNameChangedAfterRecoveryAsync += (_, e) =>
        {
            foreach (var queue in _queues.Where(q => q.Name == e.NameBefore))
            {
                queue.Name = e.NameAfter;
            }
            logger.LogInformation("Live queue {QueueBefore} declared again as {QueueAfter}", e.NameBefore, e.NameAfter);
            return Task.CompletedTask;
        };
    }

    private static async Task<string> DeclareAsync(IChannel channel, LiveQueue queue,
        CancellationToken cancellationToken)
    {
        var ok = await channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true,
            queue.Arguments, cancellationToken: cancellationToken);
        foreach (var (exchange, routingKey) in queue.Bindings)
        {
            await channel.QueueBindAsync(ok.QueueName, exchange, routingKey, cancellationToken: cancellationToken);
        }
        return ok.QueueName;
    }

    private async Task OnDeliveryAsync(IChannel channel, string subscription, BasicDeliverEventArgs delivery,
        CancellationToken stoppingToken)
    {
        // The last hop of a reading's trace: the push to the pages happens under it.
        using var activity = MessagingTelemetry.StartProcess(subscription, delivery);
        var properties = delivery.BasicProperties;
        var correlationId = properties.CorrelationId ?? properties.MessageId ?? string.Empty;
        using var correlation = LogContext.PushProperty("CorrelationId", correlationId);
        using var messageId = LogContext.PushProperty("MessageId", properties.MessageId);
        using var messageType = LogContext.PushProperty("MessageType", properties.Type);
        try
        {
            if (MessageTypes.Find(properties.Type) is { } type
                && JsonSerializer.Deserialize(delivery.Body.Span,
                    NopJsonContext.Default.GetTypeInfo(type)!) is { } message)
            {
                Apply(message, correlationId);
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

        try
        {
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, stoppingToken);
        }
        catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.AlreadyClosedException
            or OperationCanceledException)
        {
            // The channel went away with the delivery; the exclusive queue went with it.
        }
    }

    // Changes the live state; only alerts go to the pages from here, and without waiting for them.
    private void Apply(object message, string correlationId)
    {
        switch (message)
        {
            case ReadingBatchReceived batch:
                state.OnReadings(batch);
                break;
            case ReadingReceived single:
                // An older Ingest's message, still in a queue after an upgrade.
                state.OnReadings(ReadingBatchReceived.From(single));
                break;
            case NoiseLevelsMeasured levels:
                // The serializer leaves a list's elements unchecked: a malformed message's null window is passed over.
                foreach (var level in levels.Windows.Where(w => w is not null))
                {
                    state.OnLevel(level);
                }
                break;
            case NoiseLevelMeasured level:
                // An older Processing's window of its own.
                state.OnLevel(level);
                break;
            case NoiseThresholdExceeded exceeded:
                state.OnThresholdExceeded(exceeded);
                break;
            case NoiseThresholdCleared cleared:
                state.OnThresholdCleared(cleared);
                break;
            case SensorFaultDetected fault:
                state.OnFault(fault);
                break;
            case AlertRaised raised:
                logger.LogInformation("Alert {AlertId} raised for {SensorId}: pushing to the pages", raised.AlertId,
                    raised.SensorId);
                PushAlert(new AlertChange("raised", raised.AlertId, raised.SensorId, raised.Rule, raised.RaisedAt,
                    correlationId, raised.Zone, raised.Severity, raised.Level, raised.Threshold, raised.Message));
                break;
            case AlertEscalated escalated:
                PushAlert(new AlertChange("escalated", escalated.AlertId, escalated.SensorId, escalated.Rule,
                    escalated.EscalatedAt, correlationId, Severity: escalated.Severity, Level: escalated.Level));
                break;
            case AlertAcknowledged acknowledged:
                logger.LogInformation("Alert {AlertId} acknowledged by {AcknowledgedBy}: pushing to the pages",
                    acknowledged.AlertId, acknowledged.AcknowledgedBy);
                PushAlert(new AlertChange("acknowledged", acknowledged.AlertId, acknowledged.SensorId,
                    acknowledged.Rule, acknowledged.AcknowledgedAt, correlationId,
                    AcknowledgedBy: acknowledged.AcknowledgedBy, Comment: acknowledged.Comment));
                break;
            case AlertResolved resolved:
                if (resolved.Rule == AlertRule.SensorFault)
                {
                    state.OnFaultResolved(resolved.SensorId);
                }
                PushAlert(new AlertChange("resolved", resolved.AlertId, resolved.SensorId, resolved.Rule,
                    resolved.ResolvedAt, correlationId, Reason: resolved.Reason));
                break;
        }
    }

    // Handed to SignalR, not awaited: a connection whose buffers are full holds up its own writes only. Each
    // connection's writes keep their order (SignalR queues them behind its write lock).
    private void PushAlert(AlertChange change) => Forget(hub.Clients.All.Alert(change), "an alert change");

    private void Forget(Task push, string what) => FanOut.Forget(push, logger, what);

    private async Task OnRecoveredAsync()
    {
        // The exclusive queues died with the old connection: whatever was published meanwhile never reached this
        // instance.
        logger.LogInformation("Broker connection recovered; asking the pages to re-sync");
        Forget(hub.Clients.All.Resync("broker-recovered"), "the re-sync request");
        await Task.CompletedTask;
    }

    // One live queue: what it is declared with, and its current name and state.
    private sealed class LiveQueue(string label, IDictionary<string, object?>? arguments,
        (string Exchange, string RoutingKey)[] bindings)
    {
        public string Label { get; } = label;

        public IDictionary<string, object?>? Arguments { get; } = arguments;

        public (string Exchange, string RoutingKey)[] Bindings { get; } = bindings;

        public volatile string Name = "";

        public volatile IChannel? Channel;

        public volatile bool Consuming;
    }
}

// Pushes the coalesced latest readings, windows and conditions to every page once per
// DashboardOptions.PushInterval, without waiting for the slowest page.
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
                Push();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private void Push()
    {
        // Readings and windows go to the pages that show their sensor (SensorGroups); conditions to every page, whose
        // header counts them.
        var ticks = state.TakePending();
        if (ticks.Count > 0)
        {
            FanOut.Forget(SensorGroups.SendReadingsAsync(hub.Clients, ticks), logger, "readings");
        }
        var (levels, statuses) = state.TakePendingChanges();
        foreach (var level in levels)
        {
            FanOut.Forget(hub.Clients.Groups(SensorGroups.For(level.SensorId)).Level(level), logger, "a window");
        }
        foreach (var status in statuses)
        {
            FanOut.Forget(hub.Clients.All.SensorStatus(status), logger, "a sensor condition");
        }
    }
}
