using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Nop.Ingest.Security;

namespace Nop.Ingest.OpenApi;

// The document's title and description, and the X-Api-Key security scheme the operations refer to.
internal sealed class IngestDocumentTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context,
        CancellationToken cancellationToken)
    {
        document.Info.Title = "NOP Ingest API";
        document.Info.Description =
            "Sensors post noise readings here. The readings of each sensor in a request are published to RabbitMQ as "
            + "one message, and every message is confirmed by the broker before the 202. Errors are RFC 7807 "
            + "ProblemDetails; 400s name each bad field (readings[3].laeq).";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyAuthenticationHandler.HeaderName,
            Description = "The sensor's API key (in Development only, the public dev-key-<sensor id>).",
        };
        return Task.CompletedTask;
    }
}
