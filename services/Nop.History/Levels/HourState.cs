using Nop.Contracts;
using Nop.History.Indicators;

namespace Nop.History.Levels;

// An hour row as the writer holds it between batches: the aggregate, the zone last seen and the row's version (0: not
// in the database yet).
internal sealed class HourState(Zone zone, LevelAggregate aggregate, int version)
{
    public Zone Zone { get; set; } = zone;
    public LevelAggregate Aggregate { get; } = aggregate;
    public int Version { get; set; } = version;
    public bool Dirty { get; set; }
}
