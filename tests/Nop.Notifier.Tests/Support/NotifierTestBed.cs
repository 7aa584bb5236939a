using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.Messaging;
using Nop.Notifier.Data;
using Nop.Notifier.Subscriptions;
using Nop.Testing;

namespace Nop.Notifier.Tests.Support;

/// <summary>
/// What one test runs against: its own virtual host on the real broker, its own SQLite file, a real SMTP server and a
/// real webhook receiver in the test process, and a client that publishes alert events like Alerting and asks
/// Notifier like the Dashboard. Notifier itself is started with <see cref="StartNotifierAsync"/> (in-process) or as a
/// process with <see cref="ProcessEnvironment"/>.
/// </summary>
public sealed class NotifierTestBed : IAsyncDisposable
{
    /// <summary>Bounds every wait of these tests.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private readonly string _folder;
    private readonly ServiceProvider _client;
    private readonly List<NotifierApp> _apps = [];

    private NotifierTestBed(VirtualHost vhost, string folder, ServiceProvider client, MailServer mail,
        WebhookReceiver hooks)
    {
        VirtualHost = vhost;
        _folder = folder;
        _client = client;
        Mail = mail;
        Hooks = hooks;
        ConnectionString = $"Data Source={Path.Combine(folder, "notifier.db")}";
    }

    public VirtualHost VirtualHost { get; }
    public string ConnectionString { get; }
    public MailServer Mail { get; }
    public WebhookReceiver Hooks { get; }
    public MessagePublisher Publisher => _client.GetRequiredService<MessagePublisher>();
    public RequestClient Requests => _client.GetRequiredService<RequestClient>();
    public RabbitMqConnection Connection => _client.GetRequiredService<RabbitMqConnection>();

    public static async Task<NotifierTestBed> CreateAsync(string hint)
    {
        var vhost = await TestBroker.CreateVirtualHostAsync(hint);
        var folder = Path.Combine(Path.GetTempPath(), "nop-notifier-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(
            Options.Create(new RabbitMqOptions { Uri = vhost.Uri, ClientName = "notifier-tests-client" }));
        services.AddSingleton<RabbitMqConnection>();
        services.AddSingleton<MessagePublisher>();
        services.AddSingleton<RequestClient>();
        return new NotifierTestBed(vhost, folder, services.BuildServiceProvider(), await MailServer.StartAsync(),
            await WebhookReceiver.StartAsync());
    }

    /// <summary>Starts Notifier with these subscriptions (and settings, and clock) on this bed, and waits until its
    /// consumers are registered.</summary>
    public async Task<NotifierApp> StartNotifierAsync(IEnumerable<SubscriptionOptions> subscriptions,
        IDictionary<string, string?>? settings = null, TimeProvider? clock = null)
    {
        var app = new NotifierApp(Settings(subscriptions, settings), clock);
        _apps.Add(app);
        await app.StartAsync();
        return app;
    }

    /// <summary>The same configuration as environment variables, for Notifier as a <see cref="ServiceProcess"/>.
    /// </summary>
    public Dictionary<string, string> ProcessEnvironment(IEnumerable<SubscriptionOptions> subscriptions,
        IDictionary<string, string?>? settings = null)
    {
        var environment = Settings(subscriptions, settings).ToDictionary(s => s.Key, s => s.Value ?? "");
        environment["DOTNET_ENVIRONMENT"] = "Testing";
        environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        return environment;
    }

    /// <summary>Publishes an alert event on nop.alerts as Alerting does (confirmed, mandatory).</summary>
    public Task PublishAsync<T>(T message, string? messageId = null) where T : IMessage =>
        Publisher.PublishAsync(Exchanges.Alerts, AlertEvents.RoutingKey(message), message,
            new PublishOptions { MessageId = messageId });

    /// <summary>Asks Notifier who was told about an alert, as the Dashboard does.</summary>
    public Task<AlertNotifications> GetNotificationsAsync(Guid alertId) =>
        Requests.RequestAsync<GetAlertNotifications, AlertNotifications>(RoutingKeys.NotifierQuery,
            new GetAlertNotifications(alertId));

    /// <summary>A context on the test's SQLite file, for looking at what Notifier recorded.</summary>
    public SqliteNotifierDbContext OpenDatabase() =>
        new(new DbContextOptionsBuilder<SqliteNotifierDbContext>().UseSqlite(ConnectionString).Options);

    /// <summary>The delivery rows of an alert (all rows when null).</summary>
    public async Task<List<Delivery>> DeliveriesAsync(Guid? alertId = null)
    {
        await using var db = OpenDatabase();
        return await db.Deliveries.AsNoTracking().Where(d => alertId == null || d.AlertId == alertId).ToListAsync();
    }

    /// <summary>Waits until every delivery row of the alert has one of these statuses (and there are
    /// <paramref name="count"/> of them).</summary>
    public async Task<List<Delivery>> SettledAsync(Guid alertId, int count, params NotificationStatus[] statuses)
    {
        List<Delivery> rows = [];
        await Eventually.TrueAsync(async () =>
        {
            rows = await DeliveriesAsync(alertId);
            return rows.Count == count && rows.All(r => statuses.Contains(r.Status));
        }, Wait, () => $"the {count} deliveries of {alertId} are {string.Join("/", statuses)}: "
            + string.Join("; ", rows.Select(r => $"{r.Stage} {r.SubscriptionId} {r.Status} {r.Detail}")));
        return rows;
    }

    /// <summary>Messages in a queue right now (queue.declare passive: exact).</summary>
    public async Task<uint> CountMessagesAsync(string queue)
    {
        await using var channel = await Connection.CreateChannelAsync();
        return await channel.MessageCountAsync(queue);
    }

    /// <summary>The messages parked in a dead queue (left there, unacknowledged): message id, reason and error.
    /// </summary>
    public async Task<List<(string MessageId, string? Reason, string? Error)>> PeekDeadAsync(string queue)
    {
        var parked = new List<(string, string?, string?)>();
        await using var channel = await Connection.CreateChannelAsync();
        while (await channel.BasicGetAsync(Queues.DeadOf(queue), autoAck: false) is { } message)
        {
            var headers = message.BasicProperties.Headers;
            parked.Add((message.BasicProperties.MessageId ?? "",
                TestBroker.Header(headers, EnvelopeHeaders.DeadLetterReason),
                TestBroker.Header(headers, EnvelopeHeaders.ExceptionMessage)));
        }
        return parked;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
            await app.DisposeAsync();
        await Hooks.DisposeAsync();
        await Mail.DisposeAsync();
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

    private Dictionary<string, string?> Settings(IEnumerable<SubscriptionOptions> subscriptions,
        IDictionary<string, string?>? settings)
    {
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["RabbitMq:Uri"] = VirtualHost.Uri.ToString(),
            ["RabbitMq:ClientName"] = "notifier-under-test",
            // As many entries as appsettings.json has (arrays merge index by index): 6 attempts in all.
            ["RabbitMq:RetryDelays:0"] = "00:00:00.100",
            ["RabbitMq:RetryDelays:1"] = "00:00:00.100",
            ["RabbitMq:RetryDelays:2"] = "00:00:00.200",
            ["RabbitMq:RetryDelays:3"] = "00:00:00.200",
            ["RabbitMq:RetryDelays:4"] = "00:00:00.300",
            ["ConnectionStrings:Notifier"] = ConnectionString,
            ["Logging:Console:Format"] = "none",
            ["Notifier:Smtp:Host"] = "127.0.0.1",
            ["Notifier:Smtp:Port"] = Mail.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Notifier:Smtp:Security"] = "None",
            ["Notifier:Smtp:Timeout"] = "00:00:05",
            ["Notifier:Webhook:Timeout"] = "00:00:05",
            ["Notifier:ScheduleInterval"] = "00:00:00.200",
            ["Notifier:Outbox:MaxBackoff"] = "00:00:01",
        };
        foreach (var (key, value) in Subscribe.Settings(subscriptions))
            all[key] = value;
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            all[key] = value;
        return all;
    }
}
