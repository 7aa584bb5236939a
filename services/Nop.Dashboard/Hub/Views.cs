using Nop.Contracts;

namespace Nop.Dashboard.Hub;

// What the page receives. Enums travel as the contracts' kebab-case strings, names in camelCase.

/// <summary>The latest reading of a sensor, pushed at most once per push interval.</summary>
public sealed record ReadingTick(string SensorId, double Laeq, double? Lamax, DateTimeOffset MeasuredAt);

/// <summary>A closed window of a sensor. <see cref="L50"/> and <see cref="Coverage"/> (covered seconds ÷ window
/// length, 0–1) are null for a window published by a Processing older than the level distribution.</summary>
public sealed record LevelView(string SensorId, DateTimeOffset WindowStart, DateTimeOffset WindowEnd, double Laeq, double Lamax,
    int Count, double Threshold, DayPeriod Period, double L10, double? L50, double L90, double? Coverage);

/// <summary>A change of a sensor's condition: <c>exceeded</c>, <c>cleared</c> or <c>fault</c>.</summary>
public sealed record SensorStatusView(string SensorId, string Status, AlertRule? Rule, SensorFault? Fault, string? Detail,
    double? Level, double? Threshold, DateTimeOffset At);

/// <summary>A change of an alert as published on <c>nop.alerts</c>. <see cref="Kind"/> is <c>raised</c>, <c>escalated</c>,
/// <c>acknowledged</c> or <c>resolved</c>; the fields a kind does not carry are null.</summary>
public sealed record AlertChange(
    string Kind,
    Guid AlertId,
    string SensorId,
    AlertRule Rule,
    DateTimeOffset At,
    string CorrelationId,
    Zone? Zone = null,
    AlertSeverity? Severity = null,
    double? Level = null,
    double? Threshold = null,
    string? Message = null,
    string? AcknowledgedBy = null,
    string? Reason = null);

/// <summary>A sensor with what this instance has seen of it since it started, its conditions completed from the open
/// alerts. <see cref="ExceededRules"/> names each rule whose threshold is exceeded; <see cref="Exceeded"/> is
/// any.</summary>
public sealed record SensorView(string Id, string Name, Zone Zone, GeoLocation Location, double Threshold,
    ReadingTick? Reading, LevelView? Level, bool Exceeded, SensorFault? Fault, IReadOnlyList<AlertRule> ExceededRules);

/// <summary>A page's initial state (and its state after a reconnect). <see cref="Alerts"/> is null when Alerting did not
/// answer; <see cref="AlertsError"/> says why. <see cref="AlertsTotal"/> is how many alerts are open: more than
/// <see cref="Alerts"/> holds when there were too many to fetch.</summary>
public sealed record Snapshot(
    IReadOnlyList<SensorView> Sensors,
    IReadOnlyList<AlertSummary>? Alerts,
    string? AlertsError,
    string? KibanaUrl,
    string? User,
    int PushIntervalMs,
    DateTimeOffset ServerTime,
    int? AlertsTotal = null);

/// <summary>The recent readings and windows of one sensor, for its chart.</summary>
public sealed record SensorHistory(string SensorId, IReadOnlyList<ReadingTick> Readings, IReadOnlyList<LevelView> Levels);

/// <summary>The answer to an acknowledgement.</summary>
public sealed record AcknowledgeView(AcknowledgeOutcome Outcome, AlertSummary? Alert);

/// <summary>Counts over all sensors (<c>over</c>: the latest reading, else window, at or above the threshold).</summary>
public sealed record SensorsSummary(int Sensors, int Reporting, int Over, int Faults);

/// <summary>The methods the hub calls on the page.</summary>
public interface IDashboardClient
{
    /// <summary>The latest reading of each sensor that had one since the previous push.</summary>
    Task Readings(IReadOnlyList<ReadingTick> readings);

    Task Level(LevelView level);

    Task SensorStatus(SensorStatusView status);

    Task Alert(AlertChange change);

    /// <summary>Counts over all sensors, once a second.</summary>
    Task Summary(SensorsSummary summary);

    /// <summary>This instance may have missed events (its broker connection was restored, or its live queues were
    /// declared again and started empty): fetch the snapshot again.</summary>
    Task Resync(string reason);
}
