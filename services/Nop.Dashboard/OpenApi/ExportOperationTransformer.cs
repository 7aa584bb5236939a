using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Nop.Dashboard.History;

namespace Nop.Dashboard.OpenApi;

// What endpoint metadata cannot say: the text/csv answer of an endpoint with CsvExport (its header row as the
// example), and the Retry-After header of a 503.
internal sealed class ExportOperationTransformer(IOptions<DashboardOptions> options) : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context,
        CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<CsvExport>().FirstOrDefault() is { } csv
            && operation.Responses?.TryGetValue("200", out var ok) == true && ok is OpenApiResponse answer)
        {
            answer.Content ??= new Dictionary<string, OpenApiMediaType>();
            answer.Content["text/csv"] = new OpenApiMediaType
            {
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Description = "format=csv: a header row, then one row per item (UTF-8, CRLF, invariant culture, "
                        + "ISO 8601 UTC times, dB with one decimal, empty where there is no value). Sent as an "
                        + "attachment (Content-Disposition).",
                },
                Example = JsonValue.Create(csv.Header + "\r\n"),
            };
        }
        if (operation.Responses?.TryGetValue("503", out var unavailable) == true
            && unavailable is OpenApiResponse busy)
        {
            busy.Headers ??= new Dictionary<string, IOpenApiHeader>();
            busy.Headers["Retry-After"] = new OpenApiHeader
            {
                Description = "Seconds to wait before asking again (Dashboard:RequestTimeout, "
                    + Math.Ceiling(options.Value.RequestTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture)
                    + " s).",
                Required = true,
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" },
            };
        }
        return Task.CompletedTask;
    }
}
