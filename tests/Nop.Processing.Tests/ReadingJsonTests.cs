using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Nop.Contracts;

namespace Nop.Processing.Tests;

/// <summary><see cref="SensorReadingJsonConverter"/> reads and writes what the serializer does with the contracts'
/// options: compared with a twin record without the converter, on edge cases and on random mutations of a body.</summary>
[Trait("Category", "Unit")]
public sealed class ReadingJsonTests
{
    private const string Valid = """
        {"readingId":"r-1","measuredAt":"2026-03-29T01:00:00+00:00","laeq":55.5,"lamax":61.2,"durationSeconds":1}
        """;

    // The contracts' options (NopJsonContext) by reflection, for a type the converter does not apply to.
    private static readonly JsonSerializerOptions TwinOptions = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.Strict,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    public static TheoryData<string> EdgeCases() =>
    [
        Valid,
        """{"READINGID":"r","MeasuredAt":"2026-03-29T01:00:00Z","LAEQ":1,"LaMax":null,"DURATIONSECONDS":null}""",
        """{"read\u0069ngId":"r","measuredAt":"2026-03-29T01:00:00Z","laeq":1,"lamax":null,"durationSeconds":null}""",
        """{"readingId":"a","readingId":"b","measuredAt":"2026-03-29T01:00:00Z","laeq":1,"lamax":2,"durationSeconds":3}""",
        """{"x":{"y":[1,{"z":null}]},"readingId":"r","measuredAt":"2026-03-29T01:00:00.1234567+02:00","laeq":-0,""" +
            "\"lamax\":1e2,\"durationSeconds\":0.5,\"w\":[]}",
        """{"readingId":"r","measuredAt":"2026-03-29T01:00:00Z","laeq":1,"lamax":null}""",
        """{"readingId":"r","measuredAt":"2026-03-29T01:00:00Z","laeq":1,"durationSeconds":null}""",
        """{"readingId":"r","measuredAt":"2026-03-29T01:00:00Z","lamax":null,"durationSeconds":null}""",
        """{"measuredAt":"2026-03-29T01:00:00Z","laeq":1,"lamax":null,"durationSeconds":null}""",
        """{"readingId":"r","laeq":1,"lamax":null,"durationSeconds":null}""",
        """{"readingId":null,"measuredAt":"2026-03-29T01:00:00Z","laeq":1,"lamax":null,"durationSeconds":null}""",
        """{"readingId":"r","measuredAt":null,"laeq":1,"lamax":null,"durationSeconds":null}""",
        """{"readingId":"r","measuredAt":"2026-03-29T01:00:00Z","laeq":null,"lamax":null,"durationSeconds":null}""",
        """{"readingId":"r","measuredAt":"2026-03-29T01:00:00Z","laeq":"1","lamax":null,"durationSeconds":null}""",
        """{"readingId":"r","measuredAt":"2026-03-29T01:00:00Z","laeq":1,"lamax":"NaN","durationSeconds":null}""",
        """{"readingId":"r","measuredAt":"2026-03-29T01:00:00Z","laeq":1e400,"lamax":null,"durationSeconds":null}""",
        """{"readingId":1,"measuredAt":"2026-03-29T01:00:00Z","laeq":1,"lamax":null,"durationSeconds":null}""",
        """{"readingId":"r","measuredAt":5,"laeq":1,"lamax":null,"durationSeconds":null}""",
        """{"readingId":"r","measuredAt":"yesterday","laeq":1,"lamax":null,"durationSeconds":null}""",
        """{"readingId":"r","measuredAt":"2026-03-29T01:00:00Z","laeq":true,"lamax":null,"durationSeconds":null}""",
        """{"readingId":"r","measuredAt":"2026-03-29T01:00:00Z","laeq":1,"lamax":[],"durationSeconds":{}}""",
        """{}""",
        """[]""",
        """null""",
        """ "r" """,
        """{"readingId":"r","measuredAt":"2026-03-29T01:00:00Z","laeq":1,"lamax":null,"durationSeconds":null""",
    ];

    [Theory]
    [MemberData(nameof(EdgeCases))]
    public void An_edge_case_reads_as_the_serializer_reads_it(string json) => ReadsAlike(json);

    [Fact]
    public void Random_mutations_of_a_reading_read_as_the_serializer_reads_them()
    {
        var random = new Random(12);
        const string alphabet = "{}[]\":,0123456789.-+eEtruefalsn rRlaxqd\\";
        var refused = 0;
        for (var i = 0; i < 3000; i++)
        {
            var text = new StringBuilder(Valid.Trim());
            for (var edits = random.Next(1, 3); edits > 0; edits--)
            {
                var at = random.Next(text.Length);
                switch (random.Next(3))
                {
                    case 0:
                        text.Remove(at, 1);
                        break;
                    case 1:
                        text.Insert(at, alphabet[random.Next(alphabet.Length)]);
                        break;
                    default:
                        text[at] = alphabet[random.Next(alphabet.Length)];
                        break;
                }
            }
            refused += ReadsAlike(text.ToString()) ? 0 : 1;
        }
        // Most mutations break the body; enough must not, or the values were never compared.
        refused.ShouldBeLessThan(2950);
    }

    [Fact]
    public void A_reading_is_written_as_the_serializer_writes_it()
    {
        var random = new Random(5);
        for (var i = 0; i < 500; i++)
        {
            var reading = new SensorReading($"r-{i}\u00e9\"", DateTimeOffset.UnixEpoch.AddTicks(random.NextInt64(
                    0, DateTimeOffset.MaxValue.Ticks / 2)).ToOffset(TimeSpan.FromMinutes(random.Next(-600, 600))),
                Math.Round(random.NextDouble() * 140, random.Next(0, 6)),
                i % 3 == 0 ? null : random.NextDouble() * 1e3,
                i % 4 == 0 ? null : i % 5 == 0 ? 1 : random.NextDouble());
            var twin = new TwinReading(reading.ReadingId, reading.MeasuredAt, reading.Laeq, reading.Lamax,
                reading.DurationSeconds);

            var json = JsonSerializer.Serialize(reading, NopJsonContext.Default.SensorReading);

            json.ShouldBe(JsonSerializer.Serialize(twin, TwinOptions));
            JsonSerializer.Deserialize(json, NopJsonContext.Default.SensorReading).ShouldBe(reading);
        }
    }

    /// <summary>Both read <paramref name="json"/> to the same reading, or both refuse it with a
    /// <see cref="JsonException"/>; true when it was read.</summary>
    private static bool ReadsAlike(string json)
    {
        var expected = Outcome(() => JsonSerializer.Deserialize<TwinReading>(json, TwinOptions) is { } twin
            ? new SensorReading(twin.ReadingId, twin.MeasuredAt, twin.Laeq, twin.Lamax, twin.DurationSeconds)
            : null);
        var actual = Outcome(() => JsonSerializer.Deserialize(json, NopJsonContext.Default.SensorReading));
        actual.ShouldBe(expected, $"body: {json}");
        return expected.StartsWith("read", StringComparison.Ordinal);
    }

    private static string Outcome(Func<SensorReading?> read)
    {
        try
        {
            return read() is { } r
                ? string.Create(CultureInfo.InvariantCulture,
                    $"read {r.ReadingId}|{r.MeasuredAt:O}|{r.Laeq:R}|{r.Lamax:R}|{r.DurationSeconds:R}")
                : "read null";
        }
        catch (JsonException)
        {
            return "refused";
        }
    }

    private sealed record TwinReading(
        string ReadingId,
        DateTimeOffset MeasuredAt,
        double Laeq,
        double? Lamax,
        double? DurationSeconds);
}
