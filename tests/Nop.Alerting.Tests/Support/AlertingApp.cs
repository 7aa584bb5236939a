using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nop.Messaging;
using Nop.Testing;
using Serilog.Core;

namespace Nop.Alerting.Tests.Support;

/// <summary>One running Alerting (the real Program, hosted in-process).</summary>
public sealed class AlertingApp(AlertingTestBed bed, Action<IServiceCollection>? services,
    IDictionary<string, string?>? settings)
    : WebApplicationFactory<Program>
{
    public LogCapture Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in bed.Settings().Concat(settings ?? new Dictionary<string, string?>()))
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureTestServices(s =>
        {
            s.AddSingleton<ILogEventSink>(Logs);
            services?.Invoke(s);
        });
    }

    public async Task StartAsync()
    {
        _ = Services; // builds and starts the host
        var consumers = Services.GetServices<IHostedService>().OfType<ConsumerHost>().ToList();
        consumers.Count.ShouldBe(5);
        await Task.WhenAll(consumers.Select(c => c.Started)).WaitAsync(TimeSpan.FromSeconds(30));
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();
}
