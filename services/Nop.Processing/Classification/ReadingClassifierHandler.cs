using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.Messaging;
using Nop.Processing.Maintenance;

namespace Nop.Processing.Classification;

// The stateless per-reading handler (competing consumers on processing.classifier): classifies each reading of
// a batch, reports spikes and implausible values. Anything that needs memory of earlier readings (stuck sensors,
// spike rates, offline sensors) is the aggregator's, which sees each sensor's readings in order, once.
// Events carry ids derived from the reading id, so a redelivered batch produces recognisable duplicates.
// A full downstream queue is waited out with the input delivery held unacked (back-pressure), not failed into retries.
public sealed class ReadingClassifierHandler(
    MessagePublisher publisher,
    IOptions<ProcessingOptions> options,
    TimeProvider time,
    MaintenanceCalendar maintenance,
    ILogger<ReadingClassifierHandler> logger) : IMessageHandler<ReadingBatchReceived>, IMessageHandler<ReadingReceived>
{
    public async Task HandleAsync(ReadingBatchReceived batch, MessageContext context,
        CancellationToken cancellationToken)
    {
        foreach (var reading in batch.Readings)
        {
            await ClassifyAsync(batch, reading, context, cancellationToken);
        }
    }

    // A single reading of the previous Ingest (for one release).
    public Task HandleAsync(ReadingReceived reading, MessageContext context, CancellationToken cancellationToken) =>
        HandleAsync(ReadingBatchReceived.From(reading), context, cancellationToken);

    private async Task ClassifyAsync(ReadingBatchReceived batch, SensorReading reading, MessageContext context,
        CancellationToken cancellationToken)
    {
        var rules = options.Value.Rules;
        var sensorId = batch.SensorId;
        if (NoiseBands.Implausibility(reading) is { } problem)
        {
            if (maintenance.Covers(sensorId, reading.MeasuredAt))
            {
                // A sensor being serviced or calibrated may report anything: no fault for it.
                return;
            }
            var fault = new SensorFaultDetected(sensorId, batch.Zone, SensorFault.Implausible,
                $"Reading {reading.ReadingId}: {problem}", time.GetUtcNow(), reading.MeasuredAt);
            var faultId = DeterministicId.For(SensorFaultDetected.MessageType, sensorId, "implausible",
                reading.ReadingId);
            await PublishAsync(RoutingKeys.SensorFault(sensorId), fault,
                context.CausedBy(faultId) with { Mandatory = false }, cancellationToken);
            logger.LogWarning("Implausible reading {ReadingId} of {SensorId}: {Problem}", reading.ReadingId, sensorId,
                problem);
            return;
        }

        var level = Math.Max(reading.Laeq, reading.Lamax ?? reading.Laeq);
        var noiseClass = NoiseBands.Classify(level, rules.Bands);
        if (level >= rules.SpikeLevel)
        {
            var spike = new NoiseSpikeDetected(sensorId, batch.Zone, reading.ReadingId, reading.MeasuredAt, level,
                rules.SpikeLevel, noiseClass);
            var spikeId = DeterministicId.For(NoiseSpikeDetected.MessageType, sensorId, reading.ReadingId);
            await PublishAsync(RoutingKeys.Spike(sensorId), spike, context.CausedBy(spikeId) with { Mandatory = false },
                cancellationToken);
            logger.LogInformation("Spike of {Level:0.0} dB(A) ({Class}) from {SensorId}, reading {ReadingId}",
                level, noiseClass, sensorId, reading.ReadingId);
        }
    }

    // Publishes to nop.noise, retrying with back-off for as long as the broker refuses the message (a nack: a bound
    // queue such as alerting.noise is at its length limit and rejects publishes). Failing instead would send the
    // reading through its retries into .dead after about 31 s of a full queue, and its events would then wait
    // for a manual replay; holding the delivery keeps the classifier at its prefetch, which in turn fills
    // processing.classifier and makes Ingest answer 503: the pressure reaches the sensors, nothing is parked.
    // Only shutdown ends the wait (the delivery is then redelivered). Other failures still go the retry way.
    private async Task PublishAsync<T>(string routingKey, T message, PublishOptions options,
        CancellationToken cancellationToken)
        where T : IMessage
    {
        var delay = FirstBackoff;
        for (var refused = 0; ; refused++)
        {
            try
            {
                await publisher.PublishAsync(Exchanges.Noise, routingKey, message, options, cancellationToken);
                if (refused > 0)
                {
                    logger.LogInformation("{MessageType} {MessageId} taken after {Refused} refusal(s)", T.MessageType,
                        options.MessageId, refused);
                }
                return;
            }
            catch (MessagePublishException ex) when (ex.Failure == PublishFailure.Nacked)
            {
                if (refused == 0)
                {
                    logger.LogWarning(
                        "The broker refused {MessageType} {MessageId} (a full queue downstream); waiting it out",
                        T.MessageType, options.MessageId);
                }
                await Task.Delay(delay, time, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(50);

    // Short enough that the queue's first free places are taken soon after it falls back below 80 % of its limit.
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(2);
}
