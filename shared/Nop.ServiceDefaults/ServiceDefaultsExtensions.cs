using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Nop.ServiceDefaults.Elasticsearch;

namespace Nop.ServiceDefaults;

/// <summary>The start-up every NOP service shares: logging, health checks, ProblemDetails and options.</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>The tag of health checks that say the process is alive (<c>/health/live</c>).</summary>
    public const string LiveTag = "live";

    /// <summary>The tag services give their dependency checks (broker, database); <c>/health/ready</c> runs every
    /// check.</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// Adds the NOP defaults to a service:
    /// <list type="bullet">
    /// <item>Serilog as the only logging provider, every event enriched with <c>Service</c>, <c>Environment</c>
    /// and the log context (e.g. <c>CorrelationId</c>);</item>
    /// <item>health checks with a <c>self</c> check tagged <see cref="LiveTag"/>;</item>
    /// <item>ProblemDetails (RFC 7807) for errors, carrying the request's <c>correlationId</c>;</item>
    /// <item>OpenTelemetry traces and metrics (see <see cref="Telemetry"/>).</item>
    /// </list>
    /// </summary>
    /// <remarks>
    /// Configuration keys:
    /// <list type="table">
    /// <item><term><c>Service:Name</c></term><description>the <c>Service</c> property and ECS <c>service.name</c>;
    /// default: the application (entry assembly) name, e.g. <c>Nop.Ingest</c>.</description></item>
    /// <item><term><c>Logging:Console:Format</c></term><description><c>text</c> (readable, one line per event),
    /// <c>json</c> (rendered compact JSON, for containers) or <c>none</c>; default <c>text</c>, or <c>json</c> when
    /// <c>DOTNET_RUNNING_IN_CONTAINER=true</c>.</description></item>
    /// <item><term><c>Logging:File:Path</c></term><description>also write compact JSON lines to this file, rolled
    /// daily and at <c>Logging:File:SizeLimitBytes</c> (default 100 MB), keeping
    /// <c>Logging:File:RetainedFiles</c> files (default 7).</description></item>
    /// <item><term><c>Logging:Elasticsearch:*</c></term><description>ship to Elasticsearch when <c>Url</c> is set;
    /// see <see cref="ElasticsearchSinkOptions"/> for <c>DataStream</c>, <c>Username</c>, <c>Password</c>,
    /// <c>ApiKey</c>, <c>QueueLimit</c>, <c>BatchSize</c>, <c>Period</c> and the rest.</description></item>
    /// <item><term><c>Serilog</c></term><description>read by Serilog.Settings.Configuration, e.g.
    /// <c>Serilog:MinimumLevel:Override:Nop.Messaging=Debug</c>. The defaults are Information, and Warning for
    /// <c>Microsoft.AspNetCore</c> and <c>Microsoft.EntityFrameworkCore</c>. The <c>Logging:LogLevel</c> keys of
    /// Microsoft.Extensions.Logging do not apply.</description></item>
    /// </list>
    /// Sinks and enrichers registered in the service collection (<see cref="Serilog.Core.ILogEventSink"/>,
    /// <see cref="Serilog.Core.ILogEventEnricher"/>) are added too.
    /// </remarks>
    /// <typeparam name="TBuilder">A web or worker host builder.</typeparam>
    /// <param name="builder">The host builder.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        var serviceName = ServiceName(builder);
        LoggingSetup.AddLogging(builder, serviceName);
        Telemetry.AddTelemetry(builder, serviceName);

        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), tags: [LiveTag]);

        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            // Lets whoever reads the error find its log lines in Kibana.
            if (context.HttpContext.GetCorrelationId() is { } correlationId)
                context.ProblemDetails.Extensions["correlationId"] = correlationId;
        });

        return builder;
    }

    /// <summary>
    /// Registers options of type <typeparamref name="T"/> bound from configuration section
    /// <paramref name="section"/>, validated with their data annotations when the host starts, so a service with
    /// bad configuration fails at start-up rather than at first use.
    /// </summary>
    /// <typeparam name="T">The options class.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The configuration section, e.g. <c>"RabbitMq"</c> or <c>"Ingest:Limits"</c>.</param>
    /// <returns>The options builder, for further validation.</returns>
    public static OptionsBuilder<T> AddValidatedOptions<
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] T>(
        this IServiceCollection services, string section) where T : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(section);
        return services.AddOptions<T>()
            .BindConfiguration(section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
    }

    internal static string ServiceName(IHostApplicationBuilder builder)
    {
        var configured = builder.Configuration["Service:Name"];
        return !string.IsNullOrWhiteSpace(configured) ? configured : builder.Environment.ApplicationName;
    }
}
