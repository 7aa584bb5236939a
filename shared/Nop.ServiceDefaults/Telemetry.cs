using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Nop.ServiceDefaults;

/// <summary>
/// OpenTelemetry for every service: traces and metrics of NOP's own sources and meters (named <c>Nop.*</c>), of
/// ASP.NET Core (SignalR connections included), HttpClient and EF Core; metrics served as Prometheus text on
/// <c>/metrics</c>; both exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
public static class Telemetry
{
    /// <summary>The prefix of every NOP activity source and meter (e.g. <c>Nop.Messaging</c>, <c>Nop.Ingest</c>).
    /// </summary>
    public const string NamePrefix = "Nop.";

    /// <summary>The configuration key of the bearer token Prometheus sends to <c>/metrics</c>
    /// (environment variable <c>Metrics__Token</c>).</summary>
    public const string MetricsTokenKey = "Metrics:Token";

    /// <summary>
    /// Bucket boundaries for a duration histogram in seconds, 5 ms to 10 s: the ones the OpenTelemetry semantic
    /// conventions advise for HTTP and messaging durations
    /// (https://opentelemetry.io/docs/specs/semconv/http/http-metrics/, .../messaging/messaging-metrics/). The SDK's
    /// default boundaries (0 to 10,000) are meant for milliseconds and would put every duration in the first bucket.
    /// </summary>
    public static InstrumentAdvice<double> SecondsAdvice { get; } = new()
    {
        HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
    };

    internal static void AddTelemetry(IHostApplicationBuilder builder, string serviceName)
    {
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing => tracing
                .AddSource(NamePrefix + "*")
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsProbe(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddEntityFrameworkCoreInstrumentation())
            .WithMetrics(metrics => metrics
                .AddMeter(NamePrefix + "*")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddMeter("System.Runtime")
                .AddPrometheusExporter());
        // The standard variable of every OpenTelemetry SDK; any collector (Jaeger, Tempo, Elastic APM, the
        // OpenTelemetry Collector) takes OTLP. Unset: nothing leaves the process but /metrics.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            otel.UseOtlpExporter();
    }

    /// <summary>
    /// Serves the metrics as Prometheus text on <c>/metrics</c>. With <c>Metrics:Token</c> set, only to a scraper
    /// that sends it as <c>Authorization: Bearer</c> (Prometheus: <c>authorization.credentials_file</c>); without,
    /// only to a caller on this machine. The figures (queue names, rates, error counts) map the system for whoever
    /// reads them, and Ingest's port faces the sensors.
    /// </summary>
    internal static void MapMetrics(WebApplication app)
    {
        var token = AdminToken.From(app.Configuration, MetricsTokenKey);
        app.UseOpenTelemetryPrometheusScrapingEndpoint(meterProvider: null, predicate: null, path: "/metrics",
            configureBranchedPipeline: branch => branch.Use(async (context, next) =>
            {
                var allowed = token.Enabled
                    ? token.Accepts(context.Request.Headers.Authorization.ToString())
                    : context.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip);
                if (allowed)
                {
                    await next(context);
                    return;
                }
                context.Response.StatusCode = token.Enabled
                    ? StatusCodes.Status401Unauthorized
                    : StatusCodes.Status403Forbidden;
                if (token.Enabled)
                    context.Response.Headers.WWWAuthenticate = "Bearer realm=\"nop-metrics\"";
            }),
            optionsName: null);
    }

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics");
}
