using Nop.Contracts;

namespace Nop.Processing.Aggregation;


/// <summary>A reading stored with a sensor's window (see <see cref="Persistence.WindowReadingRow"/>).</summary>
public sealed record StoredReading(string SensorId, DateTimeOffset WindowStart, WindowReading Reading);

/// <summary>What became of a reading.</summary>
public enum ReadingOutcome
{
    /// <summary>Merged into its open window.</summary>
    Counted,
    /// <summary>Already counted (same reading id): ignored.</summary>
    Duplicate,
    /// <summary>Its window had closed: counted as late, never merged.</summary>
    Late,
    /// <summary>Not a level a microphone can report: ignored.</summary>
    Invalid,
}

/// <summary>
/// The windowed aggregation of one partition, without I/O: per-sensor event-time tumbling windows closed by the
/// sensor's own watermark or, while the sensor is silent, by the wall clock; the threshold rules; stuck and offline
/// detection. Not thread-safe: one partition is handled by one caller at a time. Time comes from
/// <see cref="TimeProvider"/>, so tests drive the idle timer with a fake clock.
/// </summary>
public sealed class PartitionAggregator
{
    private readonly WindowOptions _windows;
    private readonly RuleOptions _rules;
    private readonly WindowRules _windowRules;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, SensorState> _sensors = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);
    private readonly List<StoredReading> _newReadings = [];
    private readonly List<(string SensorId, DateTimeOffset WindowStart)> _forgotten = [];

    public PartitionAggregator(ProcessingOptions options, TimeProvider time)
    {
        _windows = options.Windows;
        _rules = options.Rules;
        _windowRules = new WindowRules(options);
        _time = time;
    }

    public IReadOnlyDictionary<string, SensorState> Sensors => _sensors;

    /// <summary>Sensors changed since <see cref="ClearChanges"/>: the state rows the next checkpoint writes.</summary>
    public IReadOnlyCollection<string> Dirty => _dirty;

    /// <summary>Readings to store since <see cref="ClearChanges"/> (appended by the next checkpoint).</summary>
    public IReadOnlyList<StoredReading> NewReadings => _newReadings;

    /// <summary>Windows forgotten since <see cref="ClearChanges"/>: their stored readings are deleted by the next checkpoint.</summary>
    public IReadOnlyList<(string SensorId, DateTimeOffset WindowStart)> ForgottenWindows => _forgotten;

    /// <summary>After a checkpoint has written the changes.</summary>
    public void ClearChanges()
    {
        _dirty.Clear();
        _newReadings.Clear();
        _forgotten.Clear();
    }

    /// <summary>
    /// Restores checkpointed sensors and their stored readings (each goes to its open window, or to the recently closed
    /// window it is remembered with). A state checkpointed before readings were stored separately still carries them in
    /// its JSON: they are used as they are and stored at the next checkpoint.
    /// </summary>
    public void Load(IEnumerable<SensorState> states, IEnumerable<StoredReading> readings)
    {
        var now = _time.GetUtcNow();
        var bySensor = readings.ToLookup(r => r.SensorId, StringComparer.Ordinal);
        foreach (var state in states)
        {
            if (state.Windows.Any(w => w.Readings.Count > 0) || state.RecentlyClosed.Any(c => c.Ids.Count > 0))
            {
                _dirty.Add(state.SensorId);
                _newReadings.AddRange(state.Windows.SelectMany(w => w.Readings.Select(r => new StoredReading(state.SensorId, w.Start, r))));
                _newReadings.AddRange(state.RecentlyClosed.SelectMany(c => c.Ids.Select(id => new StoredReading(state.SensorId, c.End - _windows.Size, new WindowReading(id, 0, null, null)))));
            }
            foreach (var stored in bySensor[state.SensorId])
            {
                if (state.Windows.Find(w => w.Start == stored.WindowStart) is { } open)
                {
                    open.Readings.Add(stored.Reading);
                }
                else if (state.RecentlyClosed.Find(c => c.End - _windows.Size == stored.WindowStart) is { } closed)
                {
                    closed.Ids.Add(stored.Reading.Id);
                }
            }
            state.LastArrivalAt = now;
            state.RebuildSeen();
            _sensors[state.SensorId] = state;
        }
    }

    /// <summary>Takes one reading; events it causes (closed windows, rule changes, stuck) go to <paramref name="outputs"/>.</summary>
    public ReadingOutcome Accept(ReadingReceived reading, string? correlationId, List<AggregatorOutput> outputs)
    {
        if (!IsLevel(reading.Laeq) || (reading.Lamax is { } lamax && !IsLevel(lamax)))
        {
            return ReadingOutcome.Invalid;
        }
        var now = _time.GetUtcNow();
        if (!_sensors.TryGetValue(reading.SensorId, out var sensor))
        {
            sensor = new SensorState { SensorId = reading.SensorId };
            _sensors.Add(reading.SensorId, sensor);
        }
        if (sensor.Seen.Contains(reading.ReadingId))
        {
            return ReadingOutcome.Duplicate;
        }
        _dirty.Add(sensor.SensorId);
        sensor.Zone = reading.Zone;
        sensor.LastArrivalAt = now;
        sensor.OfflineReported = false;

        var start = WindowMath.WindowStart(reading.MeasuredAt, _windows.Size);
        if (start < sensor.ClosedUntil)
        {
            sensor.PendingLate++;
            // Remembered with the newest closed window, so a redelivered late reading is not counted late twice.
            if (sensor.RecentlyClosed.Count > 0)
            {
                var newest = sensor.RecentlyClosed[^1];
                newest.Ids.Add(reading.ReadingId);
                sensor.Seen.Add(reading.ReadingId);
                _newReadings.Add(new StoredReading(sensor.SensorId, newest.End - _windows.Size,
                    new WindowReading(reading.ReadingId, reading.Laeq, reading.Lamax, reading.DurationSeconds)));
            }
            return ReadingOutcome.Late;
        }

        var index = sensor.Windows.FindIndex(w => w.Start >= start);
        if (index < 0 || sensor.Windows[index].Start != start)
        {
            var created = new OpenWindow { Start = start, CorrelationId = correlationId };
            if (index < 0)
            {
                sensor.Windows.Add(created);
            }
            else
            {
                sensor.Windows.Insert(index, created);
            }
        }
        var window = sensor.Windows.First(w => w.Start == start);
        var counted = new WindowReading(reading.ReadingId, reading.Laeq, reading.Lamax, reading.DurationSeconds);
        window.Readings.Add(counted);
        _newReadings.Add(new StoredReading(sensor.SensorId, start, counted));
        sensor.Seen.Add(reading.ReadingId);
        if (sensor.MaxEventTime is null || reading.MeasuredAt > sensor.MaxEventTime)
        {
            sensor.MaxEventTime = reading.MeasuredAt;
        }

        DetectStuck(sensor, reading, correlationId, outputs);
        CloseUpTo(sensor, sensor.MaxEventTime.Value - _windows.AllowedLateness, outputs);
        return ReadingOutcome.Counted;
    }

    /// <summary>
    /// The processing-time timer: a sensor silent for longer than the idle grace has its watermark advanced by the
    /// wall clock (so its windows close although no newer reading comes), and one silent for longer than
    /// <see cref="RuleOptions.OfflineAfter"/> is reported offline once.
    /// </summary>
    public void Tick(List<AggregatorOutput> outputs)
    {
        var now = _time.GetUtcNow();
        foreach (var sensor in _sensors.Values)
        {
            var silence = now - sensor.LastArrivalAt;
            if (sensor.Windows.Count > 0 && sensor.MaxEventTime is { } maxEventTime && silence > _windows.IdleGrace)
            {
                var watermark = maxEventTime - _windows.AllowedLateness + (silence - _windows.IdleGrace);
                if (sensor.Windows[0].Start + _windows.Size <= watermark)
                {
                    _dirty.Add(sensor.SensorId);
                    CloseUpTo(sensor, watermark, outputs);
                }
            }
            if (!sensor.OfflineReported && silence > _rules.OfflineAfter)
            {
                sensor.OfflineReported = true;
                _dirty.Add(sensor.SensorId);
                var lastSeen = sensor.MaxEventTime;
                var fault = new SensorFaultDetected(sensor.SensorId, sensor.Zone, SensorFault.Offline,
                    $"No reading for {silence.TotalSeconds:0} s (expected at least every {_rules.OfflineAfter.TotalSeconds:0} s)", now, lastSeen);
                // Keyed by the last reading, so the same silence is the same event even when re-emitted after a crash.
                outputs.Add(new AggregatorOutput(sensor.SensorId, RoutingKeys.SensorFault(sensor.SensorId),
                    DeterministicId.For(SensorFaultDetected.MessageType, sensor.SensorId, "offline", WindowRules.Stamp(lastSeen ?? default)), null, fault));
            }
        }
    }

    private void DetectStuck(SensorState sensor, ReadingReceived reading, string? correlationId, List<AggregatorOutput> outputs)
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
                $"Reported {reading.Laeq:0.0} dB(A) {sensor.RepeatCount} times in a row", _time.GetUtcNow(), reading.MeasuredAt);
            outputs.Add(new AggregatorOutput(sensor.SensorId, RoutingKeys.SensorFault(sensor.SensorId),
                DeterministicId.For(SensorFaultDetected.MessageType, sensor.SensorId, "stuck", reading.ReadingId), correlationId, fault));
        }
    }

    private void CloseUpTo(SensorState sensor, DateTimeOffset watermark, List<AggregatorOutput> outputs)
    {
        while (sensor.Windows.Count > 0 && sensor.Windows[0].Start + _windows.Size <= watermark)
        {
            Close(sensor, sensor.Windows[0], outputs);
            sensor.Windows.RemoveAt(0);
        }
    }

    private void Close(SensorState sensor, OpenWindow window, List<AggregatorOutput> outputs)
    {
        var end = window.Start + _windows.Size;
        var readings = window.Readings;
        var levels = readings.Select(r => r.Laeq).ToArray();
        var durations = readings.Select(r => r.Duration is > 0 ? r.Duration.Value : 1).ToArray();
        var period = _windowRules.PeriodOf(window.Start);
        var measured = new NoiseLevelMeasured(
            sensor.SensorId,
            sensor.Zone,
            window.Start,
            end,
            Laeq: WindowMath.Round(WindowMath.EnergyAverage(levels, durations)),
            Lamax: WindowMath.Round(readings.Max(r => r.Lamax ?? r.Laeq)),
            L10: WindowMath.Round(WindowMath.Percentile(levels, 90)),
            L90: WindowMath.Round(WindowMath.Percentile(levels, 10)),
            Count: readings.Count,
            LateCount: sensor.PendingLate,
            SpikeCount: readings.Count(r => (r.Lamax ?? r.Laeq) >= _rules.SpikeLevel),
            Period: period,
            Threshold: _windowRules.ThresholdFor(sensor.Zone, period));
        sensor.PendingLate = 0;
        outputs.Add(new AggregatorOutput(sensor.SensorId, RoutingKeys.Level(sensor.SensorId),
            DeterministicId.For(NoiseLevelMeasured.MessageType, sensor.SensorId, WindowRules.Stamp(window.Start)), window.CorrelationId, measured));
        _windowRules.Evaluate(sensor, measured, window.CorrelationId, outputs);

        if (sensor.ClosedUntil is null || end > sensor.ClosedUntil)
        {
            sensor.ClosedUntil = end;
        }
        sensor.RecentlyClosed.Add(new ClosedWindowIds { End = end, Ids = readings.Select(r => r.Id).ToList() });
        while (sensor.RecentlyClosed.Count > _windows.ClosedWindowsRemembered)
        {
            _forgotten.Add((sensor.SensorId, sensor.RecentlyClosed[0].End - _windows.Size));
            sensor.Seen.ExceptWith(sensor.RecentlyClosed[0].Ids);
            sensor.RecentlyClosed.RemoveAt(0);
        }
    }

    private static bool IsLevel(double level) => double.IsFinite(level) && level is >= 0 and <= 194;
}
