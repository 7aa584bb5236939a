using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Nop.Contracts;
using Nop.Testing;
using RabbitMQ.Client;
using Serilog.Core;

namespace Nop.Ingest.Tests;

/// <summary>
/// The real Ingest on Kestrel (127.0.0.1, a free port), pointed at a test's own virtual host, with a test queue bound
/// to <c>nop.readings</c> with <c>#</c> that sees everything Ingest publishes.
/// </summary>
public sealed class IngestApp : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;
    private readonly bool _ownsVirtualHost;

    private IngestApp(WebApplicationFactory<Program> factory, VirtualHost vhost, bool ownsVirtualHost, ReadingsTap tap,
        LogCapture logs, string catalogPath)
    {
        _factory = factory;
        _ownsVirtualHost = ownsVirtualHost;
        VirtualHost = vhost;
        Tap = tap;
        Logs = logs;
        CatalogPath = catalogPath;
        Client = factory.CreateClient();
        BaseAddress = Client.BaseAddress!;
    }

    public VirtualHost VirtualHost { get; }

    public ReadingsTap Tap { get; }

    public LogCapture Logs { get; }

    public HttpClient Client { get; }

    public Uri BaseAddress { get; }

    public string CatalogPath { get; }

    public IServiceProvider Services => _factory.Services;

    /// <summary>The development catalogue of the repository (50 sensors, keys dev-key-&lt;id&gt;).</summary>
    public static string DevCatalogPath { get; } =
        Sensors.CatalogPaths.Resolve("deploy/sensors.dev.json", AppContext.BaseDirectory);

    public static async Task<IngestApp> StartAsync(string hint, IDictionary<string, string?>? settings = null,
        VirtualHost? vhost = null,
        string? catalogPath = null, bool bindTestQueue = true, string environment = "Development")
    {
        var ownsVirtualHost = vhost is null;
        vhost ??= await TestBroker.CreateVirtualHostAsync(hint);
        var tap = await ReadingsTap.CreateAsync(vhost.Uri, bindTestQueue);
        var logs = new LogCapture();
        catalogPath ??= DevCatalogPath;
        var configuration = new Dictionary<string, string?>
        {
            ["RabbitMq:Uri"] = vhost.Uri.ToString(),
            ["RabbitMq:PublishTimeout"] = "00:00:05",
            ["Ingest:CatalogPath"] = catalogPath,
            // Generous for most tests; the flood test sets its own.
            ["Ingest:RateLimit:RequestsPerSecond"] = "1000",
            ["Ingest:RateLimit:Burst"] = "1000",
            ["Logging:Console:Format"] = "none",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var factory = new Factory(configuration, logs, environment);
        factory.UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));
        factory.StartServer();
        var app = new IngestApp(factory, vhost, ownsVirtualHost, tap, logs, catalogPath);
        await Eventually.TrueAsync(async () =>
        {
            using var ready = await app.Client.GetAsync(new Uri("/health/ready", UriKind.Relative));
            return ready.IsSuccessStatusCode;
        }, TimeSpan.FromSeconds(30), "Ingest is ready");
        return app;
    }

    /// <summary>POSTs <paramref name="json"/> to /api/readings with the given key and content type.</summary>
    public async Task<HttpResponseMessage> PostAsync(string json, string? apiKey = "dev-key-dev-001",
        string contentType = "application/json",
        string? correlationId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/readings", UriKind.Relative))
        {
            Content = new StringContent(json, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }
        if (correlationId is not null)
        {
            request.Headers.Add("X-Correlation-Id", correlationId);
        }
        return await Client.SendAsync(request);
    }

    /// <summary>
    /// Proves the test queue is empty of anything published before now: posts a fresh valid reading and reads the queue
    /// until it arrives. Everything published earlier is ahead of it in the queue, so anything else read fails the
    /// test.
    /// </summary>
    public async Task AssertNothingPublishedAsync(string sensorId = "dev-001")
    {
        var sentinelId = "sentinel-" + Guid.NewGuid().ToString("N");
        using var response =
            await PostAsync(Readings.Json(Readings.Valid(sensorId, sentinelId)), "dev-key-" + sensorId);
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var seen = await Tap.ReadUntilAsync(m => m.Batch.Readings.Any(r => r.ReadingId == sentinelId),
            TimeSpan.FromSeconds(10));
        seen.Readings().Select(r => r.ReadingId)
            .ShouldBe([sentinelId], "nothing but the sentinel may have been published");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
        await Tap.DisposeAsync();
        if (_ownsVirtualHost)
        {
            await VirtualHost.DisposeAsync();
        }
    }

    /// <summary>
    /// Builds Ingest in <paramref name="environment"/> with <paramref name="settings"/> and without a broker, for tests
    /// of what stops it at start-up; returns what stopped it, or null when it started.
    /// </summary>
    public static Exception? TryStart(string environment, IDictionary<string, string?> settings)
    {
        settings["Logging:Console:Format"] = "none";
        settings["RabbitMq:Uri"] = "amqp://guest:guest@127.0.0.1:1/";
        using var factory = new Factory(settings, new LogCapture(), environment);
        try
        {
            factory.StartServer();
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    private sealed class Factory(IDictionary<string, string?> settings, LogCapture logs,
        string environment = "Development")
        : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment(environment);
            builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(settings));
            builder.ConfigureServices(services => services.AddSingleton<ILogEventSink>(logs));
        }
    }
}

/// <summary>A message Ingest published, as read from the test queue.</summary>
public sealed record Published(ReadingBatchReceived Batch, IReadOnlyBasicProperties Properties, string RoutingKey,
    JsonObject Json);

public static class PublishedExtensions
{
    /// <summary>The readings of every message, in the order read.</summary>
    public static IEnumerable<SensorReading> Readings(this IEnumerable<Published> messages) =>
        messages.SelectMany(m => m.Batch.Readings);
}

/// <summary>
/// A test queue bound to <c>nop.readings</c> with <c>#</c>, read with basic.get (so "in the queue now" is exact).
/// </summary>
public sealed class ReadingsTap : IAsyncDisposable
{
    public const string QueueName = "test.readings";
    private readonly IConnection _connection;
    private readonly IChannel _channel;

    private ReadingsTap(IConnection connection, IChannel channel) => (_connection, _channel) = (connection, channel);

    public static async Task<ReadingsTap> CreateAsync(Uri vhostUri, bool bind = true)
    {
        var connection =
            await new ConnectionFactory { Uri = vhostUri, AutomaticRecoveryEnabled = false }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        var tap = new ReadingsTap(connection, channel);
        if (bind)
        {
            await tap.DeclareAsync();
        }
        return tap;
    }

    /// <summary>Declares the exchange (as Ingest does) and the bound test queue.</summary>
    public async Task DeclareAsync()
    {
        await _channel.ExchangeDeclareAsync(Exchanges.Readings, ExchangeType.Topic, durable: true);
        await _channel.QueueDeclareAsync(QueueName, durable: true, exclusive: false, autoDelete: false);
        await _channel.QueueBindAsync(QueueName, Exchanges.Readings, "#");
    }

    /// <summary>Everything in the queue right now.</summary>
    public async Task<List<Published>> TakeAllAsync()
    {
        var taken = new List<Published>();
        while (await _channel.BasicGetAsync(QueueName, autoAck: true) is { } message)
        {
            taken.Add(ToPublished(message));
        }
        return taken;
    }

    /// <summary>
    /// Reads until a message matches <paramref name="last"/>; returns everything read, that message included.
    /// </summary>
    public async Task<List<Published>> ReadUntilAsync(Func<Published, bool> last, TimeSpan timeout)
    {
        var taken = new List<Published>();
        await Eventually.TrueAsync(async () =>
        {
            taken.AddRange(await TakeAllAsync());
            return taken.Any(last);
        }, timeout, "the expected message is in the test queue");
        return taken;
    }

    /// <summary>Reads until messages with <paramref name="count"/> readings in all have been read (or more).</summary>
    public async Task<List<Published>> ReadAtLeastAsync(int count, TimeSpan timeout)
    {
        var taken = new List<Published>();
        await Eventually.TrueAsync(async () =>
        {
            taken.AddRange(await TakeAllAsync());
            return taken.Readings().Count() >= count;
        }, timeout, $"{count} readings are in the test queue (got {taken.Readings().Count()})");
        return taken;
    }

    private static Published ToPublished(BasicGetResult message)
    {
        var batch = JsonSerializer.Deserialize(message.Body.Span, NopJsonContext.Default.ReadingBatchReceived)!;
        var json = JsonNode.Parse(message.Body.Span)!.AsObject();
        return new Published(batch, message.BasicProperties, message.RoutingKey, json);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _channel.CloseAsync();
            await _connection.CloseAsync();
        }
        catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.AlreadyClosedException or IOException)
        {
            // The test deleted the virtual host under it.
        }
        _channel.Dispose();
        _connection.Dispose();
    }
}

/// <summary>Builds request bodies.</summary>
public static class Readings
{
    public static Dictionary<string, object?> Valid(string sensorId = "dev-001", string? readingId = null,
        double laeq = 63.2, double? lamax = 71.0,
        DateTimeOffset? measuredAt = null)
    {
        var reading = new Dictionary<string, object?>
        {
            ["sensorId"] = sensorId,
            ["measuredAt"] = (measuredAt ?? DateTimeOffset.UtcNow.AddSeconds(-5))
                .ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
            ["laeq"] = laeq,
        };
        if (readingId is not null)
        {
            reading["readingId"] = readingId;
        }
        if (lamax is not null)
        {
            reading["lamax"] = lamax;
        }
        return reading;
    }

    public static Dictionary<string, object?> Batch(IEnumerable<Dictionary<string, object?>> readings) =>
        new() { ["readings"] = readings.ToList() };

    public static string Json(object body) => JsonSerializer.Serialize(body);
}
