using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.Dashboard.Hub;
using Nop.Dashboard.Sensors;

namespace Nop.Dashboard.Live;

// What this instance has seen since it started, per sensor: the latest reading (and whether it still has to be pushed),
// the latest window, its condition, and short histories for the chart. Nothing durable: a new instance starts empty and
// fills from the live feed. Thread-safe.
public sealed class LiveState(SensorCatalog catalog, IOptions<DashboardOptions> options)
{
    private readonly DashboardOptions _options = options.Value;
    private readonly Dictionary<string, SensorLive> _sensors = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private const string FaultKey = "fault";

    // A sensor's batch of readings (or an old single reading as a batch of one): only its latest reading by
    // measuredAt becomes the live value, so a 60-reading batch is one update, not 60.
    public void OnReadings(ReadingBatchReceived batch)
    {
        catalog.TryAdd(batch);
        if (batch.Readings.Count == 0)
        {
            return;
        }
        var latest = batch.Readings.MaxBy(r => r.MeasuredAt)!;
        var tick = new ReadingTick(batch.SensorId, latest.Laeq, latest.Lamax, latest.MeasuredAt);
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

    // A closed window: kept for the chart; the sensor's latest is pushed at the next interval.
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
                sensor.LevelPending = true;
            }
            Append(sensor.Levels, view);
        }
        return view;
    }

    public SensorStatusView OnThresholdExceeded(NoiseThresholdExceeded e) =>
        OnCondition(e.SensorId, e.Rule, true, new SensorStatusView(e.SensorId, "exceeded", e.Rule, null, null, e.Level,
            e.Threshold, e.WindowEnd));

    public SensorStatusView OnThresholdCleared(NoiseThresholdCleared e) =>
        OnCondition(e.SensorId, e.Rule, false, new SensorStatusView(e.SensorId, "cleared", e.Rule, null, null, e.Level,
            e.Threshold, e.WindowEnd));

    public SensorStatusView OnFault(SensorFaultDetected e)
    {
        var view = new SensorStatusView(e.SensorId, "fault", null, e.Fault, e.Detail, null, null, e.DetectedAt);
        lock (_lock)
        {
            var sensor = Get(e.SensorId);
            sensor.Fault = e.Fault;
            sensor.PendingStatuses[FaultKey] = view;
        }
        return view;
    }

    // An alert about a sensor fault was resolved: the fault is over.
    public void OnFaultResolved(string sensorId)
    {
        lock (_lock)
        {
            Get(sensorId).Fault = null;
        }
    }

    // The windows and condition changes since the last call: the latest window of each sensor, the latest
    // change of each of its conditions (one per rule, one for faults).
    public (IReadOnlyList<LevelView> Levels, IReadOnlyList<SensorStatusView> Statuses) TakePendingChanges()
    {
        List<LevelView> levels = [];
        List<SensorStatusView> statuses = [];
        lock (_lock)
        {
            foreach (var sensor in _sensors.Values)
            {
                if (sensor.LevelPending && sensor.Level is not null)
                {
                    levels.Add(sensor.Level);
                    sensor.LevelPending = false;
                }
                statuses.AddRange(sensor.PendingStatuses.Values);
                sensor.PendingStatuses.Clear();
            }
        }
        return (levels, statuses);
    }

    // The latest reading of every sensor that had one since the last call (the coalesced push).
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
                (ticks ??= []).Add(sensor.Latest);
                Append(sensor.Readings, sensor.Latest);
                sensor.Pending = false;
            }
        }
        return ticks ?? (IReadOnlyList<ReadingTick>)[];
    }

    // Every catalogued sensor with what this instance has seen, its conditions completed from Alerting's open alerts:
    // an instance started after a threshold was exceeded or a fault reported never saw that event, but the alert is
    // still open. A rule this instance saw cleared after the alert was raised stays cleared (the alert's resolve is
    // on its way).
    public IReadOnlyList<SensorView> Sensors(IReadOnlyList<AlertSummary>? openAlerts = null)
    {
        var sensors = catalog.All;
        var alertsBySensor = (openAlerts ?? []).ToLookup(a => a.SensorId, StringComparer.Ordinal);
        lock (_lock)
        {
            return sensors.Select(info =>
            {
                var live = _sensors.GetValueOrDefault(info.Id);
                var threshold = live?.Level?.Threshold ?? _options.ZoneThresholds.GetValueOrDefault(info.Zone, 65);
                var exceeded = new SortedSet<AlertRule>(
                    live?.Conditions.Where(c => c.Value.Exceeded).Select(c => c.Key) ?? []);
                var fault = live?.Fault;
                foreach (var alert in alertsBySensor[info.Id])
                {
                    if (alert.Rule is AlertRule.Level or AlertRule.SpikeRate && !ClearedSince(live, alert))
                    {
                        exceeded.Add(alert.Rule);
                    }
                    else if (alert.Rule == AlertRule.SensorFault && fault is null)
                    {
                        fault = FaultOf(alert);
                    }
                }
                return new SensorView(info.Id, info.Name, info.Zone, info.Location, threshold, live?.Latest,
                    live?.Level, exceeded.Count > 0, fault, [.. exceeded]);
            }).ToArray();
        }
    }

    private static bool ClearedSince(SensorLive? live, AlertSummary alert) =>
        live?.Conditions.TryGetValue(alert.Rule, out var seen) == true && !seen.Exceeded && seen.At >= alert.RaisedAt;

    // Alerting words a fault alert "Sensor stuck: …" (the fault is not a field of the alert).
    private static SensorFault? FaultOf(AlertSummary alert)
    {
        var word = alert.Message.StartsWith("Sensor ", StringComparison.Ordinal)
            ? alert.Message["Sensor ".Length..].Split(':', 2)[0]
            : "";
        return Enum.TryParse<SensorFault>(word, ignoreCase: true, out var fault) ? fault : SensorFault.Implausible;
    }

    private SensorStatusView OnCondition(string sensorId, AlertRule rule, bool exceeded, SensorStatusView view)
    {
        lock (_lock)
        {
            var sensor = Get(sensorId);
            // Each rule has its own condition: a level clear does not clear a spike-rate excess.
            if (!sensor.Conditions.TryGetValue(rule, out var seen) || view.At >= seen.At)
            {
                sensor.Conditions[rule] = (exceeded, view.At);
                sensor.PendingStatuses[rule.ToString()] = view;
            }
        }
        return view;
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
        public LevelView? Level;
        public bool LevelPending;
        public readonly Dictionary<AlertRule, (bool Exceeded, DateTimeOffset At)> Conditions = [];
        public readonly Dictionary<string, SensorStatusView> PendingStatuses = new(StringComparer.Ordinal);
        public SensorFault? Fault;
        public readonly Queue<ReadingTick> Readings = new();
        public readonly Queue<LevelView> Levels = new();
    }
}
