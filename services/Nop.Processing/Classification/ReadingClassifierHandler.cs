using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.Messaging;

namespace Nop.Processing.Classification;

/// <summary>
/// The stateless per-reading handler (competing consumers on <c>processing.classifier</c>): classifies each reading of
/// a batch, reports spikes and implausible values. Anything that needs memory of earlier readings (stuck sensors,
/// spike rates, offline sensors) is the aggregator's, which sees each sensor's readings in order, once.
/// Events carry ids derived from the reading id, so a redelivered batch produces recognisable duplicates.
/// </summary>
public sealed class ReadingClassifierHandler(
    MessagePublisher publisher,
    IOptions<ProcessingOptions> options,
    TimeProvider time,
    ILogger<ReadingClassifierHandler> logger) : IMessageHandler<ReadingBatchReceived>, IMessageHandler<ReadingReceived>
{
    public async Task HandleAsync(ReadingBatchReceived batch, MessageContext context, CancellationToken cancellationToken)
    {
        foreach (var reading in batch.Readings)
        {
            await ClassifyAsync(batch, reading, context, cancellationToken);
        }
    }

    /// <summary>A single reading of the previous Ingest (for one release).</summary>
    public Task HandleAsync(ReadingReceived reading, MessageContext context, CancellationToken cancellationToken) =>
        HandleAsync(ReadingBatchReceived.From(reading), context, cancellationToken);

    private async Task ClassifyAsync(ReadingBatchReceived batch, SensorReading reading, MessageContext context,
        CancellationToken cancellationToken)
    {
        var rules = options.Value.Rules;
        var sensorId = batch.SensorId;
        if (NoiseBands.Implausibility(reading) is { } problem)
        {
            var fault = new SensorFaultDetected(sensorId, batch.Zone, SensorFault.Implausible,
                $"Reading {reading.ReadingId}: {problem}", time.GetUtcNow(), reading.MeasuredAt);
            var faultId = DeterministicId.For(SensorFaultDetected.MessageType, sensorId, "implausible", reading.ReadingId);
            await publisher.PublishAsync(Exchanges.Noise, RoutingKeys.SensorFault(sensorId), fault,
                context.CausedBy(faultId) with { Mandatory = false }, cancellationToken);
            logger.LogWarning("Implausible reading {ReadingId} of {SensorId}: {Problem}", reading.ReadingId, sensorId, problem);
            return;
        }

        var level = Math.Max(reading.Laeq, reading.Lamax ?? reading.Laeq);
        var noiseClass = NoiseBands.Classify(level, rules.Bands);
        if (level >= rules.SpikeLevel)
        {
            var spike = new NoiseSpikeDetected(sensorId, batch.Zone, reading.ReadingId, reading.MeasuredAt, level, rules.SpikeLevel,
                noiseClass);
            var spikeId = DeterministicId.For(NoiseSpikeDetected.MessageType, sensorId, reading.ReadingId);
            await publisher.PublishAsync(Exchanges.Noise, RoutingKeys.Spike(sensorId), spike,
                context.CausedBy(spikeId) with { Mandatory = false }, cancellationToken);
            logger.LogInformation("Spike of {Level:0.0} dB(A) ({Class}) from {SensorId}, reading {ReadingId}",
                level, noiseClass, sensorId, reading.ReadingId);
        }
    }
}
