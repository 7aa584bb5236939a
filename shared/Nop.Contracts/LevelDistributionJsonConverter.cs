using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Nop.Contracts;

/// <summary>
/// <see cref="NoiseLevelMeasured.Distribution"/> as JSON: the same text as the serializer's own dictionary converter
/// (<c>{"652":30,"653":1.5}</c>), written faster and read by that converter. A window's distribution is most of its
/// event, and Processing writes one per closed sensor-window into its outbox: the serializer formats every seconds
/// value as a shortest round-trip double, which was the largest cost of an aggregator checkpoint's JSON. Whole seconds
/// (every 1 s reading's) are written as the integer they are, which is the text the serializer gives them too.
/// </summary>
public sealed class LevelDistributionJsonConverter : JsonConverter<IReadOnlyDictionary<int, double>>
{
    // Below this, a whole number of seconds is written by either path as its plain digits (no exponent).
    private const double WholeSecondsBound = 1e9;

    /// <inheritdoc />
    public override IReadOnlyDictionary<int, double>? Read(ref Utf8JsonReader reader, Type typeToConvert,
        JsonSerializerOptions options) =>
        JsonSerializer.Deserialize(ref reader, (JsonTypeInfo<IReadOnlyDictionary<int, double>>)
            options.GetTypeInfo(typeof(IReadOnlyDictionary<int, double>)));

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<int, double> value,
        JsonSerializerOptions options)
    {
        Span<byte> name = stackalloc byte[11];
        writer.WriteStartObject();
        foreach (var (levelClass, seconds) in value)
        {
            levelClass.TryFormat(name, out var length, default, CultureInfo.InvariantCulture);
            writer.WritePropertyName(name[..length]);
            // (Not -0, which the serializer writes as "-0".)
            if (!double.IsNegative(seconds) && seconds < WholeSecondsBound && seconds == Math.Floor(seconds))
            {
                writer.WriteNumberValue((long)seconds);
            }
            else
            {
                writer.WriteNumberValue(seconds);
            }
        }
        writer.WriteEndObject();
    }
}
