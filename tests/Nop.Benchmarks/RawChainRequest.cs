using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nop.Benchmarks;

/// <summary>The body the raw chain's endpoint takes: the readings API's, deserialised with no validation.</summary>
public sealed record RawChainRequest(IReadOnlyList<RawChainReading> Readings);

public sealed record RawChainReading(
    string SensorId,
    string? ReadingId,
    DateTimeOffset MeasuredAt,
    double Laeq,
    double? Lamax,
    double? DurationSeconds);

/// <summary>Source-generated, as a lean endpoint would be.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RawChainRequest))]
public sealed partial class RawChainJson : JsonSerializerContext;
