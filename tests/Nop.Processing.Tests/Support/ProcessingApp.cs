using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nop.Messaging;
using Nop.Processing.Aggregation;
using Nop.Processing.Extensions;
using Nop.ServiceDefaults;
using Nop.Testing;
using Serilog.Core;

namespace Nop.Processing.Tests.Support;

/// <summary>
/// Processing in this process, composed exactly as Program.cs does, on a test's virtual host and SQLite file.
/// </summary>
internal sealed class ProcessingApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ProcessingApp(WebApplication app, LogCapture logs) => (_app, Logs) = (app, logs);

    public LogCapture Logs { get; }

    public IServiceProvider Services => _app.Services;

    public PartitionRegistry Partitions => Services.GetRequiredService<PartitionRegistry>();

    public PartitionBalancer Balancer => Services.GetRequiredService<PartitionBalancer>();

    public Uri Address =>
        new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public static async Task<ProcessingApp> StartAsync(Uri brokerUri, string connectionString,
        IDictionary<string, string?>? settings = null, string name = "processing")
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Development",
            ApplicationName = "Nop.Processing"
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RabbitMq:Uri"] = brokerUri.ToString(),
            ["RabbitMq:ClientName"] = name,
            ["RabbitMq:RetryDelays:0"] = "00:00:00.200",
            ["ConnectionStrings:Processing"] = connectionString,
            ["Logging:Console:Format"] = "none",
            ["Urls"] = "http://127.0.0.1:0",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        var logs = new LogCapture();
        builder.Services.AddSingleton<ILogEventSink>(logs);
        builder.AddServiceDefaults();
        builder.AddNopMessaging();
        builder.AddProcessing();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync();
        foreach (var consumer in app.Services.GetServices<IHostedService>().OfType<ConsumerHost>())
        {
            await consumer.Started.WaitAsync(TimeSpan.FromSeconds(30));
        }
        return new ProcessingApp(app, logs);
    }

    private bool _disposed;

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        await _app.StopAsync(TimeSpan.FromSeconds(10));
        await _app.DisposeAsync();
    }
}
