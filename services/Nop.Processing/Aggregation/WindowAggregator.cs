using Nop.Contracts;

namespace Nop.Processing.Aggregation;

/// <summary>
/// The windowed aggregation of one partition, without I/O (see <c>CheckpointedPartition</c> for that): per-sensor
/// event-time tumbling windows of mergeable aggregates, closed by the sensor's own watermark or, while the sensor is
/// silent, by the partition's fed clock; the threshold rules; stuck and offline detection. Not thread-safe: one
/// partition is handled by one caller at a time.
/// </summary>
public sealed class WindowAggregator(ProcessingOptions options)
{
    /// <summary>The partition's fed clock: advanced by <see cref="Tick"/> only while the partition is being fed (its
    /// consumer holds it, the broker connection is up, checkpoints succeed). Sensor silence is measured on it, so an
    /// outage of ours is never taken for the sensors' silence.</summary>
    public TimeSpan FedTime { get; private set; }

    public IReadOnlyDictionary<string, SensorAggregate> Sensors => throw new NotImplementedException();

    /// <summary>Sensors changed since <see cref="ClearChanges"/>: what the next checkpoint writes.</summary>
    public IReadOnlyCollection<SensorAggregate> Changed => throw new NotImplementedException();

    /// <summary>After a checkpoint has written <see cref="Changed"/>: marks their hashes persisted and clears the set.</summary>
    public void ClearChanges() => throw new NotImplementedException();

    /// <summary>Restores checkpointed sensors (rebuilding their <see cref="SensorAggregate.Seen"/> sets); they count as
    /// heard from now on the fed clock.</summary>
    public void Load(IEnumerable<SensorAggregate> sensors) => throw new NotImplementedException();

    /// <summary>Takes the readings of one batch in order; events they cause (closed windows, rule changes, stuck) go to
    /// <paramref name="outputs"/>. <paramref name="now"/> is the wall clock, for the <c>detectedAt</c> of faults.</summary>
    public BatchOutcome Accept(ReadingBatchReceived batch, string? correlationId, DateTimeOffset now, List<AggregatorOutput> outputs) =>
        throw new NotImplementedException();

    /// <summary>
    /// Advances the fed clock by <paramref name="fed"/> (zero while the partition is not being fed), then: a sensor
    /// silent on it for longer than the idle grace has its watermark advanced by the silence (so its windows close
    /// although no newer reading comes), and one silent for longer than the offline time is reported offline once.
    /// </summary>
    public void Tick(TimeSpan fed, DateTimeOffset now, List<AggregatorOutput> outputs) => throw new NotImplementedException();

    /// <summary>Bytes of state per open sensor-window (for the benchmark's "memory per open window" figure).</summary>
    public long EstimatedBytes() => throw new NotImplementedException();

    private ProcessingOptions Options => options;
}
