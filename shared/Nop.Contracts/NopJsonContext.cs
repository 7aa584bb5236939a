using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Nop.Contracts;

/// <summary>Source-generated System.Text.Json metadata for every message: camelCase, enums as strings.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    UseStringEnumConverter = true,
    NumberHandling = JsonNumberHandling.Strict,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(ReadingBatchReceived))]
[JsonSerializable(typeof(ReadingReceived))]
[JsonSerializable(typeof(NoiseSpikeDetected))]
[JsonSerializable(typeof(SensorFaultDetected))]
[JsonSerializable(typeof(SensorFaultCleared))]
[JsonSerializable(typeof(AlertingQueueMarker))]
[JsonSerializable(typeof(NoiseLevelMeasured))]
[JsonSerializable(typeof(NoiseLevelsMeasured))]
[JsonSerializable(typeof(NoiseThresholdExceeded))]
[JsonSerializable(typeof(NoiseThresholdCleared))]
[JsonSerializable(typeof(AlertRaised))]
[JsonSerializable(typeof(AlertEscalated))]
[JsonSerializable(typeof(AlertAcknowledged))]
[JsonSerializable(typeof(AlertResolved))]
[JsonSerializable(typeof(AcknowledgeAlert))]
[JsonSerializable(typeof(AcknowledgeAlertResult))]
[JsonSerializable(typeof(GetOpenAlerts))]
[JsonSerializable(typeof(GetAlert))]
[JsonSerializable(typeof(GetSensorAlerts))]
[JsonSerializable(typeof(AlertPage))]
[JsonSerializable(typeof(AlertDetails))]
[JsonSerializable(typeof(ProcessingInstanceHeartbeat))]
[JsonSerializable(typeof(GetLevels))]
[JsonSerializable(typeof(LevelSeries))]
[JsonSerializable(typeof(GetDayIndicators))]
[JsonSerializable(typeof(DayIndicatorTable))]
[JsonSerializable(typeof(GetIndicators))]
[JsonSerializable(typeof(IndicatorSeries))]
[JsonSerializable(typeof(DeliverNotification))]
[JsonSerializable(typeof(GetAlertNotifications))]
[JsonSerializable(typeof(AlertNotifications))]
[JsonSerializable(typeof(StartMaintenance))]
[JsonSerializable(typeof(EndMaintenance))]
[JsonSerializable(typeof(GetMaintenance))]
[JsonSerializable(typeof(GetSensorMaintenance))]
[JsonSerializable(typeof(MaintenanceReply))]
[JsonSerializable(typeof(MaintenanceList))]
[JsonSerializable(typeof(MaintenanceStepCommand))]
[JsonSerializable(typeof(MaintenanceStepCompleted))]
public sealed partial class NopJsonContext : JsonSerializerContext;

/// <summary>The registry of message type names, so a consumer can turn an AMQP <c>type</c> into a CLR type.</summary>
public static class MessageTypes
{
    private static readonly Dictionary<string, Type> ByName = new(StringComparer.Ordinal)
    {
        [ReadingBatchReceived.MessageType] = typeof(ReadingBatchReceived),
        [ReadingReceived.MessageType] = typeof(ReadingReceived),
        [NoiseSpikeDetected.MessageType] = typeof(NoiseSpikeDetected),
        [SensorFaultDetected.MessageType] = typeof(SensorFaultDetected),
        [SensorFaultCleared.MessageType] = typeof(SensorFaultCleared),
        [AlertingQueueMarker.MessageType] = typeof(AlertingQueueMarker),
        [NoiseLevelMeasured.MessageType] = typeof(NoiseLevelMeasured),
        [NoiseLevelsMeasured.MessageType] = typeof(NoiseLevelsMeasured),
        [NoiseThresholdExceeded.MessageType] = typeof(NoiseThresholdExceeded),
        [NoiseThresholdCleared.MessageType] = typeof(NoiseThresholdCleared),
        [AlertRaised.MessageType] = typeof(AlertRaised),
        [AlertEscalated.MessageType] = typeof(AlertEscalated),
        [AlertAcknowledged.MessageType] = typeof(AlertAcknowledged),
        [AlertResolved.MessageType] = typeof(AlertResolved),
        [AcknowledgeAlert.MessageType] = typeof(AcknowledgeAlert),
        [AcknowledgeAlertResult.MessageType] = typeof(AcknowledgeAlertResult),
        [GetOpenAlerts.MessageType] = typeof(GetOpenAlerts),
        [GetAlert.MessageType] = typeof(GetAlert),
        [GetSensorAlerts.MessageType] = typeof(GetSensorAlerts),
        [AlertPage.MessageType] = typeof(AlertPage),
        [AlertDetails.MessageType] = typeof(AlertDetails),
        [ProcessingInstanceHeartbeat.MessageType] = typeof(ProcessingInstanceHeartbeat),
        [GetLevels.MessageType] = typeof(GetLevels),
        [LevelSeries.MessageType] = typeof(LevelSeries),
        [GetDayIndicators.MessageType] = typeof(GetDayIndicators),
        [DayIndicatorTable.MessageType] = typeof(DayIndicatorTable),
        [GetIndicators.MessageType] = typeof(GetIndicators),
        [IndicatorSeries.MessageType] = typeof(IndicatorSeries),
        [DeliverNotification.MessageType] = typeof(DeliverNotification),
        [GetAlertNotifications.MessageType] = typeof(GetAlertNotifications),
        [AlertNotifications.MessageType] = typeof(AlertNotifications),
        [StartMaintenance.MessageType] = typeof(StartMaintenance),
        [EndMaintenance.MessageType] = typeof(EndMaintenance),
        [GetMaintenance.MessageType] = typeof(GetMaintenance),
        [GetSensorMaintenance.MessageType] = typeof(GetSensorMaintenance),
        [MaintenanceReply.MessageType] = typeof(MaintenanceReply),
        [MaintenanceList.MessageType] = typeof(MaintenanceList),
        [MaintenanceStepCommand.MessageType] = typeof(MaintenanceStepCommand),
        [MaintenanceStepCompleted.MessageType] = typeof(MaintenanceStepCompleted),
    };

    /// <summary>Every known type name.</summary>
    public static IReadOnlyCollection<string> Names => ByName.Keys;

    /// <summary>The CLR type of a type name, or null for a name this version does not know.</summary>
    public static Type? Find(string? name) => name is not null && ByName.TryGetValue(name, out var type) ? type : null;

    /// <summary>The source-generated JSON metadata of a message type.</summary>
    public static JsonTypeInfo<T> JsonInfo<T>() where T : IMessage =>
        Cached<T>.Info ??= (JsonTypeInfo<T>)(NopJsonContext.Default.GetTypeInfo(typeof(T))
            ?? throw new InvalidOperationException($"{typeof(T).Name} is not in NopJsonContext."));

    // Looked up once per type: the context's GetTypeInfo compares the type with each of its types in turn, and every
    // publish, outbox row and checkpoint event asks for it.
    private static class Cached<T> where T : IMessage
    {
        public static JsonTypeInfo<T>? Info;
    }
}
