using Nop.Contracts;

namespace Nop.Processing.Tests.Support;

/// <summary>Deterministic reading streams and the window results a fault-free run must produce from them.</summary>
internal static class Readings
{
    /// <summary>A minute boundary an hour ago: event times in the past, as from sensors that buffered while offline.</summary>
    public static DateTimeOffset Start { get; } = Aligned(DateTimeOffset.UtcNow.AddHours(-1));

    private static DateTimeOffset Aligned(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

    /// <summary><paramref name="perSensor"/> readings per sensor every <paramref name="every"/>, interleaved across sensors in event-time order.</summary>
    public static List<ReadingReceived> Stream(string[] sensors, int perSensor, TimeSpan every, string runId)
    {
        var list = new List<ReadingReceived>();
        for (var i = 0; i < perSensor; i++)
        {
            for (var s = 0; s < sensors.Length; s++)
            {
                var laeq = Math.Round(45 + ((i * 37 + s * 11) % 30) + (0.1 * (i % 10)), 1);
                var at = Start + (every * i) + TimeSpan.FromMilliseconds(s * 10);
                list.Add(new ReadingReceived($"{runId}-{sensors[s]}-{i}", sensors[s], Zone.Residential, new GeoLocation(52.37, 4.89),
                    at, laeq, laeq + 4, null, DateTimeOffset.UtcNow));
            }
        }
        return list;
    }

    /// <summary>One reading per sensor far enough ahead that its watermark closes every earlier window.</summary>
    public static List<ReadingReceived> Flush(string[] sensors, string runId) =>
        sensors.Select(s => new ReadingReceived($"{runId}-{s}-flush", s, Zone.Residential, new GeoLocation(52.37, 4.89),
            Start.AddMinutes(30), 40, null, null, DateTimeOffset.UtcNow)).ToList();

    /// <summary>Window results computed directly from the readings (energy average, max, count), per sensor and window start.</summary>
    public static Dictionary<(string Sensor, DateTimeOffset Start), (double Laeq, double Lamax, int Count)> Expected(IEnumerable<ReadingReceived> readings) =>
        readings.DistinctBy(r => r.ReadingId)
            .GroupBy(r => (r.SensorId, Start: new DateTimeOffset(r.MeasuredAt.UtcTicks - (r.MeasuredAt.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero)))
            .ToDictionary(g => (g.Key.SensorId, g.Key.Start), g => (
                Math.Round(10 * Math.Log10(g.Average(r => Math.Pow(10, r.Laeq / 10))), 2),
                g.Max(r => r.Lamax ?? r.Laeq),
                g.Count()));

    public static void ShouldMatch(IReadOnlyList<NoiseLevelMeasured> levels, IEnumerable<ReadingReceived> readings)
    {
        var expected = Expected(readings);
        var actual = levels.ToDictionary(l => (l.SensorId, l.WindowStart));
        actual.Keys.Order().ShouldBe(expected.Keys.Order(), "one NoiseLevelMeasured per sensor and window");
        foreach (var (key, (laeq, lamax, count)) in expected)
        {
            var level = actual[key];
            level.Count.ShouldBe(count, $"count of {key}");
            level.LateCount.ShouldBe(0, $"late count of {key}");
            level.Laeq.ShouldBe(laeq, tolerance: 0.011, $"LAeq of {key}");
            level.Lamax.ShouldBe(lamax, tolerance: 1e-9, $"LAmax of {key}");
            level.WindowEnd.ShouldBe(key.Start.AddMinutes(1));
        }
    }
}
