namespace Nop.Processing.Aggregation;

// An event the aggregator wants published (after the checkpoint that records it has committed).
public sealed record AggregatorOutput(
    string SensorId, string RoutingKey, string MessageId, string? CorrelationId, object Message);
