using Nop.Contracts;

namespace Nop.Processing.Tests.Support;

/// <summary>Deterministic batches of readings and the window results a fault-free run must produce from them.</summary>
internal static class Readings
{
    /// <summary>
    /// A minute boundary an hour ago: event times in the past, as from sensors that buffered while offline.
    /// </summary>
    public static DateTimeOffset Start { get; } = Aligned(DateTimeOffset.UtcNow.AddHours(-1));

    private static readonly GeoLocation Location = new(52.37, 4.89);

    private static DateTimeOffset Aligned(DateTimeOffset t) =>
        new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

    /// <summary>
    /// <paramref name="perSensor"/> readings per sensor, each covering the <paramref name="every"/> before its
    /// <c>measuredAt</c> (stated as its duration), in batches of <paramref name="batchSize"/> per sensor, interleaved
    /// across sensors in event-time order. Readings never cross a minute boundary when <paramref name="every"/> divides
    /// one.
    /// </summary>
    public static List<ReadingBatchReceived> Stream(string[] sensors, int perSensor, TimeSpan every, string runId,
        int batchSize = 12)
    {
        var batches = new List<ReadingBatchReceived>();
        for (var first = 0; first < perSensor; first += batchSize)
        {
            for (var s = 0; s < sensors.Length; s++)
            {
                var readings = new List<SensorReading>();
                for (var i = first; i < Math.Min(first + batchSize, perSensor); i++)
                {
                    var laeq = Math.Round(45 + ((i * 37 + s * 11) % 30) + (0.1 * (i % 10)), 1);
                    readings.Add(new SensorReading($"{runId}-{sensors[s]}-{i}", Start + (every * (i + 1)), laeq,
                        laeq + 4, every.TotalSeconds));
                }
                batches.Add(Batch(sensors[s], readings));
            }
        }
        return batches;
    }

    public static ReadingBatchReceived Batch(string sensor, IReadOnlyList<SensorReading> readings) =>
        new(sensor, Zone.Residential, Location, null, DateTimeOffset.UtcNow, readings);

    /// <summary>One reading per sensor far enough ahead that its watermark closes every earlier window.</summary>
    public static List<ReadingBatchReceived> Flush(string[] sensors, string runId) =>
        sensors.Select(s => Batch(s, [new SensorReading($"{runId}-{s}-flush", Start.AddMinutes(30), 40, null, 1)]))
            .ToList();

    /// <summary>Window results computed directly from the readings (energy average over equal durations, max, count,
    /// covered seconds), per sensor and window start.</summary>
    public static Dictionary<(string Sensor, DateTimeOffset Start),
        (double Laeq, double Lamax, int Count, double Seconds)> Expected(
        IEnumerable<ReadingBatchReceived> batches) =>
        batches.SelectMany(b => b.Readings.Select(r => (b.SensorId, Reading: r)))
            .DistinctBy(r => (r.SensorId, r.Reading.ReadingId))
            .GroupBy(r =>
                (r.SensorId, Start: Aligned(r.Reading.MeasuredAt.AddSeconds(-r.Reading.DurationSeconds!.Value))))
            .ToDictionary(g => (g.Key.SensorId, g.Key.Start), g => (
                Math.Round(10 * Math.Log10(g.Average(r => Math.Pow(10, r.Reading.Laeq / 10))), 2),
                g.Max(r => r.Reading.Lamax ?? r.Reading.Laeq),
                g.Count(),
                g.Sum(r => r.Reading.DurationSeconds!.Value)));

    public static void ShouldMatch(IReadOnlyList<NoiseLevelMeasured> levels, IEnumerable<ReadingBatchReceived> batches)
    {
        var expected = Expected(batches);
        var actual = levels.ToDictionary(l => (l.SensorId, l.WindowStart));
        actual.Keys.Order().ShouldBe(expected.Keys.Order(), "one NoiseLevelMeasured per sensor and window");
        foreach (var (key, (laeq, lamax, count, seconds)) in expected)
        {
            var level = actual[key];
            level.Count.ShouldBe(count, $"count of {key}");
            level.LateCount.ShouldBe(0, $"late count of {key}");
            level.Laeq.ShouldBe(laeq, tolerance: 0.011, $"LAeq of {key}");
            level.Lamax.ShouldBe(lamax, tolerance: 1e-9, $"LAmax of {key}");
            level.Coverage!.Value.ShouldBe(seconds / 60, tolerance: 1e-9, $"coverage of {key}");
            level.WindowEnd.ShouldBe(key.Start.AddMinutes(1));
        }
    }
}
