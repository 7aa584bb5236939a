using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nop.Messaging;
using Nop.Testing;
using Serilog.Core;

namespace Nop.Notifier.Tests.Support;

/// <summary>One running Notifier (the real Program, hosted in-process) on a test bed's virtual host, database, mail
/// server and webhook receiver. Environment "Testing": the development subscriptions stay out.</summary>
public sealed class NotifierApp(IEnumerable<KeyValuePair<string, string?>> settings, TimeProvider? clock)
    : WebApplicationFactory<Program>
{
    public LogCapture Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in settings)
            builder.UseSetting(key, value);
        builder.ConfigureTestServices(s =>
        {
            s.AddSingleton<ILogEventSink>(Logs);
            if (clock is not null)
                s.AddSingleton(clock);
        });
    }

    public async Task StartAsync()
    {
        _ = Services; // builds and starts the host
        var consumers = Services.GetServices<IHostedService>().OfType<ConsumerHost>().ToList();
        consumers.Count.ShouldBe(3);
        await Task.WhenAll(consumers.Select(c => c.Started)).WaitAsync(TimeSpan.FromSeconds(30));
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();
}
