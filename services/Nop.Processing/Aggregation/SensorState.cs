using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Nop.Contracts;

namespace Nop.Processing.Aggregation;

/// <summary>
/// Everything the aggregator remembers about one sensor; checkpointed as one JSON row (<c>sensor_states</c>) and the
/// readings of its windows (<c>window_readings</c>).
/// </summary>
public sealed class SensorState
{
    public required string SensorId { get; init; }

    public Zone Zone { get; set; }

    /// <summary>Open windows, oldest first.</summary>
    public List<OpenWindow> Windows { get; set; } = [];

    /// <summary>Every window ending at or before this is closed; a reading for one of them is late.</summary>
    public DateTimeOffset? ClosedUntil { get; set; }

    /// <summary>The latest event time seen from this sensor (its watermark is this minus the allowed lateness).</summary>
    public DateTimeOffset? MaxEventTime { get; set; }

    /// <summary>Late readings since the last published window; reported as that window's successor's lateCount.</summary>
    public int PendingLate { get; set; }

    /// <summary>Reading ids of the most recently closed windows (and of late readings), for duplicate detection.</summary>
    public List<ClosedWindowIds> RecentlyClosed { get; set; } = [];

    public RuleState LevelRule { get; set; } = new();

    public RuleState SpikeRateRule { get; set; } = new();

    public double? LastLaeq { get; set; }

    public int RepeatCount { get; set; }

    public bool StuckReported { get; set; }

    public bool OfflineReported { get; set; }

    /// <summary>When the last reading arrived, by the wall clock. Not checkpointed: a restored sensor counts as
    /// heard from at load time, since Processing's own downtime is not the sensor's silence.</summary>
    [JsonIgnore]
    public DateTimeOffset LastArrivalAt { get; set; }

    /// <summary>Ids of readings in open windows and <see cref="RecentlyClosed"/>; rebuilt on load.</summary>
    [JsonIgnore]
    public HashSet<string> Seen { get; } = new(StringComparer.Ordinal);

    public void RebuildSeen()
    {
        Seen.Clear();
        foreach (var window in Windows)
        {
            Seen.UnionWith(window.Readings.Select(r => r.Id));
        }
        foreach (var closed in RecentlyClosed)
        {
            Seen.UnionWith(closed.Ids);
        }
    }
}

/// <summary>An open event-time window and the readings counted in it.</summary>
public sealed class OpenWindow
{
    public DateTimeOffset Start { get; set; }

    /// <summary>The correlation id of the window's first reading, carried by the events the window produces.</summary>
    public string? CorrelationId { get; set; }

    public List<WindowReading> Readings { get; set; } = [];
}

public sealed record WindowReading(string Id, double Laeq, double? Lamax, double? Duration);

public sealed class ClosedWindowIds
{
    public DateTimeOffset End { get; set; }

    public List<string> Ids { get; set; } = [];
}

/// <summary>Counters of one stateful rule: consecutive windows above / below, and whether it has fired.</summary>
public sealed class RuleState
{
    public int Above { get; set; }

    public int Below { get; set; }

    public bool Open { get; set; }
}

/// <summary>How a <see cref="SensorState"/> is checkpointed: as JSON without the readings of its windows, which are
/// stored as rows of their own (so a checkpoint does not write every open window again).</summary>
internal static class SensorStateJson
{
    private static readonly JsonTypeInfo<SensorState> Header = (JsonTypeInfo<SensorState>)new JsonSerializerOptions(ProcessingJsonContext.Default.Options)
    {
        TypeInfoResolver = ProcessingJsonContext.Default.WithAddedModifier(info =>
        {
            if (info.Type == typeof(OpenWindow) || info.Type == typeof(ClosedWindowIds))
            {
                foreach (var property in info.Properties.Where(p => p.Name is "readings" or "ids"))
                {
                    property.ShouldSerialize = static (_, _) => false;
                }
            }
        }),
    }.GetTypeInfo(typeof(SensorState));

    public static string Serialize(SensorState state) => JsonSerializer.Serialize(state, Header);

    /// <summary>Reads a checkpointed state (one written before readings were stored apart still has them inline).</summary>
    public static SensorState Deserialize(string json) => JsonSerializer.Deserialize(json, ProcessingJsonContext.Default.SensorState)!;
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(SensorState))]
internal sealed partial class ProcessingJsonContext : JsonSerializerContext;
