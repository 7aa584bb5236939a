using System.Diagnostics.Metrics;
using Nop.Contracts;
using Nop.ServiceDefaults;

namespace Nop.Processing.Aggregation;

// Processing's instruments (meter Nop.Processing, served on /metrics by the service defaults). The hot path is
// benchmarked: every figure is added once per checkpoint, never per reading. Counted when the checkpoint commits,
// so a batch applied again after a reload (another instance checkpointed in between) is not counted twice.
public sealed class ProcessingMetrics
{
    public const string MeterName = "Nop.Processing";

    // Powers of 4 from 1 KiB to 64 MiB: a delta of a few sensors is kilobytes, a snapshot of thousands megabytes.
    private static readonly long[] ByteBuckets = [1 << 10, 1 << 12, 1 << 14, 1 << 16, 1 << 18, 1 << 20, 1 << 22,
        1 << 24, 1 << 26];

    private readonly Counter<long> _windowsClosed;
    private readonly Counter<long> _late;
    private readonly Histogram<double> _checkpointDuration;
    private readonly Histogram<long> _checkpointSize;

    public ProcessingMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _windowsClosed = meter.CreateCounter<long>("nop.processing.windows.closed", "{window}",
            "Windows closed and published (each a NoiseLevelMeasured in its checkpoint's NoiseLevelsMeasured).");
        _late = meter.CreateCounter<long>("nop.processing.readings.late", "{reading}",
            "Readings whose window had already closed: counted in the next window's lateCount, never merged.");
        _checkpointDuration = meter.CreateHistogram("nop.processing.checkpoint.duration", "s",
            "Time to write one committed checkpoint (state, events and version guard in one transaction).",
            advice: Telemetry.SecondsAdvice);
        _checkpointSize = meter.CreateHistogram("nop.processing.checkpoint.size", "By",
            "State bytes one committed checkpoint wrote (its delta or snapshot blob).",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = ByteBuckets });
    }

    // One committed checkpoint: its duration, its blob, and the windows closed and late readings it covers.
    public void Checkpointed(TimeSpan duration, int bytes, bool snapshot, IReadOnlyList<AggregatorOutput> outputs,
        int late)
    {
        var kind = new KeyValuePair<string, object?>("kind", snapshot ? "snapshot" : "delta");
        _checkpointDuration.Record(duration.TotalSeconds, kind);
        _checkpointSize.Record(bytes, kind);
        var windows = 0;
        foreach (var output in outputs)
        {
            if (output.Message is NoiseLevelMeasured)
                windows++;
        }
        if (windows > 0)
            _windowsClosed.Add(windows);
        if (late > 0)
            _late.Add(late);
    }
}
