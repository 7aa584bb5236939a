using Microsoft.Extensions.Logging;
using Nop.Contracts;

namespace Nop.Messaging;

/// <summary>
/// The participants' side of the maintenance saga (docs/architecture.md §14), the same in Processing, Alerting and
/// History: what makes a <see cref="MaintenanceStepCommand"/> invalid or refused before any state is touched, and the
/// <see cref="MaintenanceStepCompleted"/> that answers it.
/// </summary>
public static class MaintenanceSteps
{
    /// <summary>Why <paramref name="command"/> is invalid whatever the participant's state, or null.</summary>
    public static string? Invalid(MaintenanceStepCommand command) =>
        !Enum.IsDefined(command.Action) ? $"Unknown action {(int)command.Action}"
        : command.From >= command.To ? $"From {command.From:O} is not before To {command.To:O}"
        : string.IsNullOrWhiteSpace(command.SensorId) || command.SensorId.Length > 64 ? "Invalid sensor id"
        : null;

    /// <summary>Why <paramref name="command"/> is refused when its maintenance was <paramref name="compensated"/>
    /// here, or null: a begin or end after a compensation would re-apply what was undone.</summary>
    public static string? Refusal(MaintenanceStepCommand command, bool compensated) =>
        compensated && command.Action != MaintenanceAction.Compensate
            ? $"Maintenance {command.MaintenanceId} was compensated: a late "
                + $"{command.Action.ToString().ToLowerInvariant()} is not applied"
            : null;

    /// <summary>The answer of <paramref name="participant"/>: done when <paramref name="refusal"/> is null.</summary>
    public static MaintenanceStepCompleted Answer(string participant, MaintenanceStepCommand command,
        string? refusal) =>
        new(command.MaintenanceId, participant, command.Action, refusal is null, refusal);

    /// <summary>
    /// Publishes the answer with confirms, caused by the command (so it carries the saga's correlation id), and logs
    /// the outcome. Called after the participant's commit and before the ack: a crash in between redelivers the
    /// command, which changes nothing the second time and is answered again.
    /// </summary>
    public static async Task AnswerAsync(MessagePublisher publisher, string participant,
        MaintenanceStepCommand command, string? refusal, MessageContext context, ILogger logger,
        CancellationToken cancellationToken)
    {
        await publisher.PublishAsync(Exchanges.Commands, RoutingKeys.MaintenanceCompleted,
            Answer(participant, command, refusal), context.CausedBy(), cancellationToken);
        if (refusal is null)
        {
            logger.LogInformation("Maintenance {MaintenanceId} of {SensorId}: {Action} done over [{From:O}, {To:O})",
                command.MaintenanceId, command.SensorId, command.Action, command.From, command.To);
        }
        else
        {
            logger.LogWarning("Maintenance {MaintenanceId} of {SensorId}: {Action} refused: {Reason}",
                command.MaintenanceId, command.SensorId, command.Action, refusal);
        }
    }
}
