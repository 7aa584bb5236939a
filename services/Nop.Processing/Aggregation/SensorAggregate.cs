using System.IO.Hashing;
using System.Text;
using Nop.Contracts;

namespace Nop.Processing.Aggregation;

/// <summary>
/// Everything the aggregator remembers about one sensor: its open windows as mergeable aggregates (never the readings
/// themselves), the reading-id hashes that recognise duplicates, the watermark and the rule counters. Checkpointed by
/// <see cref="SensorAggregateCodec"/>.
/// </summary>
public sealed class SensorAggregate
{
    public required string SensorId { get; init; }

    public Zone Zone { get; set; }

    /// <summary>Open windows, oldest first.</summary>
    public List<WindowAggregate> Windows { get; } = [];

    /// <summary>Closed windows whose reading ids are still kept, oldest first, so a re-posted reading is recognised as a
    /// duplicate rather than counted late.</summary>
    public List<ClosedWindow> RecentlyClosed { get; } = [];

    /// <summary>Every window ending at or before this is closed.</summary>
    public DateTimeOffset? ClosedUntil { get; set; }

    /// <summary>The latest event time seen from this sensor (its watermark is this minus the allowed lateness).</summary>
    public DateTimeOffset? MaxEventTime { get; set; }

    /// <summary>Late readings since the last published window; reported as the next window's lateCount.</summary>
    public int PendingLate { get; set; }

    public RuleCounters LevelRule { get; set; } = new();

    public RuleCounters SpikeRateRule { get; set; } = new();

    public double? LastLaeq { get; set; }

    public int RepeatCount { get; set; }

    public bool StuckReported { get; set; }

    public bool OfflineReported { get; set; }

    /// <summary>The last reading was implausible (the classifier reported it); a plausible one ends the fault.</summary>
    public bool ImplausibleReported { get; set; }

    /// <summary>When the last reading arrived, on the partition's fed clock (<see cref="PartitionWindows.FedTime"/>).
    /// Not checkpointed: a restored sensor counts as heard from at load time.</summary>
    public TimeSpan LastArrivalFed { get; set; }

    /// <summary>Hashes of every reading id kept in <see cref="Windows"/> and <see cref="RecentlyClosed"/>; rebuilt on load.</summary>
    public HashSet<ulong> Seen { get; } = [];
}

/// <summary>An open event-time window as mergeable aggregates.</summary>
public sealed class WindowAggregate
{
    public DateTimeOffset Start { get; set; }

    /// <summary>The correlation id of the window's first reading, carried by the events the window produces.</summary>
    public string? CorrelationId { get; set; }

    /// <summary>Σ tᵢ·10^(Lᵢ/10) over the covered time (tᵢ in seconds).</summary>
    public double Energy { get; set; }

    /// <summary>Σ tᵢ: seconds of the window covered by readings.</summary>
    public double Seconds { get; set; }

    /// <summary>Readings counted (a reading crossing a window boundary counts in both windows).</summary>
    public int Count { get; set; }

    /// <summary>The highest LAmax (or LAeq without one) counted.</summary>
    public double Lamax { get; set; }

    /// <summary>Readings whose LAmax (or LAeq) reached the spike level.</summary>
    public int Spikes { get; set; }

    /// <summary>Seconds per 0.1 dB level class.</summary>
    public LevelDistribution Distribution { get; } = new();

    /// <summary>Hashes of the ids of the readings counted here.</summary>
    public ReadingIdSet Ids { get; } = new();
}

/// <summary>A closed window remembered only by the reading ids it counted.</summary>
public sealed class ClosedWindow
{
    public DateTimeOffset Start { get; set; }

    public DateTimeOffset End { get; set; }

    /// <summary>Settable once, so a closing window hands its hashes over without copying them.</summary>
    public ReadingIdSet Ids { get; init; } = new();
}

/// <summary>
/// 64-bit hashes of reading ids, appended only. <see cref="Persisted"/> counts those already in a checkpoint, so a
/// checkpoint writes only the hashes added since the last one.
/// </summary>
public sealed class ReadingIdSet
{
    public List<ulong> Hashes { get; } = [];

    public int Persisted { get; set; }
}

/// <summary>Counters of one stateful rule: consecutive windows above / below, whether it has fired, and where the run
/// stands in time (a gap between windows resets it).</summary>
public sealed class RuleCounters
{
    public int Above { get; set; }

    public int Below { get; set; }

    public bool Open { get; set; }

    /// <summary>End of the last window counted; the next one continues the run only if it starts here.</summary>
    public DateTimeOffset? LastWindowEnd { get; set; }
}

/// <summary>The 64-bit hash a reading id is remembered by (XxHash3 of its UTF-8 bytes; a sensor's ids only meet its
/// own, so a collision needs two of one sensor's recent readings to share 64 bits).</summary>
public static class ReadingIdHash
{
    public static ulong Of(string readingId)
    {
        // Ids are short (a GUID is 36 bytes): hashed from the stack, so a reading costs no allocation.
        var max = Encoding.UTF8.GetMaxByteCount(readingId.Length);
        if (max <= 512)
        {
            Span<byte> buffer = stackalloc byte[max];
            return XxHash3.HashToUInt64(buffer[..Encoding.UTF8.GetBytes(readingId, buffer)]);
        }
        return XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(readingId));
    }
}
