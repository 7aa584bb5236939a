using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Nop.Ingest.Readings;
using Nop.Ingest.Sensors;

namespace Nop.Ingest.OpenApi;

// The body of POST /api/readings: one reading or a batch (Accepts<T> can name only one of them), with an example of
// each that Ingest accepts when it is tried: a catalogued sensor, and measuredAt the time the document was fetched
// (a fixed date would soon be older than Ingest:MaxReadingAge and refused).
internal sealed class ReadingsOperationTransformer(SensorCatalog catalog, TimeProvider time)
    : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context,
        CancellationToken cancellationToken)
    {
        if (operation.OperationId != ReadingsApi.PostReadingsName
            || operation.RequestBody?.Content?.TryGetValue("application/json", out var json) != true
            || json is not OpenApiMediaType media)
        {
            return Task.CompletedTask;
        }
        media.Schema = new OpenApiSchema
        {
            OneOf =
            [
                new OpenApiSchemaReference(nameof(ReadingRequest), context.Document),
                new OpenApiSchemaReference(nameof(ReadingBatchRequest), context.Document),
            ],
        };

        var sensorId = catalog.Sensors.Count > 0 ? catalog.Sensors[0].Id : "dev-001";
        var now = time.GetUtcNow();
        var at = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        media.Examples = new Dictionary<string, IOpenApiExample>
        {
            ["reading"] = new OpenApiExample
            {
                Summary = "One reading (its id derived from sensorId and measuredAt)",
                Value = Reading(sensorId, at, laeq: 63.2, lamax: 71.0),
            },
            ["batch"] = new OpenApiExample
            {
                Summary = "A batch: the last three seconds of one sensor, each reading with its own id",
                Value = new JsonObject
                {
                    ["readings"] = new JsonArray(
                        Reading(sensorId, at.AddSeconds(-2), laeq: 58.4, lamax: 64.9, readingId: true),
                        Reading(sensorId, at.AddSeconds(-1), laeq: 61.0, lamax: 66.2, readingId: true),
                        Reading(sensorId, at, laeq: 59.7, lamax: 63.5, readingId: true)),
                },
            },
        };
        return Task.CompletedTask;
    }

    private static JsonObject Reading(string sensorId, DateTimeOffset measuredAt, double laeq, double lamax,
        bool readingId = false)
    {
        var reading = new JsonObject { ["sensorId"] = sensorId };
        if (readingId)
        {
            reading["readingId"] = string.Create(CultureInfo.InvariantCulture,
                $"{sensorId}-{measuredAt.ToUnixTimeSeconds()}");
        }
        reading["measuredAt"] = measuredAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        reading["laeq"] = laeq;
        reading["lamax"] = lamax;
        reading["durationSeconds"] = 1.0;
        return reading;
    }
}
