namespace Nop.Benchmarks;

/// <summary>How long each part runs: <c>--quick</c> fits in about 7 minutes, the full run in 15. 32 senders flat
/// out: enough requests in flight to keep an endpoint that waits for publisher confirms busy.</summary>
public sealed record BenchSettings(
    TimeSpan RawDuration,
    TimeSpan RawLatencyDuration,
    TimeSpan FlatOutDuration,
    TimeSpan PacedDuration,
    double[] PacedSteps,
    TimeSpan Warmup,
    int Senders,
    int Spikes,
    TimeSpan SpikeInterval,
    bool UseBenchmarkDotNet,
    TimeSpan AggregatorLoop)
{
    /// <summary>How long the live page's frames and bytes are measured, per build and number of sensors.</summary>
    public TimeSpan PageMeasure { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>History: minutes of 1,000 sensors written (in process, and again through the broker), and hourly
    /// queries timed (a fifth as many day tables).</summary>
    public int HistoryMinutes { get; init; } = 60;

    public int HistoryQueries { get; init; } = 200;

    /// <summary>Spikes posted before the measured ones, on sensors of their own, so that these meet the spike path
    /// compiled (see <see cref="PipelineBench"/>).</summary>
    public int SpikeWarmups { get; init; } = 100;

    /// <summary>How long the raw chain and the pipeline run flat out, unmeasured, before they are measured.</summary>
    public TimeSpan ServiceWarmup { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>The longest the warm-up runs while a process's JIT has not settled (see
    /// <see cref="Throughput.WarmUpAsync"/>).</summary>
    public TimeSpan ServiceWarmupLimit { get; init; } = TimeSpan.FromSeconds(180);

    public static BenchSettings Quick { get; } = new(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(3),
        TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), [1.0], TimeSpan.FromSeconds(3), 32, 200,
        TimeSpan.FromMilliseconds(200), UseBenchmarkDotNet: false, TimeSpan.FromSeconds(2))
    {
        PageMeasure = TimeSpan.FromSeconds(5),
        HistoryMinutes = 20,
        HistoryQueries = 100,
        ServiceWarmup = TimeSpan.FromSeconds(20),
        ServiceWarmupLimit = TimeSpan.FromSeconds(120),
    };

    public static BenchSettings Full { get; } = new(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(15),
        TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(30), [1.0, 1.25, 1.5], TimeSpan.FromSeconds(8), 32, 200,
        TimeSpan.FromMilliseconds(200), UseBenchmarkDotNet: true, TimeSpan.FromSeconds(5));
}
