using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Nop.Dashboard.History;

namespace Nop.Dashboard.OpenApi;

// The history parameters are read as strings (so a bad value gets a 400 naming it, not the framework's bare 400);
// the document states what QueryParameters takes: the values of resolution, span and format, and the time and
// date formats.
internal sealed class ParameterSchemaTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context,
        CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var csv = metadata.OfType<CsvExport>().Any();
        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
        {
            if (parameter.Schema is not OpenApiSchema schema)
            {
                continue;
            }
            switch (operation.OperationId, parameter.Name)
            {
                case (HistoryApi.LevelsName, "from" or "to"):
                    schema.Format = "date-time";
                    break;
                case (HistoryApi.IndicatorsName, "from" or "to"):
                case (HistoryApi.DayName, "date"):
                    schema.Format = "date";
                    break;
                case (HistoryApi.LevelsName, "resolution"):
                    Values(schema, "minute", "hour", "day");
                    break;
                case (HistoryApi.IndicatorsName, "span"):
                    Values(schema, "day", "month", "year");
                    break;
                case (HistoryApi.LevelsName, "format"):
                    Values(schema, "json", "csv", "fiware");
                    break;
                case (_, "format") when csv:
                    Values(schema, "json", "csv");
                    break;
            }
        }
        return Task.CompletedTask;
    }

    private static void Values(OpenApiSchema schema, params string[] values) =>
        schema.Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v))];
}
