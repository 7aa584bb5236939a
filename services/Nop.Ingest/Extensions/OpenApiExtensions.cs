using Nop.Ingest.OpenApi;

namespace Nop.Ingest.Extensions;

public static class OpenApiExtensions
{
    // The OpenAPI document (/openapi/v1.json) and what it adds to the generated one: the X-Api-Key scheme, the
    // headers, the body of one reading or a batch with examples Ingest accepts, and the validator's limits.
    public static IServiceCollection AddIngestOpenApi(this IServiceCollection services)
    {
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer<IngestDocumentTransformer>();
            options.AddOperationTransformer<HeadersOperationTransformer>();
            options.AddOperationTransformer<ReadingsOperationTransformer>();
            options.AddSchemaTransformer<ReadingSchemaTransformer>();
        });
        return services;
    }
}
