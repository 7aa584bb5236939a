using System.ComponentModel.DataAnnotations;
using Nop.Contracts;

namespace Nop.Processing;

// Processing settings, bound from the Processing section (e.g. Processing__Partitions).
public sealed class ProcessingOptions
{
    public const string Section = "Processing";

    // Aggregator partition queues processing.aggregator.p0..pN-1, at most one per sensor bucket
    // (ReadingBuckets.Count). Every instance must use the same number: it decides which partition (and so which
    // checkpoint) a sensor belongs to. A partition's checkpoint holds only its own sensors, so changing the number
    // needs drained partition queues and loses the open windows of the sensors that move (they start afresh in their
    // new partition). The old number's bindings are removed at start-up (Topology.AggregatorPartition's stale
    // bindings, and PartitionBalancer retires the queues beyond the new number).
    [Range(1, ReadingBuckets.Count)]
    public int Partitions { get; set; } = 8;

    // Stateless classifier handlers running at once per instance.
    [Range(1, 64)]
    public ushort ClassifierConcurrency { get; set; } = 4;

    // The classifier acks its readings in batches of this many (1: one ack per reading). On a quorum queue
    // each ack is a Raft command the broker logs, so batching saves broker CPU per reading.
    [Range(1, 1000)]
    public int ClassifierAckBatch { get; set; } = 50;

    // Unacknowledged messages (batches, typically 60 readings each) an aggregator partition may hold; they
    // are acked per checkpoint.
    [Range(1, 5000)]
    public ushort AggregatorPrefetch { get; set; } = 200;

    // Checkpoint a partition once it holds this many unsaved readings (about a hundred 60-reading batches)
    // ...
    [Range(1, 1_000_000)]
    public int CheckpointEvery { get; set; } = 6000;

    // ... or at least this often while it has unsaved work; also the period of the fed clock's timer. Every
    // checkpoint commits (an fsync) in each partition; see docs/benchmark.md for what a longer interval did to spike
    // latency and why it is not the default yet.
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    // Only one instance per database relays the outbox, holding a lease this long (renewed after a third
    // of it); when the holder dies, another instance takes over at most this long (plus a third) later.
    public TimeSpan OutboxLeaseDuration { get; set; } = TimeSpan.FromSeconds(10);

    // How often each instance reloads the maintenance periods from the database: the step command of a sensor may be
    // handled by another instance than the one holding its partition (which sees it at once).
    public TimeSpan MaintenanceRefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    public WindowOptions Windows { get; set; } = new();

    public RuleOptions Rules { get; set; } = new();

    public ThresholdOptions Thresholds { get; set; } = new();

    // Processing:Database (the provider) is bound by Nop.Persistence's DatabaseOptions.

    public SharingOptions Sharing { get; set; } = new();

    // A partition's checkpoint is a snapshot of all its sensors at least every this many checkpoints
    // (otherwise a delta of the changed ones, until the deltas since the last snapshot outgrow it).
    [Range(1, 1_000_000)]
    public int SnapshotEvery { get; set; } = 3000;
}

// How several instances share the aggregator partitions (heartbeats on nop.processing.instances).
public sealed class SharingOptions
{
    // How often an instance says it is alive, and looks for partitions to hand over.
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    // An instance not heard from for this long counts as gone, and the partitions are shared out anew. A crashed
    // instance's partitions do not wait for this: single active consumer hands them to a waiting instance at once.
    public TimeSpan InstanceTimeout { get; set; } = TimeSpan.FromSeconds(4);
}

// Event-time windows (docs/architecture.md §2).
public sealed class WindowOptions
{
    // Tumbling window length, aligned to the Unix epoch (start inclusive, end exclusive).
    public TimeSpan Size { get; set; } = TimeSpan.FromMinutes(1);

    // A sensor's watermark is the latest event time it reported minus this.
    public TimeSpan AllowedLateness { get; set; } = TimeSpan.FromSeconds(10);

    // Once a sensor has been silent longer than this (on its partition's fed clock, which stands still while
    // the partition is not being fed), its watermark advances with that clock, so the windows of a silent sensor
    // still close. Longer than a sensor's packet interval (a minute: see ReadingBatchReceived) plus transit, or a
    // window would close before the packet holding its rest arrived and that rest would count as late.
    public TimeSpan IdleGrace { get; set; } = TimeSpan.FromSeconds(75);

    // Reading ids of this many most recently closed windows are kept (besides those of open windows), so
    // a redelivered reading is recognised as a duplicate instead of being counted as late.
    [Range(0, 60)]
    public int ClosedWindowsRemembered { get; set; } = 2;

    // Reading-id hashes of closed windows are kept while the window ends within this much event time of the
    // sensor's watermark (and at least ClosedWindowsRemembered windows), so a re-posted request of up to
    // 1,000 one-second readings (16.7 min) is recognised reading by reading instead of being counted late.
    public TimeSpan DuplicateHorizon { get; set; } = TimeSpan.FromMinutes(20);
}

// Per-reading and stateful rules.
public sealed class RuleOptions
{
    // A reading whose LAmax (or LAeq without one) reaches this is a spike, dB(A).
    [Range(0, 194)]
    public double SpikeLevel { get; set; } = 100;

    // NoiseThresholdExceeded after this many consecutive windows above the threshold (K).
    [Range(1, 1000)]
    public int ExceedAfterWindows { get; set; } = 3;

    // NoiseThresholdCleared after this many consecutive windows below threshold − hysteresis (M).
    [Range(1, 1000)]
    public int ClearAfterWindows { get; set; } = 3;

    // dB below the threshold a window must be to count towards clearing.
    [Range(0, 60)]
    public double Hysteresis { get; set; } = 3;

    // More than this many spikes in one window raises NoiseThresholdExceeded with rule spike-rate (S).
    [Range(0, 100_000)]
    public int MaxSpikesPerWindow { get; set; } = 5;

    // The same LAeq this many times in a row from one sensor: SensorFaultDetected (stuck).
    [Range(2, 100_000)]
    public int StuckAfterReadings { get; set; } = 10;

    // A sensor silent (on its partition's fed clock) for longer than its expected interval:
    // SensorFaultDetected (offline).
    public TimeSpan OfflineAfter { get; set; } = TimeSpan.FromMinutes(5);

    // Lower bounds of the level bands a reading is classified into, dB(A).
    public BandOptions Bands { get; set; } = new();
}

// Lower bounds of the level classes; below Moderate is quiet.
public sealed class BandOptions
{
    public double Moderate { get; set; } = 45;
    public double Loud { get; set; } = 60;
    public double VeryLoud { get; set; } = 70;
    // 85 dB(A): the upper exposure action value of the EU noise-at-work directive 2003/10/EC.
    public double Dangerous { get; set; } = 85;
}

// Window LAeq thresholds per zone and period, dB(A). Defaults follow common municipal ordinances, which in turn
// follow the WHO guidelines (see services/Nop.Processing/README.md): residential 55/50/45, commercial 65/60/55,
// industrial 70/70/70, quiet 50/45/40 (day/evening/night).
public sealed class ThresholdOptions
{
    // Time zone the periods are read in (IANA id; a zone may override it); windows are assigned by their
    // start in local time, so DST days are judged right. Europe/Vienna because the development sensors stand there:
    // a deployment elsewhere sets its own.
    public string TimeZone { get; set; } = "Europe/Vienna";

    public TimeSpan DayStarts { get; set; } = TimeSpan.FromHours(7);
    public TimeSpan EveningStarts { get; set; } = TimeSpan.FromHours(19);
    public TimeSpan NightStarts { get; set; } = TimeSpan.FromHours(23);

    public ZoneThresholds Residential { get; set; } = new() { Day = 55, Evening = 50, Night = 45 };
    public ZoneThresholds Commercial { get; set; } = new() { Day = 65, Evening = 60, Night = 55 };
    public ZoneThresholds Industrial { get; set; } = new() { Day = 70, Evening = 70, Night = 70 };
    public ZoneThresholds Quiet { get; set; } = new() { Day = 50, Evening = 45, Night = 40 };

    // The time zone a zone's periods are judged in: its own when set, else TimeZone.
    public string TimeZoneOf(Zone zone) => For(zone).TimeZone ?? TimeZone;

    public ZoneThresholds For(Zone zone) => zone switch
    {
        Zone.Residential => Residential,
        Zone.Commercial => Commercial,
        Zone.Industrial => Industrial,
        Zone.Quiet => Quiet,
        _ => Residential,
    };
}

public sealed class ZoneThresholds
{
    [Range(0, 194)]
    public double Day { get; set; }
    [Range(0, 194)]
    public double Evening { get; set; }
    [Range(0, 194)]
    public double Night { get; set; }

    // Overrides ThresholdOptions.TimeZone for this zone (IANA id).
    public string? TimeZone { get; set; }

    public double For(DayPeriod period) => period switch
    {
        DayPeriod.Day => Day,
        DayPeriod.Evening => Evening,
        _ => Night,
    };
}
