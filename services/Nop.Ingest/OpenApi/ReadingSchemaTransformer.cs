using System.Globalization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Nop.Ingest.Readings;

namespace Nop.Ingest.OpenApi;

// The request schemas state what ReadingParser enforces, taken from the same constants (ReadingLimits) and settings
// (IngestOptions), so a client can validate before posting and the document cannot promise more than Ingest takes.
internal sealed class ReadingSchemaTransformer(IOptions<IngestOptions> options) : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context,
        CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (context.JsonTypeInfo.Type == typeof(ReadingBatchRequest) && Property(schema, "readings") is { } readings)
        {
            // The parser refuses unknown fields.
            schema.AdditionalPropertiesAllowed = false;
            readings.MinItems = 1;
            readings.MaxItems = settings.MaxBatchSize;
            readings.Description = string.Create(CultureInfo.InvariantCulture,
                $"1 to {settings.MaxBatchSize} readings (Ingest:MaxBatchSize).");
        }
        else if (context.JsonTypeInfo.Type == typeof(ReadingRequest) && Property(schema, "sensorId") is { } sensorId)
        {
            schema.AdditionalPropertiesAllowed = false;
            sensorId.Pattern = ReadingLimits.SensorIdPattern;
            sensorId.MinLength = 1;
            sensorId.MaxLength = ReadingLimits.SensorIdMaxLength;
            if (Property(schema, "readingId") is { } readingId)
            {
                readingId.Pattern = ReadingLimits.ReadingIdPattern;
                readingId.MinLength = 1;
                readingId.MaxLength = ReadingLimits.ReadingIdMaxLength;
            }
            if (Property(schema, "measuredAt") is { } measuredAt)
            {
                measuredAt.Pattern = ReadingLimits.MeasuredAtPattern;
                var ahead = settings.MaxClockSkew.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture);
                var behind = settings.MaxReadingAge.TotalHours.ToString("0.#", CultureInfo.InvariantCulture);
                measuredAt.Description = $"Event time with a UTC offset (ISO 8601), at most {ahead} minutes ahead of "
                    + $"and {behind} hours behind Ingest's clock (Ingest:MaxClockSkew, Ingest:MaxReadingAge).";
            }
            foreach (var name in (string[])["laeq", "lamax"])
            {
                if (Property(schema, name) is { } level)
                {
                    level.Minimum = Number(ReadingLimits.MinLevel);
                    level.Maximum = Number(ReadingLimits.MaxLevel);
                }
            }
            if (Property(schema, "durationSeconds") is { } duration)
            {
                duration.ExclusiveMinimum = "0";
                duration.Maximum = Number(ReadingLimits.MaxDurationSeconds);
            }
        }
        return Task.CompletedTask;
    }

    // Primitive properties are inline schemas; a reference (a nested type) is not ours to change.
    private static OpenApiSchema? Property(OpenApiSchema schema, string name) =>
        schema.Properties?.TryGetValue(name, out var property) == true ? property as OpenApiSchema : null;

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);
}
