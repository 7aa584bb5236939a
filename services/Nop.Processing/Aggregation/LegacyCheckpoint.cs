using System.Text.Json;
using System.Text.Json.Serialization;
using Nop.Contracts;

namespace Nop.Processing.Aggregation;

// A window_readings row of the previous checkpoint format: a reading stored with the window it
// counted in (a closed window's rows carry only the id).
public sealed record LegacyReading(string ReadingId, DateTimeOffset WindowStart, double Laeq, double? Lamax,
    double? Duration);

// Turns a checkpoint of the previous version (a sensor_states.State JSON row and its window_readings
// rows) into a SensorAggregate, so an upgrade continues every open window. The old engine put a reading
// whole into the window of its measuredAt, without splitting: its windows are rebuilt from the rows as they
// are, since the readings cannot be told apart again.
public static class LegacyCheckpoint
{
    public static SensorAggregate Convert(string stateJson, IEnumerable<LegacyReading> readings,
        ProcessingOptions options)
    {
        var state = JsonSerializer.Deserialize(stateJson, LegacyJsonContext.Default.LegacyState)
            ?? throw new InvalidDataException("The old sensor state is null.");
        var sensor = new SensorAggregate
        {
            SensorId = state.SensorId,
            Zone = state.Zone,
            ClosedUntil = state.ClosedUntil,
            MaxEventTime = state.MaxEventTime,
            PendingLate = state.PendingLate,
            LevelRule = new RuleCounters
            {
                Above = state.LevelRule.Above,
                Below = state.LevelRule.Below,
                Open = state.LevelRule.Open,
            },
            SpikeRateRule = new RuleCounters
            {
                Above = state.SpikeRateRule.Above,
                Below = state.SpikeRateRule.Below,
                Open = state.SpikeRateRule.Open,
            },
            LastLaeq = state.LastLaeq,
            RepeatCount = state.RepeatCount,
            StuckReported = state.StuckReported,
            OfflineReported = state.OfflineReported,
        };
        // The rule runs continue from the last window the old engine closed (it kept no gap, so assume none).
        sensor.LevelRule.LastWindowEnd = sensor.SpikeRateRule.LastWindowEnd = state.ClosedUntil;
        var size = options.Windows.Size;
        foreach (var old in state.Windows)
        {
            var window = new WindowAggregate { Start = old.Start.ToUniversalTime(), CorrelationId = old.CorrelationId };
            foreach (var inline in old.Readings ?? [])
            {
                Count(window, new LegacyReading(inline.Id, old.Start, inline.Laeq, inline.Lamax, inline.Duration),
                    options);
            }
            sensor.Windows.Add(window);
        }
        foreach (var old in state.RecentlyClosed)
        {
            var closed = new ClosedWindow
            {
                Start = (old.End - size).ToUniversalTime(),
                End = old.End.ToUniversalTime(),
            };
            foreach (var id in old.Ids ?? [])
            {
                closed.Ids.Add(ReadingIdHash.Of(id));
            }
            sensor.RecentlyClosed.Add(closed);
        }
        foreach (var row in readings)
        {
            if (sensor.Windows.Find(w => w.Start == row.WindowStart) is { } open)
            {
                Count(open, row, options);
            }
            else if (sensor.RecentlyClosed.Find(c => c.Start == row.WindowStart) is { } closed)
            {
                closed.Ids.Add(ReadingIdHash.Of(row.ReadingId));
            }
        }
        return sensor;
    }

    private static void Count(WindowAggregate window, LegacyReading row, ProcessingOptions options)
    {
        // The old engine's duration rule: stated and positive, else 1 s.
        var seconds = row.Duration is > 0 ? row.Duration.Value : 1;
        var peak = row.Lamax ?? row.Laeq;
        window.Energy += seconds * Math.Pow(10, row.Laeq / 10);
        window.Seconds += seconds;
        window.Count++;
        window.Lamax = Math.Max(window.Lamax, peak);
        window.Spikes += peak >= options.Rules.SpikeLevel ? 1 : 0;
        window.Distribution.Add(row.Laeq, seconds);
        window.Ids.Add(ReadingIdHash.Of(row.ReadingId));
    }
}

// The previous version's JSON, read by private DTOs so the old classes can go.
internal sealed class LegacyState
{
    public string SensorId { get; set; } = "";
    public Zone Zone { get; set; }
    public List<LegacyWindow> Windows { get; set; } = [];
    public DateTimeOffset? ClosedUntil { get; set; }
    public DateTimeOffset? MaxEventTime { get; set; }
    public int PendingLate { get; set; }
    public List<LegacyClosed> RecentlyClosed { get; set; } = [];
    public LegacyRule LevelRule { get; set; } = new();
    public LegacyRule SpikeRateRule { get; set; } = new();
    public double? LastLaeq { get; set; }
    public int RepeatCount { get; set; }
    public bool StuckReported { get; set; }
    public bool OfflineReported { get; set; }
}

internal sealed class LegacyWindow
{
    public DateTimeOffset Start { get; set; }
    public string? CorrelationId { get; set; }
    // Only in states written before readings were stored as rows.
    public List<LegacyInlineReading>? Readings { get; set; }
}

internal sealed class LegacyInlineReading
{
    public string Id { get; set; } = "";
    public double Laeq { get; set; }
    public double? Lamax { get; set; }
    public double? Duration { get; set; }
}

internal sealed class LegacyClosed
{
    public DateTimeOffset End { get; set; }
    public List<string>? Ids { get; set; }
}

internal sealed class LegacyRule
{
    public int Above { get; set; }
    public int Below { get; set; }
    public bool Open { get; set; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(LegacyState))]
internal sealed partial class LegacyJsonContext : JsonSerializerContext;
