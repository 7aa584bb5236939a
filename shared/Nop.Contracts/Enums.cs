using System.Text.Json.Serialization;

namespace Nop.Contracts;

/// <summary>The land use a sensor stands in; thresholds depend on it.</summary>
public enum Zone
{
    [JsonStringEnumMemberName("residential")] Residential,
    [JsonStringEnumMemberName("commercial")] Commercial,
    [JsonStringEnumMemberName("industrial")] Industrial,
    [JsonStringEnumMemberName("quiet")] Quiet,
}

/// <summary>Level band of a single reading.</summary>
public enum NoiseClass
{
    [JsonStringEnumMemberName("quiet")] Quiet,
    [JsonStringEnumMemberName("moderate")] Moderate,
    [JsonStringEnumMemberName("loud")] Loud,
    [JsonStringEnumMemberName("very-loud")] VeryLoud,
    [JsonStringEnumMemberName("dangerous")] Dangerous,
}

/// <summary>What is wrong with a sensor.</summary>
public enum SensorFault
{
    /// <summary>The same value many times in a row.</summary>
    [JsonStringEnumMemberName("stuck")] Stuck,
    /// <summary>Values no working microphone produces (e.g. LAmax below LAeq).</summary>
    [JsonStringEnumMemberName("implausible")] Implausible,
    /// <summary>Silent for longer than its expected interval.</summary>
    [JsonStringEnumMemberName("offline")] Offline,
}

/// <summary>Time-of-day period for thresholds (day 07–19, evening 19–23, night 23–07 by default).</summary>
public enum DayPeriod
{
    [JsonStringEnumMemberName("day")] Day,
    [JsonStringEnumMemberName("evening")] Evening,
    [JsonStringEnumMemberName("night")] Night,
}

/// <summary>How urgent an alert is.</summary>
public enum AlertSeverity
{
    [JsonStringEnumMemberName("info")] Info,
    [JsonStringEnumMemberName("warning")] Warning,
    [JsonStringEnumMemberName("critical")] Critical,
}

/// <summary>Where an alert is in its lifecycle.</summary>
public enum AlertState
{
    [JsonStringEnumMemberName("open")] Open,
    [JsonStringEnumMemberName("acknowledged")] Acknowledged,
    [JsonStringEnumMemberName("resolved")] Resolved,
}

/// <summary>The rule that raised an alert; one open alert per (sensor, rule).</summary>
public enum AlertRule
{
    /// <summary>Window LAeq above the zone threshold for K windows.</summary>
    [JsonStringEnumMemberName("level")] Level,
    /// <summary>More than S spikes in one window.</summary>
    [JsonStringEnumMemberName("spike-rate")] SpikeRate,
    /// <summary>A single reading above the spike level.</summary>
    [JsonStringEnumMemberName("spike")] Spike,
    /// <summary>The sensor is stuck, implausible or offline.</summary>
    [JsonStringEnumMemberName("sensor-fault")] SensorFault,
}
