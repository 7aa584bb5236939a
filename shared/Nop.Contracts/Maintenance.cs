using System.Text.Json.Serialization;

namespace Nop.Contracts;

// The sensor-maintenance saga (docs/architecture.md §13). Alerting runs the process manager; Processing, Alerting and
// History are its participants. Every command carries the maintenance id, so each step is idempotent.

/// <summary>Request (routing key <c>maintenance.request</c>): an operator starts maintenance of a sensor over
/// [<paramref name="From"/>, <paramref name="To"/>). The id is chosen by the requester, so a repeated request starts
/// nothing twice. Answered with <see cref="MaintenanceReply"/>.</summary>
public sealed record StartMaintenance(
    Guid MaintenanceId, string SensorId, DateTimeOffset From, DateTimeOffset To, string Reason, string RequestedBy)
    : IMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.start-maintenance.v1";
}

/// <summary>Request (routing key <c>maintenance.request</c>): end a maintenance now, before its
/// <c>To</c>. Answered with <see cref="MaintenanceReply"/>.</summary>
public sealed record EndMaintenance(Guid MaintenanceId, string RequestedBy) : IMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.end-maintenance.v1";
}

/// <summary>Query (routing key <c>maintenance.request</c>): one maintenance with its steps. Answered with
/// <see cref="MaintenanceReply"/>.</summary>
public sealed record GetMaintenance(Guid MaintenanceId) : IMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.get-maintenance.v1";
}

/// <summary>Query (routing key <c>maintenance.request</c>): a sensor's maintenances that have not ended, and the
/// most recent ended ones, newest first (at most <paramref name="Limit"/>). Answered with
/// <see cref="MaintenanceList"/>.</summary>
public sealed record GetSensorMaintenance(string SensorId, int Limit = 20) : IMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.get-sensor-maintenance.v1";
}

/// <summary>How a maintenance request went.</summary>
public enum MaintenanceOutcome
{
    /// <summary>Done, or accepted and under way; <see cref="MaintenanceReply.Maintenance"/> says where it stands.
    /// </summary>
    [JsonStringEnumMemberName("ok")] Ok,
    /// <summary>No maintenance has that id.</summary>
    [JsonStringEnumMemberName("not-found")] NotFound,
    /// <summary>The request does not fit the maintenance's state (e.g. ending one already ended), or reuses its id
    /// for another sensor or period; <see cref="MaintenanceReply.Detail"/> says why.</summary>
    [JsonStringEnumMemberName("conflict")] Conflict,
    /// <summary>The request is invalid (e.g. <c>From</c> not before <c>To</c>); <see cref="MaintenanceReply.Detail"/>
    /// says why.</summary>
    [JsonStringEnumMemberName("invalid")] Invalid,
}

/// <summary>Reply to <see cref="StartMaintenance"/>, <see cref="EndMaintenance"/> and
/// <see cref="GetMaintenance"/>.</summary>
public sealed record MaintenanceReply(MaintenanceOutcome Outcome, MaintenanceDetails? Maintenance, string? Detail)
    : IMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.maintenance-reply.v1";
}

/// <summary>Reply to <see cref="GetSensorMaintenance"/>.</summary>
public sealed record MaintenanceList(IReadOnlyList<MaintenanceDetails> Items) : IMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.maintenance-list.v1";
}

/// <summary>A maintenance saga: the period, where it stands, and each participant's steps in the order they ran.
/// <paramref name="Detail"/> says why it was compensated or failed. <paramref name="CorrelationId"/> is the operator
/// request's, carried by every step's messages and logs.</summary>
public sealed record MaintenanceDetails(
    Guid MaintenanceId,
    string SensorId,
    DateTimeOffset From,
    DateTimeOffset To,
    string Reason,
    string RequestedBy,
    MaintenanceState State,
    string? Detail,
    IReadOnlyList<MaintenanceStep> Steps,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string CorrelationId);

/// <summary>Where a maintenance saga stands.</summary>
public enum MaintenanceState
{
    /// <summary>The participants are being asked to begin (or, after a refusal or time-out, to undo what they did:
    /// the steps show it).</summary>
    [JsonStringEnumMemberName("starting")] Starting,
    /// <summary>Every participant has begun; the sensor is in maintenance over the period.</summary>
    [JsonStringEnumMemberName("active")] Active,
    /// <summary>The period is over or an operator ended it: the participants are being asked to end it.</summary>
    [JsonStringEnumMemberName("ending")] Ending,
    /// <summary>Every participant has ended it.</summary>
    [JsonStringEnumMemberName("ended")] Ended,
    /// <summary>A step could not be completed or undone within its attempts: an operator must look
    /// (<see cref="MaintenanceDetails.Detail"/>).</summary>
    [JsonStringEnumMemberName("failed")] Failed,
    /// <summary>A participant refused or did not answer in time, and every step already done was undone.</summary>
    [JsonStringEnumMemberName("compensated")] Compensated,
}

/// <summary>What a step asks of a participant.</summary>
public enum MaintenanceAction
{
    /// <summary>Treat the sensor as in maintenance over [From, To).</summary>
    [JsonStringEnumMemberName("begin")] Begin,
    /// <summary>The maintenance is over: keep [From, To) with its (possibly earlier) To as maintenance, and nothing
    /// after it.</summary>
    [JsonStringEnumMemberName("end")] End,
    /// <summary>Undo the begin: as if the maintenance had never been (compensation).</summary>
    [JsonStringEnumMemberName("compensate")] Compensate,
}

/// <summary>How a step went.</summary>
public enum StepOutcome
{
    /// <summary>Sent; waiting for the participant's answer.</summary>
    [JsonStringEnumMemberName("pending")] Pending,
    /// <summary>The participant did it.</summary>
    [JsonStringEnumMemberName("done")] Done,
    /// <summary>The participant refused (the step's detail says why).</summary>
    [JsonStringEnumMemberName("refused")] Refused,
    /// <summary>No answer within the step's time-out.</summary>
    [JsonStringEnumMemberName("timed-out")] TimedOut,
}

/// <summary>One step of a maintenance saga: an action asked of a participant (<c>processing</c>, <c>alerting</c>,
/// <c>history</c>), its outcome and how many times it was sent.</summary>
public sealed record MaintenanceStep(
    string Participant,
    MaintenanceAction Action,
    StepOutcome Outcome,
    int Attempts,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    string? Detail);

/// <summary>
/// Command of the process manager to one participant (routing key <see cref="RoutingKeys.MaintenanceStep"/> of the
/// participant): apply <paramref name="Action"/> for the maintenance <paramref name="MaintenanceId"/> of
/// <paramref name="SensorId"/> over [<paramref name="From"/>, <paramref name="To"/>). Idempotent by
/// (MaintenanceId, Action): a repeat answers as the first did. A <see cref="MaintenanceAction.Begin"/> or
/// <see cref="MaintenanceAction.End"/> arriving after the maintenance was compensated is refused, so a late command
/// never re-applies what was undone. Answered with <see cref="MaintenanceStepCompleted"/>.
/// </summary>
public sealed record MaintenanceStepCommand(
    Guid MaintenanceId, string SensorId, DateTimeOffset From, DateTimeOffset To, string Reason,
    MaintenanceAction Action) : IMessage, ISensorMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.maintenance-step.v1";
}

/// <summary>A participant's answer to <see cref="MaintenanceStepCommand"/> (routing key
/// <c>maintenance.completed</c> on <see cref="Exchanges.Commands"/>, back to the process manager): done, or refused
/// with the reason.</summary>
public sealed record MaintenanceStepCompleted(
    Guid MaintenanceId, string Participant, MaintenanceAction Action, bool Done, string? Reason) : IMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.maintenance-step-completed.v1";
}

/// <summary>The participants' names, as steps and queues know them.</summary>
public static class MaintenanceParticipants
{
    /// <summary>Stops the sensor's threshold, spike-rate, fault and offline rules over the period and flags its
    /// windows.</summary>
    public const string Processing = "processing";
    /// <summary>Closes the sensor's open alerts with the reason and raises none for the period.</summary>
    public const string Alerting = "alerting";
    /// <summary>Leaves the period out of the sensor's coverage and indicators.</summary>
    public const string History = "history";

    /// <summary>The order of the begin steps; end and compensate steps run in reverse.</summary>
    public static IReadOnlyList<string> InOrder { get; } = [Processing, Alerting, History];
}
