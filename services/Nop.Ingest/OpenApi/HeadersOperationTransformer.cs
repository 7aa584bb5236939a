using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Nop.Ingest.Security;
using Nop.ServiceDefaults;

namespace Nop.Ingest.OpenApi;

// The headers a client relies on, which endpoint metadata cannot express: X-Api-Key where the endpoint needs it,
// X-Correlation-Id on every request and answer (CorrelationIdMiddleware), and Retry-After on 429 and 503.
internal sealed class HeadersOperationTransformer(IOptions<IngestOptions> options) : IOpenApiOperationTransformer
{
    // The characters CorrelationId.IsValid takes; anything else is replaced by a new id rather than refused.
    private static readonly string CorrelationIdPattern =
        string.Create(CultureInfo.InvariantCulture, $"^[A-Za-z0-9._:-]{{1,{CorrelationId.MaxLength}}}$");

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context,
        CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Any())
        {
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, context.Document)] = [],
            });
        }

        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = CorrelationId.HeaderName,
            In = ParameterLocation.Header,
            Required = false,
            Description = "Ties this request to its log lines and published events. A value that does not match "
                + "the pattern is replaced by a new id (a UUID v7); the answer carries the id used either way.",
            Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Pattern = CorrelationIdPattern,
                MaxLength = CorrelationId.MaxLength,
            },
        });

        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (response is not OpenApiResponse answer)
            {
                continue;
            }
            answer.Headers ??= new Dictionary<string, IOpenApiHeader>();
            answer.Headers[CorrelationId.HeaderName] = new OpenApiHeader
            {
                Description = "The request's correlation id: the caller's, or a new one.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            };
            if (RetryAfter(status) is { } retryAfter)
            {
                answer.Headers["Retry-After"] = retryAfter;
            }
        }
        return Task.CompletedTask;
    }

    private OpenApiHeader? RetryAfter(string status) => status switch
    {
        "429" => new OpenApiHeader
        {
            Description = "Seconds until this API key may send again.",
            Required = true,
            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" },
        },
        "503" => new OpenApiHeader
        {
            Description = "Seconds to wait before posting the same body again ("
                + options.Value.UnavailableRetryAfterSeconds.ToString(CultureInfo.InvariantCulture)
                + ", Ingest:UnavailableRetryAfterSeconds).",
            Required = true,
            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" },
        },
        _ => null,
    };
}
