using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.Dashboard.Hub;
using Nop.Dashboard.Sensors;

namespace Nop.Dashboard.Live;

/// <summary>
/// What this instance has seen since it started, per sensor: the latest reading (and whether it still has to be pushed),
/// the latest window, its condition, and short histories for the chart. Nothing durable: a new instance starts empty and
/// fills from the live feed. Thread-safe.
/// </summary>
public sealed class LiveState(SensorCatalog catalog, IOptions<DashboardOptions> options)
{
    private readonly DashboardOptions _options = options.Value;
    private readonly Dictionary<string, SensorLive> _sensors = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>A sensor's batch of readings (or an old single reading as a batch of one): only its latest reading by
    /// measuredAt becomes the live value, so a 60-reading batch is one update, not 60.</summary>
    public void OnReadings(ReadingBatchReceived batch)
    {
        catalog.TryAdd(batch);
        if (batch.Readings.Count == 0)
        {
            return;
        }
        var latest = batch.Readings.MaxBy(r => r.MeasuredAt)!;
        var tick = new ReadingTick(batch.SensorId, latest.Laeq, latest.Lamax, latest.MeasuredAt, 0);
        lock (_lock)
        {
            var sensor = Get(batch.SensorId);
            // Out-of-order deliveries (a sensor's buffered readings) must not move the live value backwards.
            if (sensor.Latest is null || tick.MeasuredAt >= sensor.Latest.MeasuredAt)
            {
                sensor.Latest = tick;
                sensor.Pending = true;
            }
            // A sensor that speaks again is no longer offline (there is no "back online" event).
            if (sensor.Fault == SensorFault.Offline)
            {
                sensor.Fault = null;
            }
        }
    }

    public void OnSpike(NoiseSpikeDetected spike)
    {
        lock (_lock)
        {
            var sensor = Get(spike.SensorId);
            sensor.PendingSpikes++;
            sensor.Pending = true;
        }
    }

    public LevelView OnLevel(NoiseLevelMeasured level)
    {
        // The distribution stays here: pages get the figures read from it, not the classes.
        var view = new LevelView(level.SensorId, level.WindowStart, level.WindowEnd, level.Laeq, level.Lamax,
            level.Count, level.Threshold, level.Period, level.L10, level.L50, level.L90, level.Coverage);
        lock (_lock)
        {
            var sensor = Get(level.SensorId);
            if (sensor.Level is null || view.WindowEnd >= sensor.Level.WindowEnd)
            {
                sensor.Level = view;
            }
            Append(sensor.Levels, view);
        }
        return view;
    }

    public SensorStatusView OnThresholdExceeded(NoiseThresholdExceeded e)
    {
        lock (_lock)
        {
            Get(e.SensorId).Exceeded = true;
        }
        return new SensorStatusView(e.SensorId, "exceeded", e.Rule, null, null, e.Level, e.Threshold, e.WindowEnd);
    }

    public SensorStatusView OnThresholdCleared(NoiseThresholdCleared e)
    {
        lock (_lock)
        {
            Get(e.SensorId).Exceeded = false;
        }
        return new SensorStatusView(e.SensorId, "cleared", e.Rule, null, null, e.Level, e.Threshold, e.WindowEnd);
    }

    public SensorStatusView OnFault(SensorFaultDetected e)
    {
        lock (_lock)
        {
            Get(e.SensorId).Fault = e.Fault;
        }
        return new SensorStatusView(e.SensorId, "fault", null, e.Fault, e.Detail, null, null, e.DetectedAt);
    }

    /// <summary>An alert about a sensor fault was resolved: the fault is over.</summary>
    public void OnFaultResolved(string sensorId)
    {
        lock (_lock)
        {
            Get(sensorId).Fault = null;
        }
    }

    /// <summary>The latest reading of every sensor that had one since the last call (the coalesced push).</summary>
    public IReadOnlyList<ReadingTick> TakePending()
    {
        List<ReadingTick>? ticks = null;
        lock (_lock)
        {
            foreach (var sensor in _sensors.Values)
            {
                if (!sensor.Pending || sensor.Latest is null)
                {
                    continue;
                }
                var tick = sensor.Latest with { Spikes = sensor.PendingSpikes };
                (ticks ??= []).Add(tick);
                Append(sensor.Readings, tick);
                sensor.Pending = false;
                sensor.PendingSpikes = 0;
            }
        }
        return ticks ?? (IReadOnlyList<ReadingTick>)[];
    }

    public IReadOnlyList<SensorView> Sensors()
    {
        var sensors = catalog.All;
        lock (_lock)
        {
            return sensors.Select(info =>
            {
                var live = _sensors.GetValueOrDefault(info.Id);
                var threshold = live?.Level?.Threshold ?? _options.ZoneThresholds.GetValueOrDefault(info.Zone, 65);
                return new SensorView(info.Id, info.Name, info.Zone, info.Location, threshold, live?.Latest, live?.Level,
                    live?.Exceeded ?? false, live?.Fault);
            }).ToArray();
        }
    }

    public SensorHistory History(string sensorId)
    {
        lock (_lock)
        {
            return _sensors.GetValueOrDefault(sensorId) is { } sensor
                ? new SensorHistory(sensorId, sensor.Readings.ToArray(), sensor.Levels.ToArray())
                : new SensorHistory(sensorId, [], []);
        }
    }

    private SensorLive Get(string sensorId)
    {
        if (!_sensors.TryGetValue(sensorId, out var sensor))
        {
            sensor = new SensorLive();
            _sensors[sensorId] = sensor;
        }
        return sensor;
    }

    private void Append<T>(Queue<T> history, T item)
    {
        history.Enqueue(item);
        while (history.Count > _options.HistoryLength)
        {
            history.Dequeue();
        }
    }

    private sealed class SensorLive
    {
        public ReadingTick? Latest;
        public bool Pending;
        public int PendingSpikes;
        public LevelView? Level;
        public bool Exceeded;
        public SensorFault? Fault;
        public readonly Queue<ReadingTick> Readings = new();
        public readonly Queue<LevelView> Levels = new();
    }
}
