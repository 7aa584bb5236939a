using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Nop.Dashboard.Hub;
using Nop.Dashboard.Live;
using Nop.Testing;
using Serilog.Core;

namespace Nop.Dashboard.Tests;

/// <summary>The real Dashboard on Kestrel (127.0.0.1, a free port), pointed at a test's virtual host.</summary>
public sealed class DashboardApp : IAsyncDisposable
{
    /// <summary>The development operator's password hash ("operator").</summary>
    public const string OperatorHash =
        "AQAAAAIAAYagAAAAEMw+RGhQZB2ap4Zhwxe5aLFDd6Ra1ng8Oxag5gTW2H+W019zaJV7mHgfpkviMPJyQQ==";

    private readonly WebApplicationFactory<Program> _factory;
    private readonly List<PageClient> _pages = [];

    private DashboardApp(WebApplicationFactory<Program> factory, LogCapture logs)
    {
        _factory = factory;
        Logs = logs;
        Client = factory.CreateClient();
        BaseAddress = Client.BaseAddress!;
    }

    public LogCapture Logs { get; }

    public HttpClient Client { get; }

    public Uri BaseAddress { get; }

    public LiveFeed Feed => _factory.Services.GetRequiredService<LiveFeed>();

    public IServiceProvider Services => _factory.Services;

    /// <summary>Starts the Dashboard; <paramref name="environment"/> as ASPNETCORE_ENVIRONMENT.</summary>
    public static async Task<DashboardApp> StartAsync(VirtualHost vhost, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null, string environment = "Development")
    {
        var logs = new LogCapture();
        var configuration = new Dictionary<string, string?>
        {
            ["RabbitMq:Uri"] = vhost.Uri.ToString(),
            ["RabbitMq:PublishTimeout"] = "00:00:05",
            ["Dashboard:PushInterval"] = "00:00:00.200",
            ["Dashboard:RequestTimeout"] = "00:00:03",
            ["Dashboard:KibanaUrl"] = "http://kibana.test:5601/",
            ["Dashboard:Operators:0:Name"] = "operator",
            ["Dashboard:Operators:0:PasswordHash"] = OperatorHash,
            ["Logging:Console:Format"] = "none",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }
        var factory = new Factory(configuration, logs, services, environment);
        factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var app = new DashboardApp(factory, logs);
        await Eventually.TrueAsync(async () =>
        {
            using var ready = await app.Client.GetAsync(new Uri("/health/ready", UriKind.Relative));
            return ready.IsSuccessStatusCode;
        }, TimeSpan.FromSeconds(30), "the Dashboard is ready");
        return app;
    }

    /// <summary>Signs in and returns the session cookies.</summary>
    public async Task<CookieContainer> SignInAsync(
        string username = "operator", string password = "operator", CookieContainer? cookies = null)
    {
        cookies ??= new CookieContainer();
        using var handler = new HttpClientHandler { CookieContainer = cookies };
        using var http = new HttpClient(handler) { BaseAddress = BaseAddress };
        using var response =
            await http.PostAsJsonAsync(new Uri("/api/session", UriKind.Relative), new { username, password });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return cookies;
    }

    /// <summary>A connected page (a SignalR client recording everything pushed to it).</summary>
    public async Task<PageClient> OpenPageAsync(CookieContainer? cookies = null)
    {
        var page = await PageClient.ConnectAsync(new Uri(BaseAddress, DashboardHub.Path), cookies);
        _pages.Add(page);
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var page in _pages)
        {
            await page.DisposeAsync();
        }
        Client.Dispose();
        await _factory.DisposeAsync();
    }

    private sealed class Factory(
        IDictionary<string, string?> settings, LogCapture logs, Action<IServiceCollection>? configure,
        string environment)
        : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment(environment);
            builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(settings));
            builder.ConfigureServices(services =>
            {
                services.AddSingleton<ILogEventSink>(logs);
                configure?.Invoke(services);
            });
        }
    }
}

/// <summary>A SignalR client standing in for a browser page: records every push with the time it arrived.</summary>
public sealed class PageClient : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly List<(DateTime At, ReadingTick Tick)> _readings = [];
    private readonly List<int> _readingBatchSizes = [];
    private readonly List<LevelView> _levels = [];
    private readonly List<string> _levelJson = [];
    private readonly List<SensorStatusView> _statuses = [];
    private readonly List<AlertChange> _alerts = [];
    private readonly List<string> _resyncs = [];

    private static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private PageClient(HubConnection connection) => Connection = connection;

    public HubConnection Connection { get; }

    public static async Task<PageClient> ConnectAsync(Uri hub, CookieContainer? cookies)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(hub, o =>
            {
                if (cookies is not null)
                {
                    o.Cookies = cookies;
                }
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .WithAutomaticReconnect()
            .Build();
        var page = new PageClient(connection);
        connection.On<IReadOnlyList<ReadingTick>>(nameof(IDashboardClient.Readings), ticks =>
        {
            var now = DateTime.UtcNow;
            lock (page._lock)
            {
                page._readingBatchSizes.Add(ticks.Count);
                page._readings.AddRange(ticks.Select(t => (now, t)));
            }
        });
        // Kept as sent too, so a test can see what a window carries beyond LevelView's fields.
        connection.On<JsonElement>(nameof(IDashboardClient.Level), json =>
        {
            lock (page._lock)
            {
                page._levelJson.Add(json.GetRawText());
                page._levels.Add(json.Deserialize<LevelView>(PayloadJson)!);
            }
        });
        connection.On<SensorStatusView>(nameof(IDashboardClient.SensorStatus), status =>
            page.Add(page._statuses, status));
        connection.On<AlertChange>(nameof(IDashboardClient.Alert), change => page.Add(page._alerts, change));
        connection.On<string>(nameof(IDashboardClient.Resync), reason => page.Add(page._resyncs, reason));
        await connection.StartAsync();
        return page;
    }

    public IReadOnlyList<(DateTime At, ReadingTick Tick)> Readings => Copy(_readings);

    public IReadOnlyList<int> ReadingBatchSizes => Copy(_readingBatchSizes);

    public IReadOnlyList<LevelView> Levels => Copy(_levels);

    /// <summary>Each window exactly as the hub sent it.</summary>
    public IReadOnlyList<string> LevelJson => Copy(_levelJson);

    public IReadOnlyList<SensorStatusView> Statuses => Copy(_statuses);

    public IReadOnlyList<AlertChange> Alerts => Copy(_alerts);

    public IReadOnlyList<string> Resyncs => Copy(_resyncs);

    public Task<Snapshot> GetSnapshotAsync() => Connection.InvokeAsync<Snapshot>(nameof(DashboardHub.GetSnapshot));

    public Task<bool> AlertsAvailableAsync() => Connection.InvokeAsync<bool>(nameof(DashboardHub.AlertsAvailable));

    public Task<SensorHistory> GetHistoryAsync(string sensorId) =>
        Connection.InvokeAsync<SensorHistory>(nameof(DashboardHub.GetSensorHistory), sensorId);

    public Task<AcknowledgeView> AcknowledgeAsync(Guid alertId, string? comment = null) =>
        Connection.InvokeAsync<AcknowledgeView>(nameof(DashboardHub.Acknowledge), alertId, comment);

    private void Add<T>(List<T> list, T item)
    {
        lock (_lock)
        {
            list.Add(item);
        }
    }

    private T[] Copy<T>(List<T> list)
    {
        lock (_lock)
        {
            return [.. list];
        }
    }

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}
