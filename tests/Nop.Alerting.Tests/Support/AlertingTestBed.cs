using System.Collections.Concurrent;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nop.Alerting.Data;
using Nop.Contracts;
using Nop.Messaging;
using Nop.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Nop.Alerting.Tests.Support;

/// <summary>
/// What one test runs against: its own virtual host on the real broker, its own SQLite file, a client that publishes
/// noise events and sends requests like Processing and the Dashboard do, and a spy queue on <c>nop.alerts</c>.
/// Alerting itself is started (and stopped, and started again) with <see cref="StartAlertingAsync"/>.
/// </summary>
public sealed class AlertingTestBed : IAsyncDisposable
{
    private readonly string _folder;
    private readonly ServiceProvider _client;
    private readonly List<AlertingApp> _apps = [];
    private IChannel? _spyChannel;

    private AlertingTestBed(VirtualHost vhost, string folder, ServiceProvider client)
    {
        VirtualHost = vhost;
        _folder = folder;
        _client = client;
        DatabasePath = Path.Combine(folder, "alerting.db");
        // A short busy timeout, so a locked database shows up as failures within a second.
        ConnectionString = $"Data Source={DatabasePath};Default Timeout=1";
    }

    public VirtualHost VirtualHost { get; }
    public string DatabasePath { get; }
    public string ConnectionString { get; }
    public MessagePublisher Publisher => _client.GetRequiredService<MessagePublisher>();
    public RequestClient Requests => _client.GetRequiredService<RequestClient>();
    public RabbitMqConnection Connection => _client.GetRequiredService<RabbitMqConnection>();

    /// <summary>Everything published to <c>nop.alerts</c>, in arrival order.</summary>
    public ConcurrentQueue<Published> Alerts { get; } = new();

    public static async Task<AlertingTestBed> CreateAsync(string hint)
    {
        var vhost = await TestBroker.CreateVirtualHostAsync(hint);
        var folder = Path.Combine(Path.GetTempPath(), "nop-alerting-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(
            Options.Create(new RabbitMqOptions { Uri = vhost.Uri, ClientName = "alerting-tests-client" }));
        services.AddSingleton<RabbitMqConnection>();
        services.AddSingleton<MessagePublisher>();
        services.AddSingleton<RequestClient>();
        var bed = new AlertingTestBed(vhost, folder, services.BuildServiceProvider());
        await bed.StartSpyAsync();
        return bed;
    }

    /// <summary>
    /// Starts Alerting on this bed's virtual host and database, and waits until its consumers are registered.
    /// </summary>
    public async Task<AlertingApp> StartAlertingAsync(Action<IServiceCollection>? services = null,
        IDictionary<string, string?>? settings = null)
    {
        var app = new AlertingApp(this, services, settings);
        _apps.Add(app);
        await app.StartAsync();
        return app;
    }

    /// <summary>Publishes a noise event as Processing does (confirmed, mandatory) with the given ids.</summary>
    public Task PublishAsync<T>(T message, string? messageId = null, string? correlationId = null) where T : IMessage,
        ISensorMessage
    {
        var routingKey = message switch
        {
            NoiseSpikeDetected m => RoutingKeys.Spike(m.SensorId),
            NoiseThresholdExceeded m => RoutingKeys.ThresholdExceeded(m.SensorId),
            NoiseThresholdCleared m => RoutingKeys.ThresholdCleared(m.SensorId),
            SensorFaultDetected m => RoutingKeys.SensorFault(m.SensorId),
            SensorFaultCleared m => RoutingKeys.SensorFaultCleared(m.SensorId),
            _ => throw new ArgumentException($"Not a noise event: {typeof(T).Name}"),
        };
        return Publisher.PublishAsync(Exchanges.Noise, routingKey, message,
            new PublishOptions { MessageId = messageId, CorrelationId = correlationId });
    }

    /// <summary>A context on the test's SQLite file, for looking at what Alerting stored.</summary>
    public SqliteAlertingDbContext OpenDatabase() =>
        new(new DbContextOptionsBuilder<SqliteAlertingDbContext>().UseSqlite(ConnectionString).Options);

    /// <summary>
    /// Messages in a queue right now (queue.declare passive: exact, unlike the management API's sampled stats).
    /// </summary>
    public async Task<uint> CountMessagesAsync(string queue)
    {
        await using var channel = await Connection.CreateChannelAsync();
        return await channel.MessageCountAsync(queue);
    }

    /// <summary>
    /// Sets the guest user's write permission on this virtual host (e.g. refuse publishes to one exchange).
    /// </summary>
    public Task SetWritePermissionAsync(string write) => VirtualHost.SetOwnPermissionsAsync(".*", write, ".*");

    private async Task StartSpyAsync()
    {
        _spyChannel = await Connection.CreateChannelAsync();
        var queue = (await _spyChannel.QueueDeclareAsync("test.alerts.spy", durable: false, exclusive: true,
            autoDelete: true)).QueueName;
        await _spyChannel.QueueBindAsync(queue, Exchanges.Alerts, "alert.#");
        var consumer = new AsyncEventingBasicConsumer(_spyChannel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            var p = delivery.BasicProperties;
            Alerts.Enqueue(new Published(delivery.RoutingKey, p.Type ?? "", p.MessageId ?? "", p.CorrelationId ?? "",
                TestBroker.Header(p.Headers, EnvelopeHeaders.CausationId),
                    Encoding.UTF8.GetString(delivery.Body.Span)));
            return Task.CompletedTask;
        };
        await _spyChannel.BasicConsumeAsync(queue, autoAck: true, consumer);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }
        if (_spyChannel is not null)
        {
            await _spyChannel.DisposeAsync();
        }
        await _client.DisposeAsync();
        await VirtualHost.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    internal IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("RabbitMq:Uri", VirtualHost.Uri.ToString()),
        new("RabbitMq:ClientName", "alerting-under-test"),
        new("ConnectionStrings:Alerting", ConnectionString),
        new("Logging:Console:Format", "none"),
        new("Alerting:Outbox:MaxBackoff", "00:00:01"),
    ];
}

/// <summary>A message seen on <c>nop.alerts</c>.</summary>
public sealed record Published(string RoutingKey, string Type, string MessageId, string CorrelationId,
    string? CausationId, string Body);
