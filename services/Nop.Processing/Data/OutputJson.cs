using System.Text.Json;
using Nop.Contracts;

namespace Nop.Processing.Data;

// Serialises the aggregator's events for the outbox.
public static class OutputJson
{
    public static (string Type, string Body) Serialize(object message) => message switch
    {
        NoiseLevelsMeasured m => (NoiseLevelsMeasured.MessageType, Json(m)),
        NoiseThresholdExceeded m => (NoiseThresholdExceeded.MessageType, Json(m)),
        NoiseThresholdCleared m => (NoiseThresholdCleared.MessageType, Json(m)),
        SensorFaultDetected m => (SensorFaultDetected.MessageType, Json(m)),
        SensorFaultCleared m => (SensorFaultCleared.MessageType, Json(m)),
        _ => throw new ArgumentException($"{message.GetType().Name} is not an aggregator event.", nameof(message)),
    };

    private static string Json<T>(T message) where T : IMessage =>
        JsonSerializer.Serialize(message, MessageTypes.JsonInfo<T>());
}
