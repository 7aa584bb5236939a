namespace Nop.Processing.Aggregation;

/// <summary>An event the aggregator wants published (after the checkpoint that records it has committed).</summary>
public sealed record AggregatorOutput(
    string SensorId, string RoutingKey, string MessageId, string? CorrelationId, object Message);
