using Microsoft.AspNetCore.Authentication;
using Nop.Ingest.Readings;
using Nop.Ingest.Security;
using Nop.Ingest.Sensors;
using Nop.ServiceDefaults;
using Scalar.AspNetCore;

namespace Nop.Ingest.Extensions;

// Composes Ingest: options, catalogue, API-key authentication, rate limits, OpenAPI and the endpoints.
public static class IngestExtensions
{
    public static WebApplicationBuilder AddIngest(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<IngestOptions>(IngestOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.CatalogPath),
                "Ingest:CatalogPath is not set. Outside Development there is no default sensor catalogue (the "
                + "development keys are public): create one with `sensors init --catalog <file> --count <n> "
                + "--keys-out <file>` and set Ingest:CatalogPath (environment variable Ingest__CatalogPath) to it.")
            .Validate(o => o.MaxClockSkew >= TimeSpan.Zero && o.MaxReadingAge > TimeSpan.Zero,
                "Ingest:MaxClockSkew must not be negative and Ingest:MaxReadingAge must be positive.")
            .Validate(o => o.RateLimit is { RequestsPerSecond: >= 1, Burst: >= 1, AnonymousRequestsPerSecond: >= 1 },
                "Ingest:RateLimit:RequestsPerSecond, Burst and AnonymousRequestsPerSecond must be at least 1.");
        services.AddSingleton<SensorCatalog>();
        services.AddSingleton<ReadingPublisher>();
        services.AddSingleton<IngestMetrics>();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, IngestJsonContext.Default);
            // Numbers are numbers: the API takes no "63.2" strings, and the OpenAPI schema should say so.
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
        });

        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(
                ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
        services.AddIngestRateLimiting();
        services.AddIngestOpenApi();

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        return builder;
    }

    public static WebApplication UseIngest(this WebApplication app)
    {
        // Load the catalogue now: a missing or broken file stops the service at start-up, not at the first reading.
        app.Services.GetRequiredService<SensorCatalog>();

        app.UseConfiguredForwardedHeaders();
        app.UseCorrelationId();
        app.UseRequestLogging();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        return app;
    }

    public static WebApplication MapIngest(this WebApplication app)
    {
        app.MapDefaultEndpoints();
        app.MapReadingsApi();
        app.MapSensorsApi();
        app.MapOpenApi();
        app.MapScalarApiReference(options => options.WithTitle("NOP Ingest API"));
        app.MapGet("/", () => TypedResults.Redirect("/scalar")).ExcludeFromDescription();
        return app;
    }
}
