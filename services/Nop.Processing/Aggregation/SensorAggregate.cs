using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using Nop.Contracts;

namespace Nop.Processing.Aggregation;

// Everything the aggregator remembers about one sensor: its open windows as mergeable aggregates (never the readings
// themselves), the reading-id hashes that recognise duplicates, the watermark and the rule counters. Checkpointed by
// SensorAggregateCodec.
public sealed class SensorAggregate
{
    public required string SensorId { get; init; }

    public Zone Zone { get; set; }

    // Open windows, oldest first.
    public List<WindowAggregate> Windows { get; } = [];

    // Closed windows whose reading ids are still kept, oldest first, so a re-posted reading is recognised as a
    // duplicate rather than counted late.
    public List<ClosedWindow> RecentlyClosed { get; } = [];

    // Every window ending at or before this is closed.
    public DateTimeOffset? ClosedUntil { get; set; }

    // The latest event time seen from this sensor (its watermark is this minus the allowed lateness).
    public DateTimeOffset? MaxEventTime { get; set; }

    // Late readings since the last published window; reported as the next window's lateCount.
    public int PendingLate { get; set; }

    public RuleCounters LevelRule { get; set; } = new();

    public RuleCounters SpikeRateRule { get; set; } = new();

    public double? LastLaeq { get; set; }

    public int RepeatCount { get; set; }

    public bool StuckReported { get; set; }

    public bool OfflineReported { get; set; }

    // The last reading was implausible (the classifier reported it); a plausible one ends the fault.
    public bool ImplausibleReported { get; set; }

    // When the last reading arrived, on the partition's fed clock (PartitionWindows.FedTime).
    // Not checkpointed: a restored sensor counts as heard from at load time.
    public TimeSpan LastArrivalFed { get; set; }

    // What the last checkpoint holds of RecentlyClosed, so a delta writes only what changed since: the windows
    // dropped from its front since then, and how many leading windows (in the same order) it holds.
    internal int ClosedForgotten { get; set; }

    internal int ClosedPersisted { get; set; }

    // After a checkpoint has written this sensor (or it was loaded from one).
    internal void ClosedCheckpointed() => (ClosedForgotten, ClosedPersisted) = (0, RecentlyClosed.Count);
}

// An open event-time window as mergeable aggregates. expectedReadings sizes its hash list (one per reading) and
// its distribution (as many classes: a minute of 1 s levels seldom repeats a 0.1 dB class), so a window filling up
// does not grow them step by step (each step garbage; a busy partition opens thousands of windows a second).
public sealed class WindowAggregate(int expectedReadings = 0, ReadingIdSet? ids = null)
{
    public DateTimeOffset Start { get; set; }

    // The correlation id of the window's first reading, carried by the events the window produces.
    public string? CorrelationId { get; set; }

    // Σ tᵢ·10^(Lᵢ/10) over the covered time (tᵢ in seconds).
    public double Energy { get; set; }

    // Σ tᵢ: seconds of the window covered by readings.
    public double Seconds { get; set; }

    // Readings counted (a reading crossing a window boundary counts in both windows).
    public int Count { get; set; }

    // The highest LAmax (or LAeq without one) counted.
    public double Lamax { get; set; }

    // Readings whose LAmax (or LAeq) reached the spike level.
    public int Spikes { get; set; }

    // Seconds per 0.1 dB level class.
    public LevelDistribution Distribution { get; } = new(expectedReadings);

    // Hashes of the ids of the readings counted here.
    public ReadingIdSet Ids { get; } = ids ?? new(expectedReadings);
}

// A closed window remembered only by the reading ids it counted.
public sealed class ClosedWindow
{
    public DateTimeOffset Start { get; set; }

    public DateTimeOffset End { get; set; }

    // Settable once, so a closing window hands its hashes over without copying them.
    public ReadingIdSet Ids { get; init; } = new();
}

// 64-bit hashes of the ids of a window's readings, appended only. Persisted counts those already in a checkpoint, so
// a checkpoint writes only the hashes added since the last one. A duplicate is looked for in the windows its reading
// covers (PartitionWindows.Remembers): a list this short is searched faster than any table (one or two cache lines
// per eight hashes, compared eight at a time), and a window holding more readings gets a table as well.
public sealed class ReadingIdSet(int capacity = 0)
{
    // Beyond this many hashes (a minute of 1 s readings is 60) a set keeps a ReadingHashSet beside its list.
    private const int ScanLimit = 64;
    private readonly List<ulong> _hashes = new(capacity);
    private ReadingHashSet? _index;

    public IReadOnlyList<ulong> Hashes => _hashes;

    public ReadOnlySpan<ulong> Span => CollectionsMarshal.AsSpan(_hashes);

    public int Count => _hashes.Count;

    // Slots allocated (8 bytes each), the table's included.
    public int Capacity => _hashes.Capacity + (_index?.Capacity ?? 0);

    public int Persisted { get; set; }

    public bool Contains(ulong hash) => _index?.Contains(hash) ?? Span.Contains(hash);

    public void Add(ulong hash)
    {
        _hashes.Add(hash);
        if (_index is not null)
        {
            _index.Add(hash);
        }
        else if (_hashes.Count > ScanLimit)
        {
            _index = new ReadingHashSet();
            foreach (var known in _hashes)
            {
                _index.Add(known);
            }
        }
    }

    public void AddRange(ReadOnlySpan<ulong> hashes)
    {
        foreach (var hash in hashes)
        {
            Add(hash);
        }
    }

    // Empty again (its list's capacity kept), for a new window to fill.
    public void Clear()
    {
        _hashes.Clear();
        _index = null;
        Persisted = 0;
    }
}

// Counters of one stateful rule: consecutive windows above / below, whether it has fired, and where the run
// stands in time (a gap between windows resets it).
public sealed class RuleCounters
{
    public int Above { get; set; }

    public int Below { get; set; }

    public bool Open { get; set; }

    // End of the last window counted; the next one continues the run only if it starts here.
    public DateTimeOffset? LastWindowEnd { get; set; }
}

// The 64-bit hash a reading id is remembered by (XxHash3 of its UTF-8 bytes; a sensor's ids only meet its
// own, so a collision needs two of one sensor's recent readings to share 64 bits).
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
