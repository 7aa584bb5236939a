using Nop.Contracts;

namespace Nop.History.Data;

// One sensor's local clock hour: the merged LevelAggregate of the windows counted in it. Version guards the
// read-modify-write of the levels writer against another instance that took the queue over.
public sealed class HourRow
{
    public required string SensorId { get; init; }
    public DateTimeOffset HourStart { get; init; }
    public Zone Zone { get; set; }
    public double Energy { get; set; }
    public double CoveredSeconds { get; set; }
    public double? Lamax { get; set; }
    public double ExceedanceSeconds { get; set; }
    public byte[] Histogram { get; set; } = [];
    public int Version { get; set; }
}
