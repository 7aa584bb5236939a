namespace Nop.Contracts;

/// <summary>Command: an operator acknowledges an alert. Sent to <c>nop.commands</c> with routing key
/// <c>alerting.acknowledge</c>; answered with <see cref="AcknowledgeAlertResult"/>.</summary>
public sealed record AcknowledgeAlert(Guid AlertId, string AcknowledgedBy, string? Comment) : IMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.acknowledge-alert.v1";
}

/// <summary>How an acknowledgement went.</summary>
public enum AcknowledgeOutcome
{
    /// <summary>The alert is now acknowledged.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("acknowledged")] Acknowledged,
    /// <summary>Somebody acknowledged it before; nothing changed.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("already-acknowledged")] AlreadyAcknowledged,
    /// <summary>The alert is resolved; nothing to acknowledge.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("already-resolved")] AlreadyResolved,
    /// <summary>No alert has that id.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("not-found")] NotFound,
    /// <summary>The command's publisher (its broker-validated user_id) may not acknowledge alerts; nothing
    /// changed.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("forbidden")] Forbidden,
}

/// <summary>Reply to <see cref="AcknowledgeAlert"/>.</summary>
public sealed record AcknowledgeAlertResult(AcknowledgeOutcome Outcome, AlertSummary? Alert) : IMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.acknowledge-alert-result.v1";
}

/// <summary>Query: open (and acknowledged, not yet resolved) alerts, newest first. Routing key <c>alerting.query</c>.
/// <paramref name="CountTotal"/> false spares the COUNT when there is a next page (<see cref="AlertPage.Total"/> is
/// then -1); callers that only need "is there more" read <see cref="AlertPage.HasMore"/>.</summary>
public sealed record GetOpenAlerts(int Page = 1, int PageSize = 50, bool CountTotal = true) : IMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.get-open-alerts.v1";
}

/// <summary>Query: one alert with its history, oldest first, a page at a time: the entries after sequence
/// <paramref name="AfterSequence"/>, at most <paramref name="Limit"/> of them (0: Alerting's default page size).
/// Answered with <see cref="AlertDetails"/>; its <see cref="AlertDetails.NextAfterSequence"/> asks for the next
/// page.</summary>
public sealed record GetAlert(Guid AlertId, long AfterSequence = 0, int Limit = 0) : IMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.get-alert.v1";
}

/// <summary>Query: the recent alerts of one sensor, newest first, paged.</summary>
public sealed record GetSensorAlerts(string SensorId, int Page = 1, int PageSize = 50, bool CountTotal = true)
    : IMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.get-sensor-alerts.v1";
}

/// <summary>The current state of an alert (the read model). <paramref name="Level"/> is the worst level seen while
/// it was open; <paramref name="Occurrences"/> counts the reports of its condition and <paramref name="LastSeenAt"/>
/// is the latest (0 and null from an Alerting older than them). <paramref name="AcknowledgeComment"/> is the
/// operator's comment with the acknowledgement (null when there was none, or from an older Alerting).</summary>
public sealed record AlertSummary(
    Guid AlertId,
    string SensorId,
    Zone Zone,
    AlertRule Rule,
    AlertSeverity Severity,
    AlertState State,
    double Level,
    double Threshold,
    string Message,
    DateTimeOffset RaisedAt,
    DateTimeOffset UpdatedAt,
    string? AcknowledgedBy,
    string CorrelationId,
    long Occurrences = 0,
    DateTimeOffset? LastSeenAt = null,
    string? AcknowledgeComment = null);

/// <summary>One stored change of an alert.</summary>
public sealed record AlertHistoryEntry(long Sequence, string EventType, DateTimeOffset At, string? By, string Data);

/// <summary>A page of alerts. <paramref name="Total"/> is -1 when it was not counted (see
/// <see cref="GetOpenAlerts.CountTotal"/>); <paramref name="HasMore"/> says whether a next page has items.</summary>
public sealed record AlertPage(IReadOnlyList<AlertSummary> Items, int Page, int PageSize, int Total,
    bool HasMore = false) : IMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.alert-page.v1";
}

/// <summary>Reply to <see cref="GetAlert"/>; <see cref="Alert"/> is null when no alert has that id.
/// <paramref name="NextAfterSequence"/> is the <see cref="GetAlert.AfterSequence"/> of the next page, null on the
/// last.</summary>
public sealed record AlertDetails(AlertSummary? Alert, IReadOnlyList<AlertHistoryEntry> History,
    long? NextAfterSequence = null) : IMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.alert-details.v1";
}
