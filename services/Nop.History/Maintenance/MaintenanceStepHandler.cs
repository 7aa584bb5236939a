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
        var refusal = MaintenanceSteps.Invalid(command)
            ?? await writer.ApplyMaintenanceAsync(command, cancellationToken);
        await MaintenanceSteps.AnswerAsync(publisher, MaintenanceParticipants.History, command, refusal, context,
            logger, cancellationToken);
    }
}
