using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Nop.Alerting.Data;
using Nop.Contracts;
using Nop.Messaging;
using Nop.Persistence;
using Nop.Persistence.Outbox;

namespace Nop.Alerting.Maintenance;

// The maintenance saga's process manager (docs/architecture.md §13). Each input (a request, a participant's answer,
// the timer) loads the saga, decides, and commits the saga row with the command it sends (an outbox row to
// nop.commands) in one transaction; a concurrent writer of the same row makes the save fail on Version, and the input
// is decided again on the fresh row, so a step never advances twice.
// Begin steps run in MaintenanceParticipants.InOrder, one at a time. A refusal or a time-out compensates: the failing
// participant is sent Compensate without waiting (its durable queue delivers it when it is back, and it then refuses
// the Begin), then every begun participant in reverse order, each awaited and re-sent on time-out. End steps run in
// reverse order the same way. A step out of attempts leaves the saga failed with the reason.
public sealed class MaintenanceProcess(AlertingDbContext db, DatabaseResilience resilience, OutboxSignal signal,
    TimeProvider time, IOptions<MaintenanceOptions> options, ILogger<MaintenanceProcess> logger)
{
    private MaintenanceOptions Options => options.Value;

    public Task<MaintenanceReply> StartAsync(StartMaintenance request, MessageEnvelope envelope,
        CancellationToken cancellationToken) =>
        ChangeAsync(async ct =>
        {
            var now = time.GetUtcNow();
            if (await db.Maintenances.FindAsync([request.MaintenanceId], ct) is { } existing)
            {
                // The same request again (a retry of the operator's POST, even after its period): its current state,
                // nothing started twice.
                return existing.SensorId == request.SensorId && existing.From == request.From
                    && existing.RequestedTo == request.To && existing.Reason == request.Reason?.Trim()
                    ? Reply(existing)
                    : new MaintenanceReply(MaintenanceOutcome.Conflict, Details(existing),
                        "The maintenance id is taken by another sensor, period or reason.");
            }
            if (Invalid(request, now) is { } why)
            {
                logger.LogInformation("Refused maintenance {MaintenanceId} of {SensorId}: {Detail}",
                    request.MaintenanceId, request.SensorId, why);
                return new MaintenanceReply(MaintenanceOutcome.Invalid, null, why);
            }
            var saga = new MaintenanceSaga
            {
                Id = request.MaintenanceId,
                SensorId = request.SensorId,
                From = request.From,
                To = request.To,
                RequestedTo = request.To,
                Reason = request.Reason.Trim(),
                RequestedBy = request.RequestedBy.Trim(),
                State = MaintenanceState.Starting,
                CorrelationId = envelope.CorrelationId,
                CreatedAt = now,
            };
            db.Maintenances.Add(saga);
            var steps = new List<MaintenanceStep>();
            using (Scope(saga))
            {
                logger.LogInformation("Maintenance {MaintenanceId} of {SensorId} over [{From:O}, {To:O}) starting: "
                    + "{Reason} (by {RequestedBy})", saga.Id, saga.SensorId, saga.From, saga.To, saga.Reason,
                    saga.RequestedBy);
                NextBegin(saga, steps, now, envelope.MessageId);
            }
            Store(saga, steps, now);
            return Reply(saga);
        }, request: true, cancellationToken);

    public Task<MaintenanceReply> EndAsync(EndMaintenance request, MessageEnvelope envelope,
        CancellationToken cancellationToken) =>
        ChangeAsync(async ct =>
        {
            var saga = await db.Maintenances.FindAsync([request.MaintenanceId], ct);
            if (saga is null)
            {
                return new MaintenanceReply(MaintenanceOutcome.NotFound, null, null);
            }
            using var scope = Scope(saga);
            var now = time.GetUtcNow();
            var steps = StepsOf(saga);
            switch (saga.State)
            {
                case MaintenanceState.Ended or MaintenanceState.Compensated or MaintenanceState.Failed:
                    return new MaintenanceReply(MaintenanceOutcome.Conflict, Details(saga),
                        $"The maintenance is {Name(saga.State)} already.");
                case MaintenanceState.Active:
                    logger.LogInformation("Maintenance {MaintenanceId} ended by {RequestedBy}", saga.Id,
                        request.RequestedBy);
                    StartEnding(saga, steps, now, envelope.MessageId);
                    break;
                case MaintenanceState.Starting when saga.Detail is null && !saga.EndRequested:
                    // Not begun everywhere yet: ending now would race the begin steps still under way, so it ends as
                    // soon as it is active (End keeps the period up to now, which compensating would not).
                    logger.LogInformation("Maintenance {MaintenanceId} will end once active (asked by {RequestedBy})",
                        saga.Id, request.RequestedBy);
                    saga.EndRequested = true;
                    break;
                default:
                    return Reply(saga); // ending, being compensated, or already asked to end: nothing more to do
            }
            Store(saga, steps, now);
            return Reply(saga);
        }, request: true, cancellationToken);

    // A participant's answer: advances the saga when it answers the step waited for; anything else (late, duplicate,
    // unknown saga) is logged and ignored.
    public Task AnswerAsync(MaintenanceStepCompleted answer, MessageEnvelope envelope,
        CancellationToken cancellationToken) =>
        ChangeAsync(async ct =>
        {
            var saga = await db.Maintenances.FindAsync([answer.MaintenanceId], ct);
            if (saga is null)
            {
                logger.LogWarning("Ignored {Participant}'s {Action} answer for unknown maintenance {MaintenanceId}",
                    answer.Participant, Name(answer.Action), answer.MaintenanceId);
                return false;
            }
            using var scope = Scope(saga);
            var now = time.GetUtcNow();
            var steps = StepsOf(saga);
            var pending = PendingIndex(saga, steps);
            if (pending >= 0 && saga.PendingParticipant == answer.Participant && saga.PendingAction == answer.Action)
            {
                Answered(saga, steps, pending, answer, now, envelope.MessageId);
            }
            else if (answer.Action == MaintenanceAction.Compensate && steps.FindLastIndex(s =>
                s.Participant == answer.Participant && s.Action == MaintenanceAction.Compensate
                && s.Outcome == StepOutcome.Pending) is var unawaited and >= 0)
            {
                // The compensation sent without waiting to the participant that refused or timed out: shown, no more.
                steps[unawaited] = steps[unawaited] with
                {
                    Outcome = answer.Done ? StepOutcome.Done : StepOutcome.Refused,
                    FinishedAt = now,
                    Detail = answer.Reason ?? steps[unawaited].Detail,
                };
                logger.LogInformation("Maintenance {MaintenanceId}: {Participant} answered the compensation sent "
                    + "without waiting: {Done}", saga.Id, answer.Participant, answer.Done);
            }
            else
            {
                logger.LogInformation("Ignored {Participant}'s {Action} answer (done: {Done}) for maintenance "
                    + "{MaintenanceId}: it waits for {PendingParticipant} {PendingAction} in state {State}",
                    answer.Participant, Name(answer.Action), answer.Done, saga.Id, saga.PendingParticipant,
                    saga.PendingAction is { } a ? Name(a) : "nothing", Name(saga.State));
                return false;
            }
            Store(saga, steps, now);
            return true;
        }, request: false, cancellationToken);

    // The timer: the pending step of saga id timed out, or its period is over. False when it is not due (any more).
    public Task<bool> DueAsync(Guid id, CancellationToken cancellationToken) =>
        ChangeAsync(async ct =>
        {
            var now = time.GetUtcNow();
            var saga = await db.Maintenances.FindAsync([id], ct);
            if (saga is null || saga.IsFinal || saga.DueAt is not { } due || due > now)
            {
                return false;
            }
            using var scope = Scope(saga);
            var steps = StepsOf(saga);
            var pending = PendingIndex(saga, steps);
            if (pending < 0)
            {
                if (saga.State != MaintenanceState.Active)
                {
                    return false;
                }
                logger.LogInformation("Maintenance {MaintenanceId} reached its end {To:O}", saga.Id, saga.To);
                StartEnding(saga, steps, now, null);
            }
            else
            {
                TimedOut(saga, steps, pending, now);
            }
            Store(saga, steps, now);
            return true;
        }, request: false, cancellationToken);

    public static MaintenanceDetails Details(MaintenanceSaga saga) => new(saga.Id, saga.SensorId, saga.From, saga.To,
        saga.Reason, saga.RequestedBy, saga.State, saga.Detail, StepsOf(saga), saga.CreatedAt, saga.UpdatedAt,
        saga.CorrelationId);

    public static List<MaintenanceStep> StepsOf(MaintenanceSaga saga) =>
        JsonSerializer.Deserialize(saga.Steps, MaintenanceJsonContext.Default.ListMaintenanceStep) ?? [];

    private static MaintenanceReply Reply(MaintenanceSaga saga) => new(MaintenanceOutcome.Ok, Details(saga), null);

    private static string? Invalid(StartMaintenance r, DateTimeOffset now) =>
        string.IsNullOrWhiteSpace(r.SensorId) || r.SensorId.Length > 64
            ? "sensorId is required (at most 64 characters)."
        : string.IsNullOrWhiteSpace(r.Reason) || r.Reason.Trim().Length > 500
            ? "reason is required (at most 500 characters)."
        : string.IsNullOrWhiteSpace(r.RequestedBy) || r.RequestedBy.Trim().Length > 100
            ? "requestedBy is required (at most 100 characters)."
        : r.MaintenanceId == Guid.Empty ? "maintenanceId is required."
        : r.From >= r.To ? "from must be before to."
        : r.To <= now ? "to must be in the future."
        : null;

    private void Answered(MaintenanceSaga saga, List<MaintenanceStep> steps, int pending,
        MaintenanceStepCompleted answer, DateTimeOffset now, string? causation)
    {
        var step = steps[pending];
        if (!answer.Done && answer.Action != MaintenanceAction.Begin)
        {
            // An end or compensation that failed is sent again at its time-out, until out of attempts.
            steps[pending] = step with { Detail = $"refused: {answer.Reason}" };
            logger.LogWarning("Maintenance {MaintenanceId}: {Participant} refused {Action} (attempt {Attempt}): "
                + "{Reason}", saga.Id, answer.Participant, Name(answer.Action), step.Attempts, answer.Reason);
            if (step.Attempts >= Options.StepAttempts)
            {
                steps[pending] = steps[pending] with { Outcome = StepOutcome.Refused, FinishedAt = now };
                Fail(saga, steps, $"{answer.Participant} refused to {Name(answer.Action)} after {step.Attempts} "
                    + $"attempt(s): {answer.Reason}");
            }
            return;
        }
        steps[pending] = step with
        {
            Outcome = answer.Done ? StepOutcome.Done : StepOutcome.Refused,
            FinishedAt = now,
            Detail = answer.Reason,
        };
        logger.LogInformation("Maintenance {MaintenanceId}: {Participant} {Outcome} {Action}", saga.Id,
            answer.Participant, answer.Done ? "did" : "refused", Name(answer.Action));
        switch (answer.Action)
        {
            case MaintenanceAction.Begin when answer.Done:
                NextBegin(saga, steps, now, causation);
                break;
            case MaintenanceAction.Begin:
                Compensate(saga, steps, answer.Participant, $"{answer.Participant} refused to begin: {answer.Reason}",
                    now, causation);
                break;
            case MaintenanceAction.End:
                NextEnd(saga, steps, now, causation);
                break;
            default:
                NextCompensation(saga, steps, now, causation);
                break;
        }
    }

    private void TimedOut(MaintenanceSaga saga, List<MaintenanceStep> steps, int pending, DateTimeOffset now)
    {
        var step = steps[pending];
        if (step.Action == MaintenanceAction.Begin)
        {
            steps[pending] = step with { Outcome = StepOutcome.TimedOut, FinishedAt = now };
            logger.LogWarning("Maintenance {MaintenanceId}: {Participant} did not answer begin in time",
                saga.Id, step.Participant);
            Compensate(saga, steps, step.Participant, string.Create(CultureInfo.InvariantCulture,
                $"{step.Participant} did not answer begin within {Options.StepTimeout.TotalSeconds:0.###} s"),
                now, null);
            return;
        }
        if (step.Attempts >= Options.StepAttempts)
        {
            steps[pending] = step with { Outcome = StepOutcome.TimedOut, FinishedAt = now };
            Fail(saga, steps, $"{step.Participant} did not {Name(step.Action)} after {step.Attempts} attempt(s)"
                + (step.Detail is { } d ? $" ({d})" : ""));
            return;
        }
        steps[pending] = step with { Attempts = step.Attempts + 1 };
        saga.DueAt = now + Options.StepTimeout;
        logger.LogWarning("Maintenance {MaintenanceId}: {Participant} did not {Action} in time; sent again "
            + "(attempt {Attempt} of {Attempts})", saga.Id, step.Participant, Name(step.Action), step.Attempts + 1,
            Options.StepAttempts);
        Enqueue(saga, step.Participant, step.Action, now, null);
    }

    // Begins the next participant, or makes the saga active when all have begun (and ends it at once if asked to).
    private void NextBegin(MaintenanceSaga saga, List<MaintenanceStep> steps, DateTimeOffset now, string? causation)
    {
        var next = MaintenanceParticipants.InOrder.FirstOrDefault(p => !Did(steps, p, MaintenanceAction.Begin));
        if (next is not null)
        {
            Send(saga, steps, next, MaintenanceAction.Begin, now, causation);
            return;
        }
        saga.State = MaintenanceState.Active;
        saga.PendingParticipant = null;
        saga.PendingAction = null;
        saga.DueAt = saga.To;
        logger.LogInformation("Maintenance {MaintenanceId} of {SensorId} active until {To:O}", saga.Id, saga.SensorId,
            saga.To);
        if (saga.EndRequested)
        {
            StartEnding(saga, steps, now, causation);
        }
    }

    private void StartEnding(MaintenanceSaga saga, List<MaintenanceStep> steps, DateTimeOffset now,
        string? causation)
    {
        saga.State = MaintenanceState.Ending;
        if (now < saga.To)
        {
            saga.To = now < saga.From ? saga.From : now;
        }
        logger.LogInformation("Maintenance {MaintenanceId} ending at {To:O}", saga.Id, saga.To);
        NextEnd(saga, steps, now, causation);
    }

    private void NextEnd(MaintenanceSaga saga, List<MaintenanceStep> steps, DateTimeOffset now, string? causation)
    {
        var next = MaintenanceParticipants.InOrder.Reverse().FirstOrDefault(p => !Did(steps, p, MaintenanceAction.End));
        if (next is not null)
        {
            Send(saga, steps, next, MaintenanceAction.End, now, causation);
            return;
        }
        Finish(saga, MaintenanceState.Ended);
        logger.LogInformation("Maintenance {MaintenanceId} of {SensorId} ended", saga.Id, saga.SensorId);
    }

    // A participant refused or timed out its begin: it is sent Compensate without waiting, then each participant that
    // did begin is compensated in reverse order. The state stays starting until all are undone.
    private void Compensate(MaintenanceSaga saga, List<MaintenanceStep> steps, string failed, string reason,
        DateTimeOffset now, string? causation)
    {
        saga.Detail = reason;
        logger.LogWarning("Maintenance {MaintenanceId} compensating: {Reason}", saga.Id, reason);
        steps.Add(new MaintenanceStep(failed, MaintenanceAction.Compensate, StepOutcome.Pending, 1, now, null,
            "sent without waiting for the answer"));
        Enqueue(saga, failed, MaintenanceAction.Compensate, now, causation);
        NextCompensation(saga, steps, now, causation);
    }

    private void NextCompensation(MaintenanceSaga saga, List<MaintenanceStep> steps, DateTimeOffset now,
        string? causation)
    {
        var next = ToUndo(steps).FirstOrDefault();
        if (next is not null)
        {
            Send(saga, steps, next, MaintenanceAction.Compensate, now, causation);
            return;
        }
        Finish(saga, MaintenanceState.Compensated);
        logger.LogWarning("Maintenance {MaintenanceId} of {SensorId} compensated: {Reason}", saga.Id, saga.SensorId,
            saga.Detail);
    }

    private void Fail(MaintenanceSaga saga, List<MaintenanceStep> steps, string why)
    {
        // What is left half-done, for the operator: participants still begun (compensating) or not ended (ending).
        var left = saga.State == MaintenanceState.Ending
            ? MaintenanceParticipants.InOrder.Reverse().Where(p => !Did(steps, p, MaintenanceAction.End)).ToList()
            : ToUndo(steps).ToList();
        var what = saga.State == MaintenanceState.Ending ? "not ended" : "not compensated";
        saga.Detail = saga.Detail is { } earlier
            ? $"{earlier}; then {why}; {what}: {string.Join(", ", left)}"
            : $"{why}; {what}: {string.Join(", ", left)}";
        Finish(saga, MaintenanceState.Failed);
        logger.LogError("Maintenance {MaintenanceId} of {SensorId} failed: {Detail}", saga.Id, saga.SensorId,
            saga.Detail);
    }

    private static void Finish(MaintenanceSaga saga, MaintenanceState state)
    {
        saga.State = state;
        saga.PendingParticipant = null;
        saga.PendingAction = null;
        saga.DueAt = null;
    }

    // Begun participants not compensated yet, last begun first.
    private static IEnumerable<string> ToUndo(List<MaintenanceStep> steps) => steps
        .Where(s => s.Action == MaintenanceAction.Begin && s.Outcome == StepOutcome.Done)
        .Select(s => s.Participant).Reverse()
        .Where(p => !Did(steps, p, MaintenanceAction.Compensate));

    private static bool Did(List<MaintenanceStep> steps, string participant, MaintenanceAction action) =>
        steps.Any(s => s.Participant == participant && s.Action == action && s.Outcome == StepOutcome.Done);

    private static int PendingIndex(MaintenanceSaga saga, List<MaintenanceStep> steps) =>
        saga.PendingParticipant is null ? -1 : steps.FindLastIndex(s => s.Participant == saga.PendingParticipant
            && s.Action == saga.PendingAction && s.Outcome == StepOutcome.Pending);

    private void Send(MaintenanceSaga saga, List<MaintenanceStep> steps, string participant, MaintenanceAction action,
        DateTimeOffset now, string? causation)
    {
        steps.Add(new MaintenanceStep(participant, action, StepOutcome.Pending, 1, now, null, null));
        saga.PendingParticipant = participant;
        saga.PendingAction = action;
        saga.DueAt = now + Options.StepTimeout;
        logger.LogInformation("Maintenance {MaintenanceId}: asking {Participant} to {Action}", saga.Id, participant,
            Name(action));
        Enqueue(saga, participant, action, now, causation);
    }

    // The command, through the outbox in the saga's transaction, to nop.commands. Each send has its own message id: a
    // participant answers a re-sent command again (its work is idempotent by maintenance id and action).
    private void Enqueue(MaintenanceSaga saga, string participant, MaintenanceAction action, DateTimeOffset now,
        string? causation)
    {
        var command = new MaintenanceStepCommand(saga.Id, saga.SensorId, saga.From, saga.To, saga.Reason, action);
        // Keyed by the saga: its commands leave in the order they were decided.
        db.Outbox.Add(OutboxMessage.Of(command, RoutingKeys.MaintenanceStep(participant), saga.Id.ToString(), now,
            saga.CorrelationId, causation, Exchanges.Commands));
    }

    private static void Store(MaintenanceSaga saga, List<MaintenanceStep> steps, DateTimeOffset now)
    {
        saga.Steps = JsonSerializer.Serialize(steps, MaintenanceJsonContext.Default.ListMaintenanceStep);
        saga.UpdatedAt = now;
        saga.Version++;
    }

    private IDisposable? Scope(MaintenanceSaga saga) => logger.BeginScope(new Dictionary<string, object>
    {
        ["CorrelationId"] = saga.CorrelationId,
        ["MaintenanceId"] = saga.Id,
        ["SensorId"] = saga.SensorId,
    });

    // Decides on a fresh unit of work and commits it; a write conflict (another instance advanced the saga, or
    // inserted the same id) runs decide again on what that one committed.
    private async Task<T> ChangeAsync<T>(Func<CancellationToken, Task<T>> decide, bool request,
        CancellationToken cancellationToken)
    {
        async Task<T> Attempt(CancellationToken ct)
        {
            db.ChangeTracker.Clear();
            var result = await decide(ct);
            await db.SaveChangesAsync(ct);
            return result;
        }
        var result = request
            ? await resilience.BrieflyAsync(Attempt, cancellationToken)
            : await resilience.UntilAvailableAsync(Attempt, cancellationToken);
        signal.Notify();
        return result;
    }

    private static string Name(MaintenanceAction action) => action.ToString().ToLowerInvariant();

    private static string Name(MaintenanceState state) => state.ToString().ToLowerInvariant();
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(List<MaintenanceStep>))]
internal sealed partial class MaintenanceJsonContext : JsonSerializerContext;
