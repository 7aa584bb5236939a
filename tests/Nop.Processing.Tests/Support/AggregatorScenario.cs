using System.Globalization;
using Nop.Contracts;
using Nop.Processing.Aggregation;
using Nop.Processing.Maintenance;

namespace Nop.Processing.Tests;

/// <summary>A <see cref="PartitionWindows"/> fed by hand, with a wall clock that moves only with <c>Tick</c>,
/// collecting what it emits.</summary>
internal sealed class AggregatorScenario
{
    public static readonly DateTimeOffset Noon = At("2026-01-05T12:00:00Z");

    public AggregatorScenario(Action<ProcessingOptions>? configure = null)
    {
        configure?.Invoke(Options);
        Aggregator = new PartitionWindows(Options, Maintenance);
    }

    /// <summary>The maintenance periods the windows consult (empty unless a test adds some).</summary>
    public MaintenanceCalendar Maintenance { get; } = new();

    /// <summary>Puts <paramref name="sensorId"/> in maintenance over [from, to).</summary>
    public Guid InMaintenance(string sensorId, DateTimeOffset from, DateTimeOffset to)
    {
        var id = Guid.NewGuid();
        Maintenance.Apply(new MaintenancePeriod(id, sensorId, from, to), compensated: false);
        return id;
    }

    public ProcessingOptions Options { get; } = new();

    /// <summary>The wall clock (for <c>detectedAt</c>); it moves with <c>Tick</c>.</summary>
    public DateTimeOffset Now { get; private set; } = At("2026-01-05T12:30:00Z");

    public PartitionWindows Aggregator { get; }

    public List<AggregatorOutput> Outputs { get; } = [];

    public IEnumerable<NoiseLevelMeasured> Levels => Outputs.Select(o => o.Message).OfType<NoiseLevelMeasured>();

    public IEnumerable<NoiseThresholdExceeded> Exceeded =>
        Outputs.Select(o => o.Message).OfType<NoiseThresholdExceeded>();

    public IEnumerable<NoiseThresholdCleared> Cleared => Outputs.Select(o => o.Message).OfType<NoiseThresholdCleared>();

    public IEnumerable<SensorFaultDetected> Faults => Outputs.Select(o => o.Message).OfType<SensorFaultDetected>();

    public static DateTimeOffset At(string time) => DateTimeOffset.Parse(time, CultureInfo.InvariantCulture);

    public static SensorReading Reading(DateTimeOffset measuredAt, double laeq, string? id = null, double? lamax = null,
        double? duration = null) => new(id ?? Guid.NewGuid().ToString(), measuredAt, laeq, lamax, duration);

    public static ReadingBatchReceived Batch(string sensorId, IReadOnlyList<SensorReading> readings,
        double? interval = null,
        Zone zone = Zone.Residential) =>
        new(sensorId, zone, new GeoLocation(48.21, 16.37), interval, readings[^1].MeasuredAt, readings);

    public BatchOutcome Send(ReadingBatchReceived batch) =>
        Aggregator.Accept(batch, "corr-" + batch.Readings[0].ReadingId, Now, Outputs);

    public BatchOutcome Send(string sensorId, IReadOnlyList<SensorReading> readings, double? interval = null,
        Zone zone = Zone.Residential) =>
        Send(Batch(sensorId, readings, interval, zone));

    public BatchOutcome Send(string sensorId, DateTimeOffset measuredAt, double laeq, string? id = null,
        double? lamax = null,
        Zone zone = Zone.Residential, double? duration = null) =>
        Send(sensorId, [Reading(measuredAt, laeq, id, lamax, duration)], zone: zone);

    /// <summary>One 1 s reading in the middle of each consecutive minute from <paramref name="first"/>.</summary>
    public void Windows(string sensorId, DateTimeOffset first, params double[] levels)
    {
        for (var i = 0; i < levels.Length; i++)
        {
            Send(sensorId, first.AddMinutes(i).AddSeconds(30), levels[i]);
        }
    }

    /// <summary>A reading an hour later, which closes every open window.</summary>
    public void CloseAll(string sensorId, DateTimeOffset after) => Send(sensorId, after.AddHours(1), 40);

    /// <summary>Feeds the partition for <paramref name="fed"/> (the wall clock moves as much).</summary>
    public void Tick(TimeSpan fed) => Tick(fed, fed);

    /// <summary>
    /// Moves the wall clock by <paramref name="wall"/> while the partition is fed for <paramref name="fed"/>.
    /// </summary>
    public void Tick(TimeSpan fed, TimeSpan wall)
    {
        Now += wall;
        Aggregator.Tick(fed, Now, Outputs);
    }
}
