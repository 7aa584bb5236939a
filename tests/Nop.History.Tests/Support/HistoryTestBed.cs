using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.History.Data;
using Nop.Messaging;
using Nop.Testing;
using RabbitMQ.Client;

namespace Nop.History.Tests.Support;

/// <summary>
/// What one test runs against: its own virtual host on the real broker, its own SQLite file, and a client that
/// publishes noise events like Processing and asks History like the Dashboard. History itself is started (and
/// stopped, and started again) with <see cref="StartHistoryAsync"/>.
/// </summary>
public sealed class HistoryTestBed : IAsyncDisposable
{
    private readonly string _folder;
    private readonly ServiceProvider _client;
    private readonly List<HistoryApp> _apps = [];

    private HistoryTestBed(VirtualHost vhost, string folder, ServiceProvider client)
    {
        VirtualHost = vhost;
        _folder = folder;
        _client = client;
        ConnectionString = $"Data Source={Path.Combine(folder, "history.db")}";
    }

    public VirtualHost VirtualHost { get; }
    public string ConnectionString { get; }
    public MessagePublisher Publisher => _client.GetRequiredService<MessagePublisher>();
    public RequestClient Requests => _client.GetRequiredService<RequestClient>();
    public RabbitMqConnection Connection => _client.GetRequiredService<RabbitMqConnection>();

    public static async Task<HistoryTestBed> CreateAsync(string hint)
    {
        var vhost = await TestBroker.CreateVirtualHostAsync(hint);
        var folder = Path.Combine(Path.GetTempPath(), "nop-history-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(
            Options.Create(new RabbitMqOptions { Uri = vhost.Uri, ClientName = "history-tests-client" }));
        services.AddSingleton<RabbitMqConnection>();
        services.AddSingleton<MessagePublisher>();
        services.AddSingleton<RequestClient>();
        return new HistoryTestBed(vhost, folder, services.BuildServiceProvider());
    }

    /// <summary>Starts History on this bed's virtual host and database and waits until its consumers are registered.
    /// </summary>
    public async Task<HistoryApp> StartHistoryAsync(IDictionary<string, string?>? settings = null,
        bool reading = true)
    {
        var app = new HistoryApp(this, settings);
        _apps.Add(app);
        await app.StartAsync(reading);
        return app;
    }

    /// <summary>Stops a History (its last batch is written with its offset, the reader's lease is given up).</summary>
    public async Task StopAsync(HistoryApp app)
    {
        _apps.Remove(app);
        await app.DisposeAsync();
    }

    /// <summary>Publishes a noise event as Processing does (confirmed, mandatory).</summary>
    public Task PublishAsync<T>(T message, string? messageId = null) where T : IMessage, ISensorMessage
    {
        var routingKey = message switch
        {
            NoiseLevelMeasured m => RoutingKeys.Level(m.SensorId),
            NoiseThresholdExceeded m => RoutingKeys.ThresholdExceeded(m.SensorId),
            NoiseThresholdCleared m => RoutingKeys.ThresholdCleared(m.SensorId),
            _ => throw new ArgumentException($"Not a level event: {typeof(T).Name}"),
        };
        return Publisher.PublishAsync(Exchanges.Noise, routingKey, message,
            new PublishOptions { MessageId = messageId });
    }

    /// <summary>Publishes windows in one message, as Processing does for the windows a checkpoint closed.</summary>
    public Task PublishLevelsAsync(params IReadOnlyList<NoiseLevelMeasured> windows) =>
        Publisher.PublishAsync(Exchanges.Noise, RoutingKeys.Levels(0), new NoiseLevelsMeasured(windows));

    /// <summary>Publishes a body that is not a valid message of its declared type.</summary>
    public Task PublishRawAsync(string routingKey, string messageType, string body) =>
        Publisher.PublishRawAsync(Exchanges.Noise, routingKey,
            new BasicProperties
            {
                Type = messageType,
                MessageId = Guid.NewGuid().ToString("N"),
                ContentType = "application/json",
                Persistent = true,
            },
            Encoding.UTF8.GetBytes(body), mandatory: true, CancellationToken.None);

    public Task<LevelSeries> GetLevelsAsync(string sensorId, DateTimeOffset from, DateTimeOffset to,
        LevelResolution resolution) =>
        Requests.RequestAsync<GetLevels, LevelSeries>(RoutingKeys.HistoryQuery,
            new GetLevels(sensorId, from, to, resolution));

    public Task<DayIndicatorTable> GetDayAsync(DateOnly date) =>
        Requests.RequestAsync<GetDayIndicators, DayIndicatorTable>(RoutingKeys.HistoryQuery,
            new GetDayIndicators(date));

    public Task<IndicatorSeries> GetIndicatorsAsync(string sensorId, DateOnly from, DateOnly to,
        IndicatorSpan span) =>
        Requests.RequestAsync<GetIndicators, IndicatorSeries>(RoutingKeys.HistoryQuery,
            new GetIndicators(sensorId, from, to, span));

    /// <summary>Messages in a queue right now (queue.declare passive: exact).</summary>
    public async Task<uint> CountMessagesAsync(string queue)
    {
        await using var channel = await Connection.CreateChannelAsync();
        return await channel.MessageCountAsync(queue);
    }

    /// <summary>Deletes History's database file (History must be stopped): the next History starts empty.</summary>
    public void DeleteDatabase()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(_folder, "history.db*"))
        {
            File.Delete(file);
        }
    }

    /// <summary>A context on the test's SQLite file, for looking at what History stored.</summary>
    public SqliteHistoryDbContext OpenDatabase() =>
        new(new DbContextOptionsBuilder<SqliteHistoryDbContext>().UseSqlite(ConnectionString).Options);

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
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
        new("RabbitMq:ClientName", "history-under-test"),
        new("RabbitMq:RetryDelays:0", "00:00:00.100"),
        new("RabbitMq:RetryDelays:1", "00:00:00.100"),
        new("ConnectionStrings:History", ConnectionString),
        new("Logging:Console:Format", "none"),
        // The tests' days are fixed dates (2026-06-15, a 24-hour day in Vienna): keep their windows.
        new("History:MinuteRetention", "3650.00:00:00"),
        new("History:Writer:FlushInterval", "00:00:00.050"),
        new("History:Stream:ReaderLeaseDuration", "00:00:03"),
        TestAdmin.Setting,
    ];
}
