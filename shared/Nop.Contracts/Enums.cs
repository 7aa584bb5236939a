using System.Text.Json.Serialization;

namespace Nop.Contracts;

/// <summary>The land use a sensor stands in; thresholds depend on it.</summary>
public enum Zone
{
    /// <summary>Housing (default thresholds 55 / 50 / 45 dB(A) by day, evening and night).</summary>
    [JsonStringEnumMemberName("residential")] Residential,
    /// <summary>Shops and offices (default 65 / 60 / 55 dB(A)).</summary>
    [JsonStringEnumMemberName("commercial")] Commercial,
    /// <summary>Industry (default 70 dB(A) around the clock).</summary>
    [JsonStringEnumMemberName("industrial")] Industrial,
    /// <summary>Hospitals, schools, parks: the strictest (default 50 / 45 / 40 dB(A)).</summary>
    [JsonStringEnumMemberName("quiet")] Quiet,
}

/// <summary>Level band of a single reading.</summary>
public enum NoiseClass
{
    /// <summary>Below the moderate band (45 dB(A) by default).</summary>
    [JsonStringEnumMemberName("quiet")] Quiet,
    /// <summary>From 45 dB(A) by default.</summary>
    [JsonStringEnumMemberName("moderate")] Moderate,
    /// <summary>From 60 dB(A) by default.</summary>
    [JsonStringEnumMemberName("loud")] Loud,
    /// <summary>From 70 dB(A) by default.</summary>
    [JsonStringEnumMemberName("very-loud")] VeryLoud,
    /// <summary>From 85 dB(A) by default, the EU upper exposure action value for noise at work.</summary>
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
    /// <summary>07:00–19:00 local time by default.</summary>
    [JsonStringEnumMemberName("day")] Day,
    /// <summary>19:00–23:00 local time by default.</summary>
    [JsonStringEnumMemberName("evening")] Evening,
    /// <summary>23:00–07:00 local time by default: the strictest thresholds.</summary>
    [JsonStringEnumMemberName("night")] Night,
}

/// <summary>How urgent an alert is.</summary>
public enum AlertSeverity
{
    /// <summary>Just over the threshold (less than 3 dB above it by default).</summary>
    [JsonStringEnumMemberName("info")] Info,
    /// <summary>Clearly over (3 dB by default), a spike rate over its limit, or a sensor fault.</summary>
    [JsonStringEnumMemberName("warning")] Warning,
    /// <summary>Far over (10 dB by default), or twice the spike-rate limit. Severities are ordered: an alert
    /// only escalates.</summary>
    [JsonStringEnumMemberName("critical")] Critical,
}

/// <summary>Where an alert is in its lifecycle.</summary>
public enum AlertState
{
    /// <summary>Raised and waiting for an operator (again, when it escalated past what was acknowledged).</summary>
    [JsonStringEnumMemberName("open")] Open,
    /// <summary>An operator has taken it on; it stays until its cause clears.</summary>
    [JsonStringEnumMemberName("acknowledged")] Acknowledged,
    /// <summary>Its cause has cleared (a spike alert's sensor went quiet); a recurrence raises a new alert.</summary>
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
