using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Nop.Ingest.Security;

namespace Nop.Ingest.Extensions;

/// <summary>The OpenAPI document (<c>/openapi/v1.json</c>): the X-Api-Key scheme, and a body of one reading or a batch.</summary>
internal static class OpenApi
{
    public static IServiceCollection AddIngestOpenApi(this IServiceCollection services)
    {
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "NOP Ingest API";
                document.Info.Description =
                    "Sensors post noise readings here. The readings of each sensor in a request are published to RabbitMQ as one " +
                    "message, and every message is confirmed by the broker before the 202. Errors are RFC 7807 ProblemDetails; 400s name each bad field (readings[3].laeq).";
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[ApiKeyAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = ApiKeyAuthenticationHandler.HeaderName,
                    Description = "The sensor's API key (development catalogue: dev-key-<sensor id>).",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                if (!context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Any())
                {
                    return Task.CompletedTask;
                }
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement
                {
                    [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, context.Document)] = [],
                });
                // The body is one reading or a batch; Accepts<T> can name only one of them.
                if (operation.RequestBody?.Content?.TryGetValue("application/json", out var json) == true && json is OpenApiMediaType media)
                {
                    media.Schema = new OpenApiSchema
                    {
                        OneOf =
                        [
                            new OpenApiSchemaReference(nameof(Readings.ReadingRequest), context.Document),
                            new OpenApiSchemaReference(nameof(Readings.ReadingBatchRequest), context.Document),
                        ],
                    };
                }
                return Task.CompletedTask;
            });
        });
        return services;
    }
}
