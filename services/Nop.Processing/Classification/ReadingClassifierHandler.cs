using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.Messaging;

namespace Nop.Processing.Classification;

/// <summary>Level bands of a single reading.</summary>
public static class NoiseBands
{
    public static NoiseClass Classify(double level, BandOptions bands) =>
        level >= bands.Dangerous ? NoiseClass.Dangerous
        : level >= bands.VeryLoud ? NoiseClass.VeryLoud
        : level >= bands.Loud ? NoiseClass.Loud
        : level >= bands.Moderate ? NoiseClass.Moderate
        : NoiseClass.Quiet;

    /// <summary>Why a reading cannot come from a working sensor, or null when it can.</summary>
    public static string? Implausibility(ReadingReceived reading)
    {
        if (!IsLevel(reading.Laeq))
        {
            return $"LAeq {reading.Laeq} is not a level in [0, 194] dB";
        }
        if (reading.Lamax is { } lamax)
        {
            if (!IsLevel(lamax))
            {
                return $"LAmax {lamax} is not a level in [0, 194] dB";
            }
            // The maximum over an interval cannot be below its energy average (0.5 dB allows for rounding).
            if (lamax < reading.Laeq - 0.5)
            {
                return $"LAmax {lamax:0.0} is below LAeq {reading.Laeq:0.0}";
            }
        }
        if (reading.DurationSeconds is { } duration && (!double.IsFinite(duration) || duration <= 0))
        {
            return $"Duration {duration} s is not positive";
        }
        return null;
    }

    private static bool IsLevel(double level) => double.IsFinite(level) && level is >= 0 and <= 194;
}

/// <summary>
/// The stateless per-reading handler (competing consumers on <c>processing.classifier</c>): classifies the reading,
/// reports spikes and implausible values. Anything that needs memory of earlier readings (stuck sensors, spike
/// rates, offline sensors) is the aggregator's, which sees each sensor's readings in order, once.
/// Events carry ids derived from the reading id, so a redelivered reading produces recognisable duplicates.
/// </summary>
public sealed class ReadingClassifierHandler(
    MessagePublisher publisher,
    IOptions<ProcessingOptions> options,
    TimeProvider time,
    ILogger<ReadingClassifierHandler> logger) : IMessageHandler<ReadingReceived>
{
    public async Task HandleAsync(ReadingReceived reading, MessageContext context, CancellationToken cancellationToken)
    {
        var rules = options.Value.Rules;
        if (NoiseBands.Implausibility(reading) is { } problem)
        {
            var fault = new SensorFaultDetected(reading.SensorId, reading.Zone, SensorFault.Implausible,
                $"Reading {reading.ReadingId}: {problem}", time.GetUtcNow(), reading.MeasuredAt);
            var faultId = DeterministicId.For(SensorFaultDetected.MessageType, reading.SensorId, "implausible", reading.ReadingId);
            await publisher.PublishAsync(Exchanges.Noise, RoutingKeys.SensorFault(reading.SensorId), fault,
                context.CausedBy(faultId) with { Mandatory = false }, cancellationToken);
            logger.LogWarning("Implausible reading {ReadingId} of {SensorId}: {Problem}", reading.ReadingId, reading.SensorId, problem);
            return;
        }

        var level = Math.Max(reading.Laeq, reading.Lamax ?? reading.Laeq);
        var noiseClass = NoiseBands.Classify(level, rules.Bands);
        if (level >= rules.SpikeLevel)
        {
            var spike = new NoiseSpikeDetected(reading.SensorId, reading.Zone, reading.ReadingId, reading.MeasuredAt, level, rules.SpikeLevel, noiseClass);
            var spikeId = DeterministicId.For(NoiseSpikeDetected.MessageType, reading.SensorId, reading.ReadingId);
            await publisher.PublishAsync(Exchanges.Noise, RoutingKeys.Spike(reading.SensorId), spike,
                context.CausedBy(spikeId) with { Mandatory = false }, cancellationToken);
            logger.LogInformation("Spike of {Level:0.0} dB(A) ({Class}) from {SensorId}, reading {ReadingId}",
                level, noiseClass, reading.SensorId, reading.ReadingId);
            return;
        }
        logger.LogDebug("Reading {ReadingId} of {SensorId}: {Level:0.0} dB(A), {Class}", reading.ReadingId, reading.SensorId, level, noiseClass);
    }
}
