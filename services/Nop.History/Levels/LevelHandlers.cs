using Nop.Contracts;
using Nop.Messaging;

namespace Nop.History.Levels;

// The levels queue: closed windows and level-alert episodes go to the LevelWriter's batch; the queue's other
// messages (threshold cleared, spike-rate alerts) are not History's concern and are acked as they come.
public sealed class NoiseLevelMeasuredHandler(LevelWriter writer) : IMessageHandler<NoiseLevelMeasured>
{
    public Task HandleAsync(NoiseLevelMeasured message, MessageContext context, CancellationToken cancellationToken)
    {
        // A window that cannot be stored is refused here, before it joins a batch (retried, then dead-lettered).
        LevelValidation.Check(message);
        return writer.AddAsync(message, context, cancellationToken);
    }
}

public sealed class LevelEpisodeHandler(LevelWriter writer) : IMessageHandler<NoiseThresholdExceeded>
{
    public Task HandleAsync(NoiseThresholdExceeded message, MessageContext context,
        CancellationToken cancellationToken)
    {
        if (message.Rule != AlertRule.Level)
        {
            return Task.CompletedTask;
        }
        LevelValidation.CheckSensor(message.SensorId);
        return writer.AddAsync(message, context, cancellationToken);
    }
}

public sealed class ThresholdClearedHandler : IMessageHandler<NoiseThresholdCleared>
{
    public Task HandleAsync(NoiseThresholdCleared message, MessageContext context,
        CancellationToken cancellationToken) => Task.CompletedTask;
}
