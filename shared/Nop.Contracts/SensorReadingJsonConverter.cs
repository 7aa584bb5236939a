using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nop.Contracts;

/// <summary>
/// <see cref="SensorReading"/> as JSON, read and written as the serializer does with <see cref="NopJsonContext"/>'s
/// options (the same text; property names matched ignoring case; every property required; a null
/// <c>readingId</c> or <c>laeq</c> refused; unknown properties skipped; the last of a repeated one wins), without its
/// path for a constructor of more than four parameters, which boxes every argument and caches each in an array.
/// Every reading of every batch is read twice in Processing (the classifier's copy and the aggregator's): with the
/// serializer's path that was a fifth of Processing's CPU under load, in a profile. A test holds the two to the same
/// results on edge cases and random bodies.
/// </summary>
public sealed class SensorReadingJsonConverter : JsonConverter<SensorReading>
{
    private const int ReadingIdBit = 1, MeasuredAtBit = 2, LaeqBit = 4, LamaxBit = 8, DurationBit = 16, AllBits = 31;

    // Encoded once, as the generated serializer does: a name given as bytes would be checked for escaping each time.
    private static readonly JsonEncodedText ReadingIdName = JsonEncodedText.Encode("readingId"),
        MeasuredAtName = JsonEncodedText.Encode("measuredAt"), LaeqName = JsonEncodedText.Encode("laeq"),
        LamaxName = JsonEncodedText.Encode("lamax"), DurationName = JsonEncodedText.Encode("durationSeconds");

    private static readonly (JsonEncodedText Name, int Bit)[] Properties =
    [
        (ReadingIdName, ReadingIdBit), (MeasuredAtName, MeasuredAtBit), (LaeqName, LaeqBit), (LamaxName, LamaxBit),
        (DurationName, DurationBit),
    ];

    /// <inheritdoc />
    public override SensorReading Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException($"A reading must be a JSON object, not {reader.TokenType}.");
        string? readingId = null;
        DateTimeOffset measuredAt = default;
        double laeq = 0;
        double? lamax = null, duration = null;
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var bit = Property(ref reader);
            if (!reader.Read())
                throw new JsonException("A reading ends inside a property.");
            switch (bit)
            {
                case ReadingIdBit:
                    readingId = reader.TokenType == JsonTokenType.String ? reader.GetString()
                        : throw Invalid("readingId", "a string");
                    break;
                case MeasuredAtBit:
                    measuredAt = reader.TokenType == JsonTokenType.String ? reader.GetDateTimeOffset()
                        : throw Invalid("measuredAt", "a date and time string");
                    break;
                case LaeqBit:
                    laeq = reader.TokenType == JsonTokenType.Number ? reader.GetDouble()
                        : throw Invalid("laeq", "a number");
                    break;
                case LamaxBit:
                    lamax = NullableNumber(ref reader, "lamax");
                    break;
                case DurationBit:
                    duration = NullableNumber(ref reader, "durationSeconds");
                    break;
                default:
                    reader.Skip();
                    break;
            }
            seen |= bit;
        }
        if (reader.TokenType != JsonTokenType.EndObject)
            throw new JsonException("A reading is not a complete JSON object.");
        if (seen != AllBits)
            throw new JsonException("A reading lacks a required property (readingId, measuredAt, laeq, lamax and " +
                "durationSeconds are all required; lamax and durationSeconds may be null).");
        return new SensorReading(readingId!, measuredAt, laeq, lamax, duration);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, SensorReading value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString(ReadingIdName, value.ReadingId);
        writer.WriteString(MeasuredAtName, value.MeasuredAt);
        writer.WriteNumber(LaeqName, value.Laeq);
        WriteNullable(writer, LamaxName, value.Lamax);
        WriteNullable(writer, DurationName, value.DurationSeconds);
        writer.WriteEndObject();
    }

    // The property the reader is on, as its bit (0: not a reading's); the serializer's options match names ignoring
    // case, so the exact camelCase spelling is tried first and any other compared as text.
    private static int Property(ref Utf8JsonReader reader)
    {
        foreach (var (name, bit) in Properties)
        {
            if (reader.ValueTextEquals(name.EncodedUtf8Bytes))
                return bit;
        }
        var text = reader.GetString();
        foreach (var (name, bit) in Properties)
        {
            if (string.Equals(text, name.Value, StringComparison.OrdinalIgnoreCase))
                return bit;
        }
        return 0;
    }

    private static double? NullableNumber(ref Utf8JsonReader reader, string name) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.Number => reader.GetDouble(),
        _ => throw Invalid(name, "a number or null"),
    };

    private static void WriteNullable(Utf8JsonWriter writer, JsonEncodedText name, double? value)
    {
        if (value is { } number)
            writer.WriteNumber(name, number);
        else
            writer.WriteNull(name);
    }

    private static JsonException Invalid(string property, string expected) =>
        new($"A reading's {property} must be {expected}.");
}
