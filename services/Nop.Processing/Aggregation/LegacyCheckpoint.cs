namespace Nop.Processing.Aggregation;

/// <summary>STUB on branch storage, replaced by the engine branch's converter at merge.</summary>
public static class LegacyCheckpoint
{
    public static SensorAggregate Convert(SensorState legacy, ProcessingOptions options) => throw new NotImplementedException();
}
