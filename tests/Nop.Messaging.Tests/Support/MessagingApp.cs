using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nop.Contracts;
using Nop.Testing;
using Serilog;

namespace Nop.Messaging.Tests;

/// <summary>
/// A real generic host with the broker layer, pointed at a test's own virtual host, logging into a <see
/// cref="LogCapture"/>.
/// </summary>
internal sealed class MessagingApp : IAsyncDisposable
{
    private readonly IHost _host;

    private MessagingApp(IHost host, LogCapture logs) => (_host, Logs) = (host, logs);

    public LogCapture Logs { get; }

    public IServiceProvider Services => _host.Services;

    public MessagePublisher Publisher => Services.GetRequiredService<MessagePublisher>();

    public static async Task<MessagingApp> StartAsync(Uri brokerUri, Action<IServiceCollection> configure,
        string retryDelaysMs = "200,400",
        IReadOnlyDictionary<string, string>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["RabbitMq:Uri"] = brokerUri.ToString();
        var delays = retryDelaysMs.Split(',');
        for (var i = 0; i < delays.Length; i++)
        {
            builder.Configuration[$"RabbitMq:RetryDelays:{i}"] = TimeSpan.FromMilliseconds(int.Parse(delays[i],
                System.Globalization.CultureInfo.InvariantCulture)).ToString();
        }
        // generous: this machine is shared with other test runs
        builder.Configuration["RabbitMq:PublishTimeout"] = "00:00:30";
        // Well below the bursts some tests publish, so back-pressure (waiting, not failing) is exercised.
        builder.Configuration["RabbitMq:MaxOutstandingConfirms"] = "64";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.Configuration[key] = value;
        }
        var logs = new LogCapture();
        builder.Services.AddSerilog(new LoggerConfiguration().MinimumLevel.Debug().Enrich.FromLogContext()
            .WriteTo.Sink(logs).CreateLogger(), dispose: true);
        builder.AddNopMessaging();
        configure(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        foreach (var consumer in host.Services.GetServices<IHostedService>().OfType<ConsumerHost>())
        {
            await consumer.Started.WaitAsync(TimeSpan.FromSeconds(30));
        }
        return new MessagingApp(host, logs);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(TimeSpan.FromSeconds(10));
        if (_host is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }
}

/// <summary>Builds test messages.</summary>
internal static class Make
{
    public static ReadingReceived Reading(string sensorId, double laeq = 55, string? readingId = null) => new(
        readingId ?? Guid.NewGuid().ToString(), sensorId, Zone.Residential, new GeoLocation(52.37, 4.89),
        DateTimeOffset.UtcNow, laeq, laeq + 5, null, DateTimeOffset.UtcNow);
}

/// <summary>Records what a handler saw, safe for concurrent handlers.</summary>
internal sealed class Received<T>
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<(T Message, MessageEnvelope Envelope)> _items =
        new();

    public IReadOnlyCollection<(T Message, MessageEnvelope Envelope)> Items => _items;

    public int Count => _items.Count;

    public void Add(T message, MessageEnvelope envelope) => _items.Enqueue((message, envelope));
}
