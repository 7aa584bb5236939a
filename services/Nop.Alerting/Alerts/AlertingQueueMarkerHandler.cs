using Nop.Contracts;
using Nop.Messaging;

namespace Nop.Alerting.Alerts;

// A marker the sweeper queued behind the noise events has come through: they are all handled.
public sealed class AlertingQueueMarkerHandler(QueueMarkerClock clock) : IMessageHandler<AlertingQueueMarker>
{
    public Task HandleAsync(AlertingQueueMarker message, MessageContext context, CancellationToken cancellationToken)
    {
        clock.Consumed(message.SentAt);
        return Task.CompletedTask;
    }
}
