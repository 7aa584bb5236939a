using System.Text.Json;
using Nop.Contracts;

namespace Nop.Processing.Data;

// Serialises the aggregator's events for the outbox, with the source-generated metadata of each type (taken directly:
// a look-up by type per event showed in the checkpoint's profile).
public static class OutputJson
{
    public static (string Type, string Body) Serialize(object message) => message switch
    {
        NoiseLevelMeasured m => (NoiseLevelMeasured.MessageType,
            JsonSerializer.Serialize(m, NopJsonContext.Default.NoiseLevelMeasured)),
        NoiseThresholdExceeded m => (NoiseThresholdExceeded.MessageType,
            JsonSerializer.Serialize(m, NopJsonContext.Default.NoiseThresholdExceeded)),
        NoiseThresholdCleared m => (NoiseThresholdCleared.MessageType,
            JsonSerializer.Serialize(m, NopJsonContext.Default.NoiseThresholdCleared)),
        SensorFaultDetected m => (SensorFaultDetected.MessageType,
            JsonSerializer.Serialize(m, NopJsonContext.Default.SensorFaultDetected)),
        SensorFaultCleared m => (SensorFaultCleared.MessageType,
            JsonSerializer.Serialize(m, NopJsonContext.Default.SensorFaultCleared)),
        _ => throw new ArgumentException($"{message.GetType().Name} is not an aggregator event.", nameof(message)),
    };
}
