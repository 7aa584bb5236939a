using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Nop.Testing;

namespace Nop.Benchmarks;

/// <summary>Every figure of one run; serialised to <c>artifacts/bench-results.json</c> with snake_case keys.</summary>
public sealed class BenchResults
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string Mode { get; set; } = "full";

    public MachineInfo Machine { get; } = MachineInfo.Current();

    /// <summary>Broker only, one message per reading: a publish to a topic exchange feeding two quorum
    /// queues.</summary>
    public double RawBrokerMsgsPerS { get; set; }

    /// <summary>Broker only, the same with messages of a packet's 60 readings: messages/s × 60.</summary>
    public double RawBrokerReadingsPerS { get; set; }

    /// <summary>The raw chain's sustained rate (<see cref="Benchmarks.RawChain"/>): the limit for the pipeline's
    /// hops: the mean of <see cref="RawChainRuns"/> (0 before one completed).</summary>
    public double RawChainReadingsPerS => RawChainRuns.Count == 0 ? 0 : Stats.Round(RawChainRuns.Average());

    /// <summary>Each run of the raw chain: in a whole run one before the pipeline and one after it, since the machine
    /// drifts tens of per cent within minutes and the ratio should not depend on which side caught a slow
    /// spell.</summary>
    public List<double> RawChainRuns { get; } = [];

    /// <summary>The pipeline's sustained rate: what both Processing consumers took at a steady pace with no backlog
    /// growth; the mean of <see cref="PipelineRuns"/> (0 before one completed).</summary>
    public double PipelineReadingsPerS => PipelineRuns.Count == 0 ? 0 : Stats.Round(PipelineRuns.Average());

    /// <summary>Each measurement of the pipeline: two, one after the other, so that a whole run measures raw chain,
    /// pipeline, pipeline, raw chain, and each side's mean falls at the same time (as in the messaging part).
    /// </summary>
    public List<double> PipelineRuns { get; } = [];

    /// <summary>Pipeline ÷ raw chain (what NOP's own work costs over the bare hops); NaN unless both ran.</summary>
    public double Ratio => RawChainReadingsPerS > 0 && PipelineReadingsPerS > 0
        ? Math.Round(PipelineReadingsPerS / RawChainReadingsPerS, 3)
        : double.NaN;

    /// <summary>CPU time each process of the pipeline spent per reading over the throughput phases (all
    /// drained).</summary>
    public Dictionary<string, double> CpuUsPerReading { get; } = new(StringComparer.Ordinal);

    public double AlertLatencyP50Ms { get; set; }

    public double AlertLatencyP99Ms { get; set; }

    /// <summary>The first spike alert after the services started (cold paths), apart from the percentiles.</summary>
    public double AlertLatencyFirstMs { get; set; }

    /// <summary>Seconds after the first alert until the processes' JIT had settled, when the others were posted.
    /// </summary>
    public double AlertJitSettleSeconds { get; set; }

    /// <summary>The p99 of the spikes that warmed the spike path up before the measured ones (tiered compilation of
    /// the path's methods), apart from the percentiles.</summary>
    public double AlertLatencyWarmupP99Ms { get; set; }

    /// <summary>Seconds after the warm-up spikes until the processes' JIT had settled again.</summary>
    public double AlertWarmupJitSettleSeconds { get; set; }

    /// <summary>The aggregator in process with its durable SQLite checkpoints, readings/s on one core (filled by
    /// <see cref="AggregatorBench"/>).</summary>
    public double AggregatorReadingsPerSPerCore { get; set; }

    /// <summary>Bytes the aggregator's checkpoints write per reading (filled by <see cref="AggregatorBench"/>; 0: not
    /// measured).</summary>
    public double CheckpointBytesPerReading { get; set; }

    public Dictionary<string, double> PeakMemoryMb { get; } = new(StringComparer.Ordinal);

    /// <summary>The broker-only run's publish-to-consume latency at half its rate, and flat out (mostly
    /// queueing).</summary>
    public double RawLatencyP50Ms { get; set; }

    public double RawLatencyP99Ms { get; set; }

    /// <summary>The bare broker's publish-to-consume p50 while the spikes were measured (see
    /// <see cref="BrokerProbe"/>).</summary>
    public double AlertBrokerProbeP50Ms { get; set; }

    /// <summary>The bare broker's publish-to-consume p99 while the spikes were measured: the baseline of the
    /// reading-to-alert p99 (target ≤ 5 ×) that met the same broker.</summary>
    public double AlertBrokerProbeP99Ms { get; set; }

    /// <summary>The raw chain's POST to classifier consumer, under the reading-to-alert phase's background load, a
    /// reading every spike interval as many as the spikes (filled by the raw chain's run after the pipeline).
    /// </summary>
    public double RawChainProbeP50Ms { get; set; }

    public double RawChainProbeP99Ms { get; set; }

    public double RawLatencySaturatedP50Ms { get; set; }

    public double RawLatencySaturatedP99Ms { get; set; }

    public long RawMessages { get; set; }

    public int RawMessageBytes { get; set; }

    public int RawBatchMessageBytes { get; set; }

    /// <summary>How the raw chain and the pipeline were measured, phase by phase.</summary>
    public ThroughputFigures? RawChainPhases { get; set; }

    public ThroughputFigures? PipelinePhases { get; set; }

    /// <summary>The raw chain's CPU per reading: the broker, and this process (endpoint, consumers and load
    /// generator).</summary>
    public Dictionary<string, double> RawChainCpuUsPerReading { get; } = new(StringComparer.Ordinal);

    public double AlertLoadReadingsPerS { get; set; }

    public int AlertsMeasured { get; set; }

    public int AlertsSent { get; set; }

    public double AggregatorReadingsPerSPerCoreNoCheckpoint { get; set; }

    /// <summary>The process's CPU time per reading with checkpointing, its collector's threads included, in µs (the
    /// stopwatch loop only; 1 µs is 1 M readings per CPU-second).</summary>
    public double AggregatorCpuUsPerReading { get; set; }

    public string AggregatorMethod { get; set; } = "";

    public double DurationSeconds { get; set; }

    /// <summary>Nop.Messaging with its defaults: fanout to two quorum queues, confirms, manual acks.</summary>
    public double MessagingMsgsPerS { get; set; }

    /// <summary>The same workload with a bare RabbitMQ.Client 7 program, same run, sending the same messages (NOP's
    /// envelope built by hand).</summary>
    public double MessagingRawMsgsPerS { get; set; }

    /// <summary>The bare program with plain messages (no correlation id, timestamp, user id or traceparent): what the
    /// envelope itself costs, against <see cref="MessagingRawMsgsPerS"/>.</summary>
    public double MessagingRawPlainMsgsPerS { get; set; }

    /// <summary>Nop.Messaging ÷ bare client (target ≥ 0.9).</summary>
    public double MessagingRatio { get; set; }

    /// <summary>Publish-to-handler p99 at 2,000 msgs/s through Nop.Messaging, paced at the same time as the bare
    /// client.</summary>
    public double MessagingPacedP99Ms { get; set; }

    /// <summary>Publish-to-consume p99 at 2,000 msgs/s with the bare client, paced at the same time as
    /// Nop.Messaging.</summary>
    public double MessagingRawPacedP99Ms { get; set; }

    /// <summary>Nop.Messaging's paced p99 in phases of its own (the mean of four).</summary>
    public double MessagingPacedAloneP99Ms { get; set; }

    /// <summary>The bare client's paced p99 in phases of its own (the mean of four).</summary>
    public double MessagingRawPacedAloneP99Ms { get; set; }

    /// <summary>The live page in Chromium per build and number of sensors (<see cref="PageBench"/>).</summary>
    public List<PageFigures> Page { get; } = [];

    /// <summary>History's level events written per second in process (<see cref="HistoryBench"/>; 0: not
    /// measured).</summary>
    public double HistoryWritesPerS { get; set; }

    /// <summary>History's level events written per second through the broker (the service draining its
    /// queue).</summary>
    public double HistoryBrokerWritesPerS { get; set; }

    public double HistoryHourlyQueryP50Ms { get; set; }

    public double HistoryHourlyQueryP99Ms { get; set; }

    public double HistoryDayTableP50Ms { get; set; }

    public double HistoryDayTableP99Ms { get; set; }

    /// <summary>SQLite bytes (rows and indexes) per sensor-day: 1,440 minute rows, 24 hour rows.</summary>
    public double HistoryMinuteBytesPerSensorDay { get; set; }

    public double HistoryHourBytesPerSensorDay { get; set; }

    /// <summary>Parts that failed twice (their figures stay 0).</summary>
    public List<string> Errors { get; } = [];

    /// <summary>Writes artifacts/bench-results.json, or bench-results-&lt;part&gt;.json for a partial run.</summary>
    public string Write(string? part = null)
    {
        var path = Path.Combine(Repository.Root, "artifacts",
            part is null ? "bench-results.json" : $"bench-results-{part}.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, JsonSerializer.Serialize(this, Json));
        return path;
    }

    public string Table()
    {
        var rows = new List<(string Name, string Value)>
        {
            ("machine", $"{Machine.Cores} cores, {Machine.Os}, .NET {Machine.Dotnet}, {Machine.Date} ({Mode})"),
            ("raw broker, a message per reading", $"{N(RawBrokerMsgsPerS)} msgs/s ({RawMessageBytes} B messages)"),
            ("raw broker, 60 readings per message",
                $"{N(RawBrokerReadingsPerS)} readings/s ({RawBatchMessageBytes} B messages)"),
            ("raw publish-to-consume at half rate", $"p50 {N(RawLatencyP50Ms, 1)} ms, p99 {N(RawLatencyP99Ms, 1)} ms " +
                $"(flat out: p50 {N(RawLatencySaturatedP50Ms, 1)}, p99 {N(RawLatencySaturatedP99Ms, 1)})"),
        };
        rows.Add(("Nop.Messaging ÷ bare client (fanout, 2 quorum queues)",
            $"{N(MessagingMsgsPerS)} ÷ {N(MessagingRawMsgsPerS)} msgs/s = {N(MessagingRatio, 3)} (target ≥ 0.9); " +
            $"paced 2,000/s p99 {N(MessagingPacedP99Ms, 1)} vs {N(MessagingRawPacedP99Ms, 1)} ms, both at once " +
            $"(target ≤ 1.5 ×; each alone {N(MessagingPacedAloneP99Ms, 1)} vs {N(MessagingRawPacedAloneP99Ms, 1)} " +
            $"ms); the bare client with plain messages {N(MessagingRawPlainMsgsPerS)} msgs/s"));
        AddChain(rows, "raw chain", RawChainPhases);
        rows.Add(("raw chain sustained", $"{N(RawChainReadingsPerS)} readings/s" + (RawChainRuns.Count > 1
            ? $" (the mean of {string.Join(" before and ", RawChainRuns.Select(r => N(r)))} after the pipeline)"
            : "")));
        AddChain(rows, "pipeline", PipelinePhases);
        var pipelineRuns = PipelineRuns.Count > 1
            ? $"the mean of {string.Join(" and ", PipelineRuns.Select(r => N(r)))}; "
            : "";
        rows.Add(("pipeline sustained", $"{N(PipelineReadingsPerS)} readings/s ({pipelineRuns}target ≥ 50,000)"));
        rows.Add(("ratio pipeline ÷ raw chain", $"{N(Ratio, 3)} (target ≥ 0.7)"));
        rows.Add(("reading-to-alert (SignalR)", $"p50 {N(AlertLatencyP50Ms, 1)} ms, p99 {N(AlertLatencyP99Ms, 1)} ms " +
            $"({AlertsMeasured}/{AlertsSent} alerts at {N(AlertLoadReadingsPerS)} readings/s; the first after " +
            $"start-up {N(AlertLatencyFirstMs, 0)} ms; the warm-up spikes' p99 {N(AlertLatencyWarmupP99Ms, 0)} ms)"));
        rows.Add(("raw publish-to-consume beside the spikes", AlertBrokerProbeP99Ms == 0 ? "not measured" :
            $"p50 {N(AlertBrokerProbeP50Ms, 1)} ms, p99 {N(AlertBrokerProbeP99Ms, 1)} ms (reading-to-alert p99 ÷ " +
            $"this p99: {N(AlertLatencyP99Ms / AlertBrokerProbeP99Ms, 2)}; target ≤ 5)"));
        rows.Add(("raw chain POST to consumer at that load", RawChainProbeP99Ms == 0 ? "not measured" :
            $"p50 {N(RawChainProbeP50Ms, 1)} ms, p99 {N(RawChainProbeP99Ms, 1)} ms " +
            $"(reading-to-alert p99 ÷ this p99: " +
            $"{N(AlertLatencyP99Ms / RawChainProbeP99Ms, 2)}; ÷ the raw broker's: " +
            $"{N(AlertLatencyP99Ms / RawLatencyP99Ms, 2)}; target ≤ 5)"));
        rows.Add(("aggregator in process, per core", AggregatorMethod.Length == 0 ? "not measured" :
            $"{N(AggregatorReadingsPerSPerCore)} readings/s checkpointing, " +
            $"{N(AggregatorReadingsPerSPerCoreNoCheckpoint)} without ({AggregatorMethod})" +
            (AggregatorCpuUsPerReading > 0 ? $"; CPU {AggregatorCpuUsPerReading:0.000} µs per reading" : "")));
        rows.Add(("checkpoint bytes per reading",
            CheckpointBytesPerReading > 0 ? N(CheckpointBytesPerReading, 1) : "not measured"));
        if (HistoryWritesPerS > 0)
        {
            rows.Add(("History writes (level events/s)", $"in process {N(HistoryWritesPerS)}, through the broker " +
                $"{N(HistoryBrokerWritesPerS)} (target ≥ 10,000)"));
            rows.Add(("History 30-day hourly query, 1,000 sensors stored",
                $"p50 {N(HistoryHourlyQueryP50Ms, 1)} ms, p99 {N(HistoryHourlyQueryP99Ms, 1)} ms (target p99 ≤ 50)"));
            rows.Add(("History day table, 1,000 sensors", $"p50 {N(HistoryDayTableP50Ms, 1)} ms, " +
                $"p99 {N(HistoryDayTableP99Ms, 1)} ms (target ≤ 200)"));
            rows.Add(("History bytes per sensor-day", $"minutes {N(HistoryMinuteBytesPerSensorDay)} B, " +
                $"hours {N(HistoryHourBytesPerSensorDay)} B"));
        }
        rows.AddRange(RawChainCpuUsPerReading.Select(c => ($"raw chain CPU per reading {c.Key}",
            $"{N(c.Value, 1)} µs")));
        rows.AddRange(CpuUsPerReading.Select(c => ($"pipeline CPU per reading {c.Key}", $"{N(c.Value, 1)} µs")));
        rows.AddRange(PeakMemoryMb.Select(m => ($"peak memory {m.Key}", $"{N(m.Value)} MB")));
        rows.AddRange(Page.Select(p => ($"page, {p.Build}, {p.Sensors} sensors",
            $"frames p50 {N(p.FrameP50Ms, 1)} ms, p95 {N(p.FrameP95Ms, 1)} ms, max {N(p.FrameMaxMs, 0)} ms " +
            $"({p.Frames} frames); {N(p.KilobytesPerS, 1)} KB/s received")));
        rows.AddRange(Errors.Select(e => ("FAILED", e)));
        var width = rows.Max(r => r.Name.Length);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| {"measure".PadRight(width)} | result |");
        text.AppendLine(CultureInfo.InvariantCulture, $"|{new string('-', width + 2)}|--------|");
        foreach (var (name, value) in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {name.PadRight(width)} | {value} |");
        }
        return text.ToString();
    }

    private static void AddChain(List<(string Name, string Value)> rows, string name, ThroughputFigures? chain)
    {
        if (chain is null)
        {
            return;
        }
        rows.Add(($"{name} flat out: accepted / classifier / aggregator", $"{N(chain.FlatOutAcceptedReadingsPerS)} / " +
            $"{N(chain.FlatOutClassifierReadingsPerS)} / {N(chain.FlatOutAggregatorReadingsPerS)} readings/s " +
            $"({N(chain.ReadingsPerMessage)} per message)"));
        rows.Add(($"{name} flat out: accepted ÷ time to drain", $"{N(chain.DrainedReadingsPerS)} readings/s"));
        rows.Add(($"{name} paced: backlog growth", $"classifier {N(chain.PacedClassifierBacklogGrowthPerS)}/s, " +
            $"aggregator {N(chain.PacedAggregatorBacklogGrowthPerS)}/s " +
            $"(offered {N(chain.PacedOfferedReadingsPerS)}/s)"));
    }

    private static string N(double value, int digits = 0) =>
        double.IsFinite(value) ? value.ToString(digits == 0 ? "N0" : "N"
            + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : "n/a";
}

public sealed record MachineInfo(int Cores, string Os, string Dotnet, string Cpu, string Date)
{
    public static MachineInfo Current() => new(
        Environment.ProcessorCount,
        RuntimeInformation.OSDescription,
        Environment.Version.ToString(),
        CpuModel(),
        DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture));

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l =>
                l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
