namespace Nop.Processing.Aggregation;

/// <summary>
/// The checkpoint format of <see cref="SensorAggregate"/>s: compact binary, versioned by its first byte. A
/// <b>delta</b> holds the given sensors with only the reading-id hashes added since their last checkpoint
/// (<see cref="ReadingIdSet.Persisted"/>); a <b>snapshot</b> holds them whole. A partition's state is its last snapshot
/// with the deltas written after it applied in order.
/// </summary>
public static class SensorAggregateCodec
{
    public static byte[] Delta(IEnumerable<SensorAggregate> changed) => throw new NotImplementedException();

    public static byte[] Snapshot(IEnumerable<SensorAggregate> all) => throw new NotImplementedException();

    /// <summary>Applies a snapshot or delta onto <paramref name="sensors"/>: each sensor in it replaces its header
    /// fields, keeps the hashes of windows still open or remembered and appends the new ones. Hashes read are
    /// <see cref="ReadingIdSet.Persisted"/>.</summary>
    public static void Apply(ReadOnlySpan<byte> blob, IDictionary<string, SensorAggregate> sensors) => throw new NotImplementedException();
}
