using System.Text.Json.Serialization;

namespace Nop.Contracts;

/// <summary>One reading above the spike level (stateless). Routing key <c>noise.spike.&lt;sensorId&gt;</c>.</summary>
public sealed record NoiseSpikeDetected(
    string SensorId,
    Zone Zone,
    string ReadingId,
    DateTimeOffset MeasuredAt,
    double Level,
    double SpikeLevel,
    NoiseClass Class) : IMessage, ISensorMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.noise-spike-detected.v1";
}

/// <summary>A sensor is stuck, implausible or offline. Routing key <c>sensor.fault.&lt;sensorId&gt;</c>.</summary>
public sealed record SensorFaultDetected(
    string SensorId,
    Zone Zone,
    SensorFault Fault,
    string Detail,
    DateTimeOffset DetectedAt,
    DateTimeOffset? LastSeenAt) : IMessage, ISensorMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.sensor-fault-detected.v1";
}

/// <summary>
/// A sensor fault reported by <see cref="SensorFaultDetected"/> is over: an offline sensor sent readings again, a stuck
/// one a different value, an implausible one a plausible reading. Sent once per fault episode, when no reported fault
/// of the sensor remains (<see cref="Fault"/> names the one whose end was seen; <see cref="Detail"/> all that ended).
/// Routing key <c>sensor.cleared.&lt;sensorId&gt;</c>.
/// </summary>
/// <param name="ClearedAt">When Processing saw the recovery (wall clock).</param>
/// <param name="MeasuredAt">The sensor's newest event time when the fault ended (that of the ending reading, or of a
/// newer one already seen when the ending reading came late); Alerting orders a sensor's fault reports and recoveries
/// by it.</param>
public sealed record SensorFaultCleared(
    string SensorId,
    Zone Zone,
    SensorFault Fault,
    string Detail,
    DateTimeOffset ClearedAt,
    DateTimeOffset MeasuredAt) : IMessage, ISensorMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.sensor-fault-cleared.v1";
}

/// <summary>
/// A closed event-time window of one sensor. Processing publishes windows inside <see cref="NoiseLevelsMeasured"/>;
/// one alone, with routing key <c>noise.level.&lt;sensorId&gt;</c>, came from an older Processing (the levels stream
/// keeps those for its retention, so readers accept both).
/// <see cref="Laeq"/> is the energy average over the window's covered time; L10, L50 and L90 are the levels exceeded
/// 10, 50 and 90 % of the covered time, read from <see cref="Distribution"/>. Fields after
/// <see cref="Threshold"/> were added in this version (null from an older Processing): hourly and daily levels
/// downstream are computed by merging distributions, never by averaging window levels.
/// </summary>
/// <param name="Count">Readings counted in the window (a reading crossing a window boundary counts in both).</param>
/// <param name="L50">Level exceeded 50 % of the covered time, dB(A).</param>
/// <param name="Coverage">Seconds covered by readings ÷ window length, 0–1.</param>
/// <param name="Distribution">The duration-weighted level distribution: class → seconds, where the class is the level
/// in tenths of a dB (652 = 65.2 dB(A), the class of levels from 65.15 up to 65.25).</param>
/// <param name="Maintenance">The window overlaps a maintenance period of the sensor
/// (<see cref="MaintenanceStepCommand"/>): no rule was evaluated on it, and History leaves it out of coverage and
/// indicators.</param>
public sealed record NoiseLevelMeasured(
    string SensorId,
    Zone Zone,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    double Laeq,
    double Lamax,
    double L10,
    double L90,
    int Count,
    int LateCount,
    int SpikeCount,
    DayPeriod Period,
    double Threshold,
    double? L50 = null,
    double? Coverage = null,
    [property: JsonConverter(typeof(LevelDistributionJsonConverter))]
    IReadOnlyDictionary<int, double>? Distribution = null,
    bool Maintenance = false) : IMessage, ISensorMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.noise-level-measured.v1";
}

/// <summary>
/// The windows one aggregator partition closed in one checkpoint: one broker message for all of them, as readings
/// travel one message per sensor packet. With 1 s readings posted a minute at a time every packet closes a window, so
/// a message per window cost the broker as much as the readings themselves. Routing key
/// <c>noise.levels.&lt;partition&gt;</c> (<see cref="RoutingKeys.Levels"/>); a sensor's windows are in event-time
/// order, within a message and from one message to the next.
/// </summary>
/// <param name="Windows">At least one.</param>
public sealed record NoiseLevelsMeasured(IReadOnlyList<NoiseLevelMeasured> Windows) : IMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.noise-levels-measured.v1";
}

/// <summary>
/// A stateful rule fired: K consecutive windows above the zone threshold (<see cref="AlertRule.Level"/>) or too
/// many spikes in one window (<see cref="AlertRule.SpikeRate"/>). Routing key
/// <c>noise.threshold.exceeded.&lt;sensorId&gt;</c>.
/// </summary>
public sealed record NoiseThresholdExceeded(
    string SensorId,
    Zone Zone,
    AlertRule Rule,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    double Level,
    double Threshold,
    DayPeriod Period,
    int ConsecutiveWindows) : IMessage, ISensorMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.noise-threshold-exceeded.v1";
}

/// <summary>M consecutive windows below the threshold minus the hysteresis. Routing key
/// <c>noise.threshold.cleared.&lt;sensorId&gt;</c>.</summary>
public sealed record NoiseThresholdCleared(
    string SensorId,
    Zone Zone,
    AlertRule Rule,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    double Level,
    double Threshold,
    DayPeriod Period) : IMessage, ISensorMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.noise-threshold-cleared.v1";
}
