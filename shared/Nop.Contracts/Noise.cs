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
/// A closed event-time window of one sensor. Routing key <c>noise.level.&lt;sensorId&gt;</c>.
/// <see cref="Laeq"/> is the energy average of the window's readings.
/// </summary>
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
    double Threshold) : IMessage, ISensorMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.noise-level-measured.v1";
}

/// <summary>
/// A stateful rule fired: K consecutive windows above the zone threshold (<see cref="AlertRule.Level"/>) or too
/// many spikes in one window (<see cref="AlertRule.SpikeRate"/>). Routing key <c>noise.threshold.exceeded.&lt;sensorId&gt;</c>.
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

/// <summary>M consecutive windows below the threshold minus the hysteresis. Routing key <c>noise.threshold.cleared.&lt;sensorId&gt;</c>.</summary>
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
