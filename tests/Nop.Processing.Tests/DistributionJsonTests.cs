using System.Text.Json;
using Nop.Contracts;

namespace Nop.Processing.Tests;

/// <summary><see cref="LevelDistributionJsonConverter"/> writes what the serializer's own dictionary converter writes,
/// and its output reads back the same.</summary>
[Trait("Category", "Unit")]
public sealed class DistributionJsonTests
{
    [Fact]
    public void A_distribution_is_written_as_the_serializers_dictionary_converter_writes_it_and_reads_back()
    {
        var random = new Random(3);
        var distribution = new Dictionary<int, double>
        {
            [652] = 30,
            [653] = 1.5,
            [0] = 0,
            [1940] = 86_400,
            [400] = 0.1 + 0.2,
            [401] = 1e-7,
            [402] = 999_999_999,
            [403] = 1e9,
            [408] = 1e15,
            [404] = 12_345_678_901,
            [405] = double.Epsilon,
            [406] = -0.0,
            [407] = -2,
            [-5] = 3,
        };
        for (var i = 0; i < 200; i++)
        {
            distribution[1000 + i] = i % 2 == 0 ? random.Next(0, 100_000) : random.NextDouble() * 1000;
        }
        var message = new NoiseLevelMeasured("s1", Zone.Residential, DateTimeOffset.UnixEpoch,
            DateTimeOffset.UnixEpoch.AddMinutes(1), 55.5, 60, 58, 50, 60, 0, 0, DayPeriod.Day, 55, 54, 1, distribution);

        var json = JsonSerializer.Serialize(message, MessageTypes.JsonInfo<NoiseLevelMeasured>());

        // The serializer's own converter: the same dictionary alone, through the contracts' options.
        var expected = JsonSerializer.Serialize<IReadOnlyDictionary<int, double>>(distribution,
            NopJsonContext.Default.Options);
        JsonDocument.Parse(json).RootElement.GetProperty("distribution").GetRawText().ShouldBe(expected);
        var read = JsonSerializer.Deserialize(json, MessageTypes.JsonInfo<NoiseLevelMeasured>())!;
        read.Distribution!.OrderBy(c => c.Key).ShouldBe(distribution.OrderBy(c => c.Key));
    }
}
