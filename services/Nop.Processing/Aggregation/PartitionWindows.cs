using System.Globalization;
using Nop.Contracts;
using Nop.Messaging;
using Nop.Processing.Classification;
using Nop.Processing.Maintenance;

namespace Nop.Processing.Aggregation;

// The windowed aggregation of one partition, without I/O (see CheckpointedPartition for that): per-sensor
// event-time tumbling windows of mergeable aggregates, closed by the sensor's own watermark or, while the sensor is
// silent, by the partition's fed clock; the threshold rules; stuck and offline detection. A sensor's maintenance
// periods (the calendar) flag its windows and silence its rules, fault and offline detection. Not thread-safe: one
// partition is handled by one caller at a time.
public sealed class PartitionWindows(ProcessingOptions options, MaintenanceCalendar? maintenance = null)
{
    // A longer "reading" is no sound level reading: it would open a window per minute of a day and more.
    private const double MaxDurationSeconds = 86_400;

    // The most readings a new window is sized for (WindowAggregate): a minute of 1 s readings.
    private const int ExpectedReadingsBound = 64;

    // Spare hash lists kept at most (a few hundred KB): enough for the windows a busy partition opens between two
    // forgets of the same sensors.
    private const int MaxSpareIds = 4096;

    private readonly WindowOptions _windows = options.Windows;
    private readonly RuleOptions _rules = options.Rules;
    private readonly WindowRules _windowRules = new(options);
    private readonly long _size = options.Windows.Size.Ticks;
    private readonly Dictionary<string, SensorAggregate> _sensors = new(StringComparer.Ordinal);
    private readonly HashSet<SensorAggregate> _changed = new(ReferenceEqualityComparer.Instance);
    private readonly MaintenanceCalendar _maintenance = maintenance ?? new MaintenanceCalendar();
    // Hash lists of forgotten windows, for new windows to fill. A window's list lives for the duplicate horizon (20
    // minutes of event time, a second or two of a busy partition's wall time), long enough to be promoted to the
    // collector's oldest generation and die there; reused, they no longer feed full collections.
    private readonly Stack<ReadingIdSet> _spareIds = new();

    // The partition's fed clock: advanced by Tick only while the partition is being fed (its
    // consumer holds it, the broker connection is up, checkpoints succeed). Sensor silence is measured on it, so an
    // outage of ours is never taken for the sensors' silence.
    public TimeSpan FedTime { get; private set; }

    public IReadOnlyDictionary<string, SensorAggregate> Sensors => _sensors;

    // Sensors changed since ClearChanges: what the next checkpoint writes.
    public IReadOnlyCollection<SensorAggregate> Changed => _changed;

    // After a checkpoint has written Changed: marks their hashes persisted and clears the set.
    public void ClearChanges()
    {
        foreach (var sensor in _changed)
        {
            foreach (var window in sensor.Windows)
            {
                window.Ids.Persisted = window.Ids.Count;
            }
            foreach (var closed in sensor.RecentlyClosed)
            {
                closed.Ids.Persisted = closed.Ids.Count;
            }
            sensor.ClosedCheckpointed();
        }
        _changed.Clear();
    }

    // Restores checkpointed sensors; they count as heard from now on the fed clock.
    public void Load(IEnumerable<SensorAggregate> sensors)
    {
        foreach (var sensor in sensors)
        {
            sensor.LastArrivalFed = FedTime;
            sensor.ClosedCheckpointed();
            _sensors[sensor.SensorId] = sensor;
        }
    }

    // Takes the readings of one batch in order; events they cause (closed windows, rule changes, stuck) go to
    // outputs. now is the wall clock, for the detectedAt of faults.
    public BatchOutcome Accept(ReadingBatchReceived batch, string? correlationId, DateTimeOffset now,
        List<AggregatorOutput> outputs)
    {
        if (!_sensors.TryGetValue(batch.SensorId, out var sensor))
        {
            sensor = new SensorAggregate { SensorId = batch.SensorId };
            _sensors.Add(batch.SensorId, sensor);
        }
        _changed.Add(sensor);
        sensor.Zone = batch.Zone;
        int counted = 0, duplicates = 0, late = 0, invalid = 0;
        var readings = batch.Readings;
        // A window this batch opens likely takes its readings (a sensor-minute of 1 s readings: 60), up to a bound.
        var expected = Math.Min(readings.Count, ExpectedReadingsBound);
        for (var i = 0; i < readings.Count; i++)
        {
            var reading = readings[i];
            var duration = reading.DurationSeconds ?? batch.IntervalSeconds ?? 1;
            // The classifier reports each implausible reading; remembering it here lets a plausible one end the fault.
            // Only a reading not older than the sensor's newest tells how the sensor is now (a late or re-delivered
            // one does not), except that any reading at all ends an offline fault.
            var implausible = NoiseBands.Implausibility(reading) is not null;
            var current = sensor.MaxEventTime is not { } newest || reading.MeasuredAt >= newest;
            if (!NoiseBands.IsLevel(reading.Laeq) || (reading.Lamax is { } lamax && !NoiseBands.IsLevel(lamax))
                || !double.IsFinite(duration) || duration is <= 0 or > MaxDurationSeconds)
            {
                sensor.ImplausibleReported |= implausible && current;
                invalid++;
                continue;
            }
            var hash = ReadingIdHash.Of(reading.ReadingId);
            var interval = Interval(reading, duration);
            if (Remembers(sensor, interval, hash))
            {
                duplicates++;
                continue;
            }
            var (wasStuck, wasImplausible, wasOffline) = (sensor.StuckReported, sensor.ImplausibleReported,
                sensor.OfflineReported);
            sensor.LastArrivalFed = FedTime;
            sensor.OfflineReported = false;
            if (Add(sensor, reading, interval, hash, correlationId, expected))
            {
                counted++;
                if (_maintenance.Covers(sensor.SensorId, reading.MeasuredAt))
                {
                    // A sensor being serviced may well repeat a level: the run starts afresh after the period.
                    (sensor.LastLaeq, sensor.RepeatCount) = (null, 0);
                }
                else
                {
                    DetectStuck(sensor, reading, correlationId, now, outputs);
                }
            }
            else
            {
                late++;
            }
            if (current)
            {
                sensor.ImplausibleReported = implausible;
            }
            var end = reading.MeasuredAt.ToUniversalTime();
            if (sensor.MaxEventTime is not { } max || end > max)
            {
                sensor.MaxEventTime = end;
            }
            if ((wasOffline || (current && (wasStuck || wasImplausible))) && !sensor.ImplausibleReported
                && !sensor.StuckReported)
            {
                outputs.Add(FaultCleared(sensor, reading, Ended(wasStuck, wasImplausible, wasOffline), correlationId,
                    now));
            }
            CloseUpTo(sensor, sensor.MaxEventTime.Value.UtcTicks - _windows.AllowedLateness.Ticks, outputs);
        }
        return new BatchOutcome(counted, duplicates, late, invalid);
    }

    // Advances the fed clock by fed (zero while the partition is not being fed), then: a sensor
    // silent on it for longer than the idle grace has its watermark advanced by the silence (so its windows close
    // although no newer reading comes), and one silent for longer than the offline time is reported offline once.
    public void Tick(TimeSpan fed, DateTimeOffset now, List<AggregatorOutput> outputs)
    {
        if (fed < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(fed), fed, "The fed clock never runs backwards.");
        }
        FedTime += fed;
        foreach (var sensor in _sensors.Values)
        {
            var silence = FedTime - sensor.LastArrivalFed;
            if (silence > _windows.IdleGrace && sensor.Windows.Count > 0)
            {
                var (before, closedBefore) = (outputs.Count, sensor.RecentlyClosed.Count);
                CloseUpTo(sensor, Watermark(sensor) + (silence - _windows.IdleGrace).Ticks, outputs);
                // Forgotten closed windows too: a delta says what its sensor forgot since the last checkpoint.
                if (outputs.Count != before || sensor.RecentlyClosed.Count != closedBefore)
                {
                    _changed.Add(sensor);
                }
            }
            if (!sensor.OfflineReported && OfflineDue(sensor, ref silence, now))
            {
                sensor.OfflineReported = true;
                _changed.Add(sensor);
                outputs.Add(Offline(sensor, silence, now));
            }
        }
    }

    // Whether a silence (on the fed clock) makes the sensor offline: never while it is in maintenance, and after a
    // period the silence counts from the period's end on the wall clock if that is shorter (a sensor serviced for
    // hours is not offline the moment its maintenance ends).
    private bool OfflineDue(SensorAggregate sensor, ref TimeSpan silence, DateTimeOffset now)
    {
        if (silence <= _rules.OfflineAfter)
        {
            return false;
        }
        if (_maintenance.PeriodsOf(sensor.SensorId).Count == 0)
        {
            return true;
        }
        if (_maintenance.Covers(sensor.SensorId, now))
        {
            return false;
        }
        if (_maintenance.LastEndBefore(sensor.SensorId, now) is { } end && now - end < silence)
        {
            silence = now - end;
        }
        return silence > _rules.OfflineAfter;
    }

    // Bytes of state per open sensor-window (for the benchmark's "memory per open window" figure): the sensors'
    // fields, their open and remembered windows' aggregates and distributions, and per reading id 8 bytes in its
    // window's hash list (and 8 per slot of its table, if it has one), all at their capacity.
    public long EstimatedBytes()
    {
        long bytes = 0, open = 0;
        foreach (var sensor in _sensors.Values)
        {
            // The object with its fields, the id string, two rule counters, two lists.
            bytes += 160 + 22 + (2L * sensor.SensorId.Length) + (2 * 48) + (2 * 32);
            foreach (var window in sensor.Windows)
            {
                open++;
                // The object, its correlation id (about a GUID string), its distribution and its hash list.
                bytes += 96 + 100 + window.Distribution.EstimatedBytes() + Estimate(window.Ids);
            }
            foreach (var closed in sensor.RecentlyClosed)
            {
                bytes += 56 + Estimate(closed.Ids);
            }
        }
        return bytes / Math.Max(1, open);
    }

    // The set object, its list, the list's array header, and 8 bytes per slot (its table's included).
    private static long Estimate(ReadingIdSet ids) => 32 + 24 + 32 + (8L * ids.Capacity);

    // A reading's interval [measuredAt − duration, measuredAt) in ticks.
    private static (long Start, long End) Interval(SensorReading reading, double duration)
    {
        var end = reading.MeasuredAt.UtcTicks;
        return (end - (long)Math.Round(duration * TimeSpan.TicksPerSecond), end);
    }

    // Whether the sensor has taken this reading already (counted, or as late). Add keeps a reading's hash with the
    // first window it counted in, else (late) with the newest closed window, so it can only be in an open window its
    // interval covers or, once part of the interval lies behind the limit (its first window has closed since, or it
    // was late), in a remembered closed one. A re-post of recent readings finds them in one window of a few dozen
    // hashes; only readings behind the limit search the remembered closed windows (about 20 with the default horizon).
    private bool Remembers(SensorAggregate sensor, (long Start, long End) interval, ulong hash)
    {
        var (start, end) = interval;
        foreach (var window in sensor.Windows)
        {
            var windowStart = window.Start.UtcTicks;
            if (windowStart < end && windowStart + _size > start && window.Ids.Contains(hash))
            {
                return true;
            }
        }
        if (WindowMath.WindowStart(start, _size) + _size > Limit(sensor))
        {
            return false;
        }
        foreach (var closed in sensor.RecentlyClosed)
        {
            if (closed.Ids.Contains(hash))
            {
                return true;
            }
        }
        return false;
    }

    // Adds a reading's interval [measuredAt − duration, measuredAt) to the windows it covers, split by time. A piece in
    // a window ending at or before the watermark (or the closed mark) is late: it never opens a window behind them.
    // True when some piece counted; the hash is remembered with the first window counted in, else (late) with the
    // newest closed window, so a redelivered late reading is a duplicate rather than late twice.
    private bool Add(SensorAggregate sensor, SensorReading reading, (long Start, long End) interval, ulong hash,
        string? correlationId, int expected)
    {
        var (start, end) = interval;
        var limit = Limit(sensor);
        var energyPerSecond = Math.Exp(reading.Laeq * (Math.Log(10) / 10));
        var peak = reading.Lamax ?? reading.Laeq;
        var spike = peak >= _rules.SpikeLevel;
        var remembered = false;
        var anyLate = false;
        for (var windowStart = WindowMath.WindowStart(start, _size); windowStart < end; windowStart += _size)
        {
            if (windowStart + _size <= limit)
            {
                anyLate = true;
                continue;
            }
            var ticks = Math.Min(end, windowStart + _size) - Math.Max(start, windowStart);
            var seconds = (double)ticks / TimeSpan.TicksPerSecond;
            var window = WindowAt(sensor, windowStart, correlationId, expected);
            window.Energy += seconds * energyPerSecond;
            window.Seconds += seconds;
            window.Count++;
            window.Lamax = Math.Max(window.Lamax, peak);
            window.Spikes += spike ? 1 : 0;
            window.Distribution.Add(reading.Laeq, seconds);
            if (!remembered)
            {
                window.Ids.Add(hash);
                remembered = true;
            }
        }
        if (anyLate)
        {
            sensor.PendingLate++;
        }
        if (!remembered)
        {
            NewestClosed(sensor, limit).Ids.Add(hash);
        }
        return remembered;
    }

    private WindowAggregate WindowAt(SensorAggregate sensor, long start, string? correlationId, int expected)
    {
        // Open windows are few (one or two per sensor) and sorted: search from the newest.
        var windows = sensor.Windows;
        var index = windows.Count;
        while (index > 0 && windows[index - 1].Start.UtcTicks >= start)
        {
            if (windows[index - 1].Start.UtcTicks == start)
            {
                return windows[index - 1];
            }
            index--;
        }
        var created = new WindowAggregate(expected, _spareIds.TryPop(out var spare) ? spare : null)
        {
            Start = new DateTimeOffset(start, TimeSpan.Zero),
            CorrelationId = correlationId,
        };
        windows.Insert(index, created);
        return created;
    }

    // Where a late reading's hash is kept. A sensor with no closed window remembered yet gets an empty one ending at
    // the late limit, so the hash is forgotten with the horizon like any other.
    private ClosedWindow NewestClosed(SensorAggregate sensor, long limit)
    {
        if (sensor.RecentlyClosed.Count > 0)
        {
            return sensor.RecentlyClosed[^1];
        }
        var end = WindowMath.WindowStart(limit, _size);
        var closed = new ClosedWindow
        {
            Start = new DateTimeOffset(end - _size, TimeSpan.Zero),
            End = new DateTimeOffset(end, TimeSpan.Zero),
        };
        sensor.RecentlyClosed.Add(closed);
        return closed;
    }

    // A window ending at or before this is closed: behind the watermark or the closed mark.
    private long Limit(SensorAggregate sensor) =>
        Math.Max(Watermark(sensor), sensor.ClosedUntil?.UtcTicks ?? long.MinValue);

    private long Watermark(SensorAggregate sensor) =>
        sensor.MaxEventTime is { } max ? max.UtcTicks - _windows.AllowedLateness.Ticks : long.MinValue;

    private void CloseUpTo(SensorAggregate sensor, long watermark, List<AggregatorOutput> outputs)
    {
        while (sensor.Windows.Count > 0 && sensor.Windows[0].Start.UtcTicks + _size <= watermark)
        {
            var window = sensor.Windows[0];
            sensor.Windows.RemoveAt(0);
            Close(sensor, window, outputs);
        }
        Forget(sensor, watermark);
    }

    // Closed windows are remembered while they end within the duplicate horizon of the watermark, and at least the
    // configured number of them, so a re-posted request is recognised reading by reading.
    private void Forget(SensorAggregate sensor, long watermark)
    {
        var closed = sensor.RecentlyClosed;
        var horizon = watermark - _windows.DuplicateHorizon.Ticks;
        while (closed.Count > _windows.ClosedWindowsRemembered && closed[0].End.UtcTicks < horizon)
        {
            var ids = closed[0].Ids;
            closed.RemoveAt(0);
            if (_spareIds.Count < MaxSpareIds)
            {
                ids.Clear();
                _spareIds.Push(ids);
            }
            if (sensor.ClosedPersisted > 0)
            {
                sensor.ClosedPersisted--;
                sensor.ClosedForgotten++;
            }
        }
    }

    private void Close(SensorAggregate sensor, WindowAggregate window, List<AggregatorOutput> outputs)
    {
        var end = window.Start.AddTicks(_size);
        var period = _windowRules.PeriodOf(sensor.Zone, window.Start);
        var inMaintenance = _maintenance.Overlaps(sensor.SensorId, window.Start, end);
        Span<double> exceeded = stackalloc double[3];
        window.Distribution.Exceeded([10, 50, 90], exceeded);
        var measured = new NoiseLevelMeasured(
            sensor.SensorId,
            sensor.Zone,
            window.Start,
            end,
            Laeq: WindowMath.Round(WindowMath.Level(window.Energy, window.Seconds)),
            Lamax: WindowMath.Round(window.Lamax),
            L10: exceeded[0],
            L90: exceeded[2],
            Count: window.Count,
            LateCount: sensor.PendingLate,
            SpikeCount: window.Spikes,
            Period: period,
            Threshold: _windowRules.ThresholdFor(sensor.Zone, period),
            L50: exceeded[1],
            Coverage: Math.Min(1, window.Seconds / _windows.Size.TotalSeconds),
            Distribution: window.Distribution.Classes,
            Maintenance: inMaintenance);
        sensor.PendingLate = 0;
        // The checkpoint combines the windows into its partition's NoiseLevelsMeasured (LevelBatches); the window's own
        // id goes into that message's.
        outputs.Add(new AggregatorOutput(sensor.SensorId, RoutingKeys.Level(sensor.SensorId),
            DeterministicId.For(NoiseLevelMeasured.MessageType, sensor.SensorId, WindowRules.Stamp(window.Start)),
            window.CorrelationId, measured));
        if (inMaintenance)
        {
            // No rule sees a window in maintenance, and none carries a run across it: after the period the runs start
            // afresh (Alerting has closed the sensor's alerts, so an open rule is forgotten too).
            WindowRules.Reset(sensor);
        }
        else
        {
            _windowRules.Evaluate(sensor, measured, window.CorrelationId, outputs);
        }
        if (sensor.ClosedUntil is null || end > sensor.ClosedUntil)
        {
            sensor.ClosedUntil = end;
        }
        // Kept in order of end: windows close oldest first, but an empty late-hash holder may sit after an older one.
        var closed = new ClosedWindow { Start = window.Start, End = end, Ids = window.Ids };
        var index = sensor.RecentlyClosed.Count;
        while (index > 0 && sensor.RecentlyClosed[index - 1].End > end)
        {
            index--;
        }
        sensor.RecentlyClosed.Insert(index, closed);
        // The checkpoint's order holds only before the insert.
        sensor.ClosedPersisted = Math.Min(sensor.ClosedPersisted, index);
    }

    private void DetectStuck(SensorAggregate sensor, SensorReading reading, string? correlationId, DateTimeOffset now,
        List<AggregatorOutput> outputs)
    {
        if (sensor.LastLaeq is { } last && Math.Abs(last - reading.Laeq) < 1e-9)
        {
            sensor.RepeatCount++;
        }
        else
        {
            sensor.LastLaeq = reading.Laeq;
            sensor.RepeatCount = 1;
            sensor.StuckReported = false;
        }
        if (!sensor.StuckReported && sensor.RepeatCount >= _rules.StuckAfterReadings)
        {
            sensor.StuckReported = true;
            var fault = new SensorFaultDetected(sensor.SensorId, sensor.Zone, SensorFault.Stuck,
                $"Reported {reading.Laeq:0.0} dB(A) {sensor.RepeatCount} times in a row", now, reading.MeasuredAt);
            outputs.Add(new AggregatorOutput(sensor.SensorId, RoutingKeys.SensorFault(sensor.SensorId),
                DeterministicId.For(SensorFaultDetected.MessageType, sensor.SensorId, "stuck", reading.ReadingId),
                correlationId, fault));
        }
    }

    // Most telling first: the cleared event names the first (a stuck sensor that was also offline: stuck).
    private static List<SensorFault> Ended(bool stuck, bool implausible, bool offline)
    {
        List<SensorFault> faults = [];
        if (stuck)
        {
            faults.Add(SensorFault.Stuck);
        }
        if (implausible)
        {
            faults.Add(SensorFault.Implausible);
        }
        if (offline)
        {
            faults.Add(SensorFault.Offline);
        }
        return faults;
    }

    // Once per fault episode: the flags it clears are checkpointed with the windows, so a replay from a checkpoint
    // emits it again only for the same reading, with the same id. Its time is the sensor's newest event time (at least
    // that of the offline report's last reading), which Alerting orders a sensor's reports and recoveries by.
    private static AggregatorOutput FaultCleared(SensorAggregate sensor, SensorReading reading, List<SensorFault> ended,
        string? correlationId, DateTimeOffset now)
    {
        var names = string.Join(", ", ended.Select(f => f.ToString().ToLowerInvariant()));
        var cleared = new SensorFaultCleared(sensor.SensorId, sensor.Zone, ended[0],
            string.Create(CultureInfo.InvariantCulture,
                $"No longer {names}: reading {reading.ReadingId} of {reading.Laeq:0.0} dB(A)"), now,
            sensor.MaxEventTime ?? reading.MeasuredAt);
        return new AggregatorOutput(sensor.SensorId, RoutingKeys.SensorFaultCleared(sensor.SensorId),
            DeterministicId.For(SensorFaultCleared.MessageType, sensor.SensorId, reading.ReadingId), correlationId,
                cleared);
    }

    private AggregatorOutput Offline(SensorAggregate sensor, TimeSpan silence, DateTimeOffset now)
    {
        var lastSeen = sensor.MaxEventTime;
        var fault = new SensorFaultDetected(sensor.SensorId, sensor.Zone, SensorFault.Offline,
            $"No reading for {silence.TotalSeconds:0} s " +
            $"(expected at least every {_rules.OfflineAfter.TotalSeconds:0} s)",
            now, lastSeen);
        // Keyed by the last reading, so the same silence is the same event even when re-emitted after a crash.
        return new AggregatorOutput(sensor.SensorId, RoutingKeys.SensorFault(sensor.SensorId),
            DeterministicId.For(SensorFaultDetected.MessageType, sensor.SensorId, "offline",
                WindowRules.Stamp(lastSeen ?? default)), null, fault);
    }
}
