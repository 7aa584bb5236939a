using System.Text.Json;
using System.Text.Json.Serialization;
using Nop.Ingest.Readings;
using Nop.Ingest.Sensors;

namespace Nop.Ingest;

// Source-generated JSON of Ingest's HTTP API (camelCase, zones as strings).
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(ReadingsAccepted))]
[JsonSerializable(typeof(ReadingRequest))]
[JsonSerializable(typeof(ReadingBatchRequest))]
[JsonSerializable(typeof(IReadOnlyList<Sensor>))]
internal sealed partial class IngestJsonContext : JsonSerializerContext;
