using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Nop.Dashboard.History;

namespace Nop.Dashboard.OpenApi;

// format=fiware answers NoiseLevelObserved entities instead of level points: the levels operation's JSON answer is
// one or the other, and the entity's schema is stated (the Smart Data Models attributes FiwareEntities writes).
internal sealed class FiwareSchemaTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context,
        CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[FiwareEntities.Type] = Entity();
        if (document.Paths?.TryGetValue("/api/history/sensors/{sensorId}/levels", out var path) != true
            || path?.Operations?.TryGetValue(HttpMethod.Get, out var get) != true
            || get?.Responses?.TryGetValue("200", out var ok) != true
            || ok?.Content?.TryGetValue("application/json", out var json) != true
            || json is not OpenApiMediaType media || media.Schema is null)
        {
            return Task.CompletedTask;
        }
        media.Schema = new OpenApiSchema
        {
            OneOf =
            [
                media.Schema,
                new OpenApiSchema
                {
                    Type = JsonSchemaType.Array,
                    Description = "format=fiware",
                    Items = new OpenApiSchemaReference(FiwareEntities.Type, document),
                },
            ],
        };
        return Task.CompletedTask;
    }

    private static OpenApiSchema Entity()
    {
        var time = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" };
        var properties = new Dictionary<string, IOpenApiSchema>
        {
            ["id"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "urn:ngsi-ld:NoiseLevelObserved:<sensor id>:<dateObservedFrom>",
            },
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = FiwareEntities.Type },
            ["dateObserved"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "The ISO 8601 interval dateObservedFrom/dateObservedTo.",
            },
            ["dateObservedFrom"] = time,
            ["dateObservedTo"] = time,
            ["location"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "GeoJSON Point [longitude, latitude] from the sensor catalogue; absent for a sensor "
                    + "the catalogue does not list.",
            },
            ["refDevice"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "urn:ngsi-ld:Device:<sensor id>",
            },
        };
        foreach (var (name, description) in new[]
        {
            ("LAeq", "LAeq over the point, dB(A)"), ("LAmax", "LAmax, dB(A)"), ("LA10", "L10, dB(A)"),
            ("LA50", "L50, dB(A)"), ("LA90", "L90, dB(A)"), ("LAeq_d", "Lday (day points), dB(A)"),
            ("LAeq_e", "Levening (day points), dB(A)"), ("LAeq_n", "Lnight (day points), dB(A)"),
            ("Lden", "Lden (day points, when every period is sufficiently covered), dB(A)"),
        })
        {
            properties[name] = new OpenApiSchema
            {
                Type = JsonSchemaType.Number,
                Description = description + "; absent when there is no value.",
            };
        }
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "A FIWARE Smart Data Models NoiseLevelObserved entity (key-values).",
            Required = new HashSet<string> { "id", "type", "dateObservedFrom", "dateObservedTo", "refDevice" },
            Properties = properties,
        };
    }
}
