using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.Messaging;
using Nop.ServiceDefaults;
using Nop.Testing;
using RabbitMQ.Client;
using Serilog.Core;

namespace Nop.Archiver.Tests.Support;

/// <summary>
/// What one test runs against: its own virtual host on the real broker with the levels stream, its own archive folder,
/// and a publisher that publishes noise events like Processing. The archiver is started (and stopped, and started
/// again) with <see cref="StartArchiverAsync"/>, in-process, composed as Program composes it.
/// </summary>
public sealed class ArchiverTestBed : IAsyncDisposable
{
    private const string ArchiverClientName = "archiver-under-test";
    private readonly ServiceProvider _client;
    private readonly List<IHost> _hosts = [];

    private ArchiverTestBed(VirtualHost vhost, string folder, ServiceProvider client)
    {
        VirtualHost = vhost;
        Folder = folder;
        _client = client;
    }

    public VirtualHost VirtualHost { get; }
    public string Folder { get; }
    public LogCapture Logs { get; } = new();
    public MessagePublisher Publisher => _client.GetRequiredService<MessagePublisher>();

    public static async Task<ArchiverTestBed> CreateAsync(string hint, bool declareStream = true)
    {
        var vhost = await TestBroker.CreateVirtualHostAsync(hint);
        var folder = Path.Combine(Path.GetTempPath(), "nop-archiver-tests", Guid.NewGuid().ToString("N"));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        // Its connection declares NOP's exchanges (nop.noise among them) when it connects.
        services.AddSingleton(
            Options.Create(new RabbitMqOptions { Uri = vhost.Uri, ClientName = "archiver-tests-client" }));
        services.AddSingleton<RabbitMqConnection>();
        services.AddSingleton<MessagePublisher>();
        var bed = new ArchiverTestBed(vhost, folder, services.BuildServiceProvider());
        await bed._client.GetRequiredService<RabbitMqConnection>().GetConnectionAsync();
        if (declareStream)
        {
            await bed.DeclareStreamAsync();
        }
        return bed;
    }

    /// <summary>
    /// Declares the levels stream as History does (Topology.LevelsStream and HistoryLevelsReader of the h20-stream
    /// branch, repeated here until it is on main): a stream with the default retention, bound to nop.noise for window
    /// levels and threshold events, and to History's retry exchange by its reader's name, through which History
    /// replays its dead letters into the stream.
    /// </summary>
    public async Task DeclareStreamAsync()
    {
        var factory = new ConnectionFactory { Uri = VirtualHost.Uri };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(Queues.LevelsStream, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?>
            {
                ["x-queue-type"] = "stream",
                ["x-max-age"] = "35D",
                ["x-max-length-bytes"] = 20_000_000_000L,
                ["x-stream-max-segment-size-bytes"] = 500_000_000,
            });
        await channel.QueueBindAsync(Queues.LevelsStream, Exchanges.Noise, RoutingKeys.AllLevelBatches);
        await channel.QueueBindAsync(Queues.LevelsStream, Exchanges.Noise, RoutingKeys.AllLevels);
        await channel.QueueBindAsync(Queues.LevelsStream, Exchanges.Noise, RoutingKeys.AllThresholds);
        await channel.ExchangeDeclareAsync(HistoryRetryExchange, ExchangeType.Direct, durable: true);
        await channel.QueueBindAsync(Queues.LevelsStream, HistoryRetryExchange, Queues.HistoryLevels);
    }

    public static string HistoryRetryExchange => Exchanges.RetryOf(Queues.HistoryLevels);

    public Task PublishAsync(NoiseLevelMeasured level) =>
        Publisher.PublishAsync(Exchanges.Noise, RoutingKeys.Level(level.SensorId), level);

    /// <summary>Publishes windows in one message, as Processing does for the windows a checkpoint closed.</summary>
    public Task PublishLevelsAsync(IReadOnlyList<NoiseLevelMeasured> levels) =>
        Publisher.PublishAsync(Exchanges.Noise, RoutingKeys.Levels(0), new NoiseLevelsMeasured(levels));

    public Task PublishAsync(NoiseThresholdExceeded exceeded) =>
        Publisher.PublishAsync(Exchanges.Noise, RoutingKeys.ThresholdExceeded(exceeded.SensorId), exceeded);

    /// <summary>Appends a window to the stream as History's dead-letter replay does.</summary>
    public Task ReplayAsHistoryAsync(NoiseLevelMeasured level) =>
        Publisher.PublishAsync(HistoryRetryExchange, Queues.HistoryLevels, level);

    /// <summary>Starts the archiver on this bed's virtual host (as its user, or <paramref name="brokerUri"/>'s) and
    /// folder.</summary>
    public async Task<IHost> StartArchiverAsync(Uri? brokerUri = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "Nop.Archiver",
            EnvironmentName = "Testing",
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RabbitMq:Uri"] = (brokerUri ?? VirtualHost.Uri).ToString(),
            ["RabbitMq:ClientName"] = ArchiverClientName,
            ["Archiver:Directory"] = Folder,
            ["Archiver:RetryDelay"] = "00:00:00.200",
            // Small batches, so a test's handful of windows spans several commits.
            ["Archiver:Prefetch"] = "3",
            ["Logging:Console:Format"] = "none",
            ["Serilog:MinimumLevel:Default"] = "Debug",
        });
        builder.AddServiceDefaults();
        builder.Services.AddSingleton<ILogEventSink>(Logs);
        builder.AddArchiver();
        var host = builder.Build();
        _hosts.Add(host);
        await host.StartAsync();
        return host;
    }

    public static async Task StopAsync(IHost host)
    {
        await host.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        host.Dispose();
    }

    /// <summary>The committed next offset (null before the first commit or without a position file).</summary>
    public long? CommittedOffset()
    {
        var path = Path.Combine(Folder, CsvArchive.PositionFileName);
        if (!File.Exists(path))
        {
            return null;
        }
        using var json = JsonDocument.Parse(File.ReadAllBytes(path));
        return json.RootElement.GetProperty("nextOffset") is { ValueKind: JsonValueKind.Number } offset
            ? offset.GetInt64() : null;
    }

    /// <summary>Waits until the archiver has committed everything before <paramref name="offset"/>.</summary>
    public Task CommittedAsync(long offset) => Eventually.TrueAsync(() => CommittedOffset() >= offset,
        TimeSpan.FromSeconds(30), () => $"offset {offset} is committed (committed: {CommittedOffset()}); log:\n" +
            string.Join('\n', Logs.Events.TakeLast(20).Select(e => e.RenderMessage(null))));

    /// <summary>Closes the archiver's connection from the broker's side (management API), as a broker restart or a
    /// network failure would, without touching the broker other tests use.</summary>
    public async Task CloseArchiverConnectionAsync()
    {
        // The management API lists a connection only after its next statistics round: ask until it does.
        List<string> names = [];
        await Eventually.TrueAsync(async () =>
        {
            var connections = await TestBroker.Local.GetJsonAsync(
                $"api/vhosts/{Uri.EscapeDataString(VirtualHost.Name)}/connections");
            names = (connections?.AsArray() ?? [])
                .Where(c => c?["client_properties"]?["connection_name"]?.GetValue<string>() == ArchiverClientName)
                .Select(c => c!["name"]!.GetValue<string>())
                .ToList();
            return names.Count > 0;
        }, TimeSpan.FromSeconds(30), "the management API lists the archiver's connection");
        var management = TestBroker.ManagementUri;
        using var http = new HttpClient { BaseAddress = new Uri(management.GetLeftPart(UriPartial.Authority)) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Uri.UnescapeDataString(management.UserInfo))));
        foreach (var name in names)
        {
            using var response = await http.DeleteAsync(
                new Uri($"api/connections/{Uri.EscapeDataString(name)}", UriKind.Relative));
            response.EnsureSuccessStatusCode();
        }
    }

    public string FileOf(DateOnly day) => Path.Combine(Folder, $"levels-{day:yyyy-MM-dd}.csv");

    /// <summary>A day file's lines (header included), or none when it does not exist.</summary>
    public string[] Lines(DateOnly day) => File.Exists(FileOf(day)) ? File.ReadAllLines(FileOf(day)) : [];

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            try
            {
                await host.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (ObjectDisposedException)
            {
                // Stopped and disposed by the test already.
            }
            host.Dispose();
        }
        await _client.DisposeAsync();
        await VirtualHost.DisposeAsync();
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}
