using Nop.Contracts;
using Nop.Messaging;

namespace Nop.History.Levels;

// The levels stream: closed windows and the level rule's exceeded and cleared events go to the LevelWriter's batch;
// the spike-rate rule's events are not History's concern: only their offset goes with the batch.
public sealed class NoiseLevelsMeasuredHandler(LevelWriter writer) : IMessageHandler<NoiseLevelsMeasured>
{
    public Task HandleAsync(NoiseLevelsMeasured message, MessageContext context, CancellationToken cancellationToken)
    {
        // A message with a window that cannot be stored is refused whole, before any of it joins a batch (retried,
        // then dead-lettered with its offset): Processing never writes one, so it is a fault to look at, not to skip.
        LevelValidation.Check(message);
        return writer.AddAsync(message.Windows, context, cancellationToken);
    }
}

// A window of its own, as an older Processing published it (the stream keeps those for its retention).
public sealed class NoiseLevelMeasuredHandler(LevelWriter writer) : IMessageHandler<NoiseLevelMeasured>
{
    public Task HandleAsync(NoiseLevelMeasured message, MessageContext context, CancellationToken cancellationToken)
    {
        LevelValidation.Check(message);
        return writer.AddAsync([message], context, cancellationToken);
    }
}

public sealed class LevelExceededHandler(LevelWriter writer) : IMessageHandler<NoiseThresholdExceeded>
{
    public Task HandleAsync(NoiseThresholdExceeded message, MessageContext context,
        CancellationToken cancellationToken) =>
        LevelAlertEvent.Add(writer, message.Rule, message.SensorId, message.WindowStart, cleared: false, context,
            cancellationToken);
}

public sealed class LevelClearedHandler(LevelWriter writer) : IMessageHandler<NoiseThresholdCleared>
{
    public Task HandleAsync(NoiseThresholdCleared message, MessageContext context,
        CancellationToken cancellationToken) =>
        LevelAlertEvent.Add(writer, message.Rule, message.SensorId, message.WindowStart, cleared: true, context,
            cancellationToken);
}

// An event of the level rule: the window it was fired by, and whether it cleared the rule or exceeded the limit.
public readonly record struct LevelAlertEvent(string SensorId, DateTimeOffset WindowStart, bool Cleared)
{
    public static Task Add(LevelWriter writer, AlertRule rule, string sensorId, DateTimeOffset windowStart,
        bool cleared, MessageContext context, CancellationToken cancellationToken)
    {
        if (rule != AlertRule.Level)
        {
            return writer.SkipAsync(context, cancellationToken);
        }
        LevelValidation.CheckSensor(sensorId);
        return writer.AddAsync(new LevelAlertEvent(sensorId, windowStart, cleared), context, cancellationToken);
    }
}
