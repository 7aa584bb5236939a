namespace Nop.Ingest.Extensions;

/// <summary>The OpenAPI document (<c>/openapi/v1.json</c>).</summary>
internal static class OpenApi
{
    public static IServiceCollection AddIngestOpenApi(this IServiceCollection services)
    {
        services.AddOpenApi();
        return services;
    }
}
