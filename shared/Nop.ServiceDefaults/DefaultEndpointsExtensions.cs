using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Serilog;
using Serilog.Events;

namespace Nop.ServiceDefaults;

/// <summary>The endpoints and middleware every NOP web host maps.</summary>
public static class DefaultEndpointsExtensions
{
    /// <summary>
    /// Maps <c>/health/live</c> (only checks tagged <c>live</c>: is the process running) and <c>/health/ready</c>
    /// (every check, including the service's broker and database checks), which answer <c>{"status": "..."}</c>
    /// with 200 when healthy or degraded and 503 when unhealthy; and <c>/admin/health</c>, the same as ready with
    /// <c>"checks": [{"name", "status", "description"}]</c>, behind <see cref="AdminEndpoints.MapAdminGroup"/>; and
    /// <c>/metrics</c> (see <see cref="Telemetry.MapMetrics"/>).
    /// </summary>
    /// <remarks>
    /// The public probes say status only: the check descriptions name queues, providers and outage times, which
    /// help whoever maps the system (OWASP ASVS 4.0.3 V14.3: no unintended information disclosure).
    /// </remarks>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        Telemetry.MapMetrics(app);
        app.MapHealthChecks("/health/live", new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(ServiceDefaultsExtensions.LiveTag),
            ResponseWriter = (context, report) => WriteHealthAsync(context, report, detail: false),
        });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            ResponseWriter = (context, report) => WriteHealthAsync(context, report, detail: false),
        });
        app.MapAdminGroup("/admin").MapGet("/health", async (HealthCheckService health, HttpContext context) =>
        {
            var report = await health.CheckHealthAsync(context.RequestAborted);
            context.Response.StatusCode = report.Status == HealthStatus.Unhealthy
                ? StatusCodes.Status503ServiceUnavailable
                : StatusCodes.Status200OK;
            await WriteHealthAsync(context, report, detail: true);
        });
        return app;
    }

    /// <summary>
    /// Writes one log event per HTTP request (method, path, status, duration) carrying the request's
    /// <c>CorrelationId</c>. Health probes and metric scrapes are logged at Verbose so they do not drown the rest.
    /// </summary>
    /// <param name="app">The application's pipeline.</param>
    /// <returns>The same pipeline, for chaining.</returns>
    public static IApplicationBuilder UseRequestLogging(this IApplicationBuilder app) =>
        app.UseSerilogRequestLogging(options =>
        {
            // This host's logger: without it the middleware writes through the static Log.Logger, which
            // AddServiceDefaults leaves alone (see LoggingSetup).
            options.Logger = app.ApplicationServices.GetRequiredService<Serilog.ILogger>();
            options.GetLevel = (context, _, exception) =>
                exception is not null || context.Response.StatusCode >= 500 ? LogEventLevel.Error
                : context.Request.Path.StartsWithSegments("/health")
                    || context.Request.Path.StartsWithSegments("/metrics") ? LogEventLevel.Verbose
                : LogEventLevel.Information;
            // Read when the request completes, so it works whichever of the two middlewares comes first.
            options.EnrichDiagnosticContext = (diagnostics, context) =>
            {
                if (context.GetCorrelationId() is { } correlationId)
                    diagnostics.Set(CorrelationId.PropertyName, correlationId);
            };
        });

    private static async Task WriteHealthAsync(HttpContext context, HealthReport report, bool detail)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await using (var writer = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            writer.WriteStartObject();
            writer.WriteString("status", report.Status.ToString());
            if (detail)
            {
                writer.WriteStartArray("checks");
                foreach (var (name, entry) in report.Entries)
                {
                    writer.WriteStartObject();
                    writer.WriteString("name", name);
                    writer.WriteString("status", entry.Status.ToString());
                    writer.WriteString("description", entry.Description ?? entry.Exception?.Message);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
        }
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }
}
