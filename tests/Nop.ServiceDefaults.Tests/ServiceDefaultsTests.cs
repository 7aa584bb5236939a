using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nop.ServiceDefaults.Elasticsearch;
using Nop.ServiceDefaults.Tests.Support;
using Serilog.Core;

namespace Nop.ServiceDefaults.Tests;

[Trait("Category", "Unit")]
public sealed class ServiceDefaultsTests
{
    public sealed class BrokerOptions
    {
        [Required]
        public Uri? Uri { get; set; }

        [Range(1, 1000)]
        public int Prefetch { get; set; } = 200;
    }

    private static HostApplicationBuilder WorkerBuilder(params (string Key, string? Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        var values = new Dictionary<string, string?> { ["Logging:Console:Format"] = "none" };
        foreach (var (key, value) in settings)
            values[key] = value;
        builder.Configuration.AddInMemoryCollection(values);
        return builder;
    }

    [Fact]
    public async Task Invalid_options_stop_a_worker_at_start()
    {
        var builder = WorkerBuilder(("Broker:Prefetch", "0"));
        builder.AddServiceDefaults();
        builder.Services.AddValidatedOptions<BrokerOptions>("Broker");
        using var host = builder.Build();

        var error = await Should.ThrowAsync<OptionsValidationException>(() => host.StartAsync());

        error.Failures.ShouldContain(f => f.Contains(nameof(BrokerOptions.Uri), StringComparison.Ordinal));
        error.Failures.ShouldContain(f => f.Contains(nameof(BrokerOptions.Prefetch), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Valid_options_are_bound_from_their_section()
    {
        var builder = WorkerBuilder(("Broker:Uri", "amqp://localhost:5672"), ("Broker:Prefetch", "300"));
        builder.AddServiceDefaults();
        builder.Services.AddValidatedOptions<BrokerOptions>("Broker");
        using var host = builder.Build();

        await host.StartAsync();
        var options = host.Services.GetRequiredService<IOptions<BrokerOptions>>().Value;
        await host.StopAsync();

        options.Uri.ShouldBe(new Uri("amqp://localhost:5672"));
        options.Prefetch.ShouldBe(300);
    }

    [Fact]
    public void Service_name_defaults_to_the_application_name_and_events_carry_it()
    {
        var logs = new CapturingSink();
        var builder = WorkerBuilder();
        builder.AddServiceDefaults();
        builder.Services.AddSingleton<ILogEventSink>(logs);
        using var host = builder.Build();

        host.Services.GetRequiredService<ILogger<ServiceDefaultsTests>>().LogInformation("worker says hello");

        var logEvent = logs.Events.ShouldHaveSingleItem();
        logEvent.Text("Service").ShouldBe(builder.Environment.ApplicationName);
        logEvent.Text("Environment").ShouldBe("Testing");
        host.Services.GetService<ElasticsearchSink>().ShouldBeNull("no Elasticsearch without a URL");
    }

    [Fact]
    public void Unknown_console_format_fails_at_start_up()
    {
        var builder = WorkerBuilder(("Logging:Console:Format", "xml"));

        Should.Throw<InvalidOperationException>(() => builder.AddServiceDefaults())
            .Message.ShouldContain("Logging:Console:Format");
    }
}
