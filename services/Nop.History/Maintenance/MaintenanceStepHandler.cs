using Nop.Contracts;
using Nop.History.Levels;
using Nop.Messaging;

namespace Nop.History.Maintenance;

// History's part of the maintenance saga (history.maintenance-steps): leaves the period out of the sensor's hours
// (so out of coverage and indicators), brings back what an end or a compensation returns, and answers after the
// commit, before the ack. A crash in between redelivers the command, which changes nothing the second time and is
// answered again, the same way.
public sealed class MaintenanceStepHandler(
    LevelWriter writer,
    MessagePublisher publisher,
    ILogger<MaintenanceStepHandler> logger) : IMessageHandler<MaintenanceStepCommand>
{
    public async Task HandleAsync(MaintenanceStepCommand command, MessageContext context,
        CancellationToken cancellationToken)
    {
        var refusal = Invalid(command) ?? await writer.ApplyMaintenanceAsync(command, cancellationToken);
        var answer = new MaintenanceStepCompleted(command.MaintenanceId, MaintenanceParticipants.History,
            command.Action, refusal is null, refusal);
        await publisher.PublishAsync(Exchanges.Commands, RoutingKeys.MaintenanceCompleted, answer, context.CausedBy(),
            cancellationToken);
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

    private static string? Invalid(MaintenanceStepCommand command) =>
        !Enum.IsDefined(command.Action) ? $"Unknown action {(int)command.Action}"
        : command.From >= command.To ? $"From {command.From:O} is not before To {command.To:O}"
        : string.IsNullOrWhiteSpace(command.SensorId) || command.SensorId.Length > 64 ? "Invalid sensor id"
        : null;
}
