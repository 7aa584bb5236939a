using Nop.Contracts;

namespace Nop.Dashboard.Hub;

// What the page receives. Enums travel as the contracts' kebab-case strings, names in camelCase.

// The latest reading of a sensor, pushed at most once per push interval.
public sealed record ReadingTick(string SensorId, double Laeq, double? Lamax, DateTimeOffset MeasuredAt);

// A closed window of a sensor. L50 and Coverage (covered seconds ÷ window
// length, 0–1) are null for a window published by a Processing older than the level distribution.
public sealed record LevelView(string SensorId, DateTimeOffset WindowStart, DateTimeOffset WindowEnd, double Laeq,
    double Lamax, int Count, double Threshold, DayPeriod Period, double L10, double? L50, double L90, double? Coverage);

// A change of a sensor's condition: exceeded, cleared or fault.
public sealed record SensorStatusView(string SensorId, string Status, AlertRule? Rule, SensorFault? Fault,
    string? Detail, double? Level, double? Threshold, DateTimeOffset At);

// A change of an alert as published on nop.alerts. Kind is raised, escalated,
// acknowledged or resolved; the fields a kind does not carry are null. Comment is the operator's comment with an
// acknowledgement.
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
    string? Reason = null,
    string? Comment = null);

// A sensor with what this instance has seen of it since it started, its conditions completed from the open
// alerts. ExceededRules names each rule whose threshold is exceeded; Exceeded is
// any.
public sealed record SensorView(string Id, string Name, Zone Zone, GeoLocation Location, double Threshold,
    ReadingTick? Reading, LevelView? Level, bool Exceeded, SensorFault? Fault, IReadOnlyList<AlertRule> ExceededRules);

// A page's initial state (and its state after a reconnect). Alerts is null when Alerting did not
// answer; AlertsError says why. AlertsTotal is how many alerts are open: more than
// Alerts holds when there were too many to fetch.
public sealed record Snapshot(
    IReadOnlyList<SensorView> Sensors,
    IReadOnlyList<AlertSummary>? Alerts,
    string? AlertsError,
    string? KibanaUrl,
    string? User,
    int PushIntervalMs,
    DateTimeOffset ServerTime,
    int? AlertsTotal = null);

// The recent readings and windows of one sensor, for its chart.
public sealed record SensorHistory(string SensorId, IReadOnlyList<ReadingTick> Readings,
    IReadOnlyList<LevelView> Levels);

// The answer to an acknowledgement.
public sealed record AcknowledgeView(AcknowledgeOutcome Outcome, AlertSummary? Alert);

// Counts over all sensors (over: the latest reading, else window, at or above the threshold).
public sealed record SensorsSummary(int Sensors, int Reporting, int Over, int Faults);

// The methods the hub calls on the page.
public interface IDashboardClient
{
    // The latest reading of each sensor that had one since the previous push.
    Task Readings(IReadOnlyList<ReadingTick> readings);

    Task Level(LevelView level);

    Task SensorStatus(SensorStatusView status);

    Task Alert(AlertChange change);

    // Counts over all sensors, once a second.
    Task Summary(SensorsSummary summary);

    // This instance may have missed events (its broker connection was restored, or its live queues were
    // declared again and started empty): fetch the snapshot again.
    Task Resync(string reason);
}
