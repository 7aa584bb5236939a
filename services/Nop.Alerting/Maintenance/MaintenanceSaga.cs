using Nop.Contracts;

namespace Nop.Alerting.Maintenance;

// One maintenance saga (table maintenances): the period, where it stands, the step it waits for (if any) and until
// when, and every step so far (JSON). Version is the concurrency token: two writers (the consumer and a replica's
// timer) that both decide on the same row cannot both commit, the loser reloads and decides again.
public sealed class MaintenanceSaga
{
    public Guid Id { get; set; }
    public required string SensorId { get; set; }
    public DateTimeOffset From { get; set; }
    // The end of the period; moved earlier when it is ended before it (End steps keep [From, To) only).
    public DateTimeOffset To { get; set; }
    // The To of the request, to recognise a repeated request after the period was shortened.
    public DateTimeOffset RequestedTo { get; set; }
    public required string Reason { get; set; }
    public required string RequestedBy { get; set; }
    public MaintenanceState State { get; set; }

    // The step waited for: its participant and action; null when none is (active, or final).
    public string? PendingParticipant { get; set; }
    public MaintenanceAction? PendingAction { get; set; }

    // When the timer must look: the pending step's time-out, or To while active; null when final.
    public DateTimeOffset? DueAt { get; set; }

    // Why it is being (or was) compensated, or why it failed.
    public string? Detail { get; set; }

    // An operator asked to end it while it was starting: it ends as soon as it is active.
    public bool EndRequested { get; set; }

    // The steps in the order they ran (JSON of MaintenanceStep, see MaintenanceSteps).
    public string Steps { get; set; } = "[]";

    public required string CorrelationId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }

    public bool IsFinal => State is MaintenanceState.Ended or MaintenanceState.Compensated or MaintenanceState.Failed;
}
