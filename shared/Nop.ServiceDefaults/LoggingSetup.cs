using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nop.ServiceDefaults.Elasticsearch;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace Nop.ServiceDefaults;

/// <summary>Serilog for a service: console, optional file, optional Elasticsearch.</summary>
internal static class LoggingSetup
{
    internal const string TextTemplate =
        "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {Service} {CorrelationId} {Message:lj}{NewLine}{Exception}";

    public static void AddLogging(IHostApplicationBuilder builder, string serviceName)
    {
        var configuration = builder.Configuration;
        var environmentName = builder.Environment.EnvironmentName;
        var consoleFormat = ConsoleFormat(configuration);

        // In the container only when configured: the sink is created with the service provider and disposed with
        // the logger (which flushes it), and services can read its counters.
        if (!string.IsNullOrWhiteSpace(configuration[ElasticsearchSinkOptions.SectionName + ":Url"]))
        {
            builder.Services.AddSingleton(_ =>
            {
                var options = configuration.GetSection(ElasticsearchSinkOptions.SectionName)
                    .Get<ElasticsearchSinkOptions>()
                    ?? new ElasticsearchSinkOptions();
                options.ServiceName ??= serviceName;
                return new ElasticsearchSink(options);
            });
        }

        builder.Logging.ClearProviders();
        // preserveStaticLogger: each host logs through its own logger and disposes only that one. Otherwise every
        // host in the process writes through the static Log.Logger (the last one built) and closes it on disposal,
        // which mixes up the logs of test hosts, or of several hosts in one process.
        builder.Services.AddSerilog(preserveStaticLogger: true, configureLogger: (services, logger) =>
        {
            logger
                .MinimumLevel.Information()
                .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                // EF Core logs every command at Information: Processing's checkpoints alone would write several lines
                // a second, burying the lines that matter.
                .MinimumLevel.Override("Microsoft.EntityFrameworkCore", LogEventLevel.Warning)
                .Enrich.FromLogContext()
                .Enrich.WithProperty("Service", serviceName)
                .Enrich.WithProperty("Environment", environmentName)
                // After the defaults, so the Serilog section can override any of them.
                .ReadFrom.Configuration(configuration)
                .ReadFrom.Services(services)
                // Last, so it also sees what the enrichers above added (the correlation id from the log context).
                .Enrich.With<ControlCharacterEnricher>();

            switch (consoleFormat)
            {
                case "text":
                    logger.WriteTo.Console(outputTemplate: TextTemplate, formatProvider: CultureInfo.InvariantCulture);
                    break;
                case "json":
                    logger.WriteTo.Console(new RenderedCompactJsonFormatter());
                    break;
            }

            if (configuration["Logging:File:Path"] is { Length: > 0 } path)
            {
                logger.WriteTo.File(
                    new RenderedCompactJsonFormatter(),
                    path,
                    fileSizeLimitBytes: configuration.GetValue("Logging:File:SizeLimitBytes", 100L * 1024 * 1024),
                    rollingInterval: RollingInterval.Day,
                    rollOnFileSizeLimit: true,
                    retainedFileCountLimit: configuration.GetValue("Logging:File:RetainedFiles", 7),
                    buffered: true,
                    flushToDiskInterval: TimeSpan.FromSeconds(1));
            }

            if (services.GetService<ElasticsearchSink>() is { } elasticsearch)
                logger.WriteTo.Sink(elasticsearch);
        });
    }

    // Text for a person at a terminal, JSON for a log collector; containers are the case where nobody reads stdout.
    internal static string ConsoleFormat(IConfiguration configuration)
    {
        var format = configuration["Logging:Console:Format"];
        if (string.IsNullOrWhiteSpace(format))
        {
            var inContainer = Environment.GetEnvironmentVariable("DOTNET_RUNNING_IN_CONTAINER");
            return string.Equals(inContainer, "true", StringComparison.OrdinalIgnoreCase)
                ? "json"
                : "text";
        }
        format = format.Trim().ToLowerInvariant();
        return format is "text" or "json" or "none"
            ? format
            : throw new InvalidOperationException(
                $"Logging:Console:Format must be text, json or none, not '{format}'.");
    }
}
