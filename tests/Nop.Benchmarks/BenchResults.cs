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

    public double RawBrokerMsgsPerS { get; set; }

    public double RawLatencyP50Ms { get; set; }

    public double RawLatencyP99Ms { get; set; }

    /// <summary>Publish-to-consume latency while publishing flat out (mostly time spent queued).</summary>
    public double RawLatencySaturatedP50Ms { get; set; }

    public double RawLatencySaturatedP99Ms { get; set; }

    public long RawMessages { get; set; }

    public int RawMessageBytes { get; set; }

    /// <summary>Readings/s Ingest accepted (202) while the senders ran flat out.</summary>
    public double IngestAcceptedReadingsPerS { get; set; }

    /// <summary>Readings/s each consumer took off its queues in the same interval.</summary>
    public double ClassifierReadingsPerS { get; set; }

    public double AggregatorReadingsPerS { get; set; }

    /// <summary>All readings accepted flat out ÷ the time from the first post until both consumers had drained them.</summary>
    public double PipelineDrainedReadingsPerS { get; set; }

    /// <summary>Readings/s offered at a steady pace (the drained rate) in the second phase.</summary>
    public double PacedOfferedReadingsPerS { get; set; }

    /// <summary>How fast the backlog (classifier, aggregator partitions) grew at that pace, readings/s.</summary>
    public double PacedClassifierBacklogGrowthPerS { get; set; }

    public double PacedAggregatorBacklogGrowthPerS { get; set; }

    /// <summary>The pipeline's sustained rate: what both consumers took at the steady pace (the offer minus backlog growth).</summary>
    public double PipelineReadingsPerS { get; set; }

    public long PipelineReadings { get; set; }

    public long PipelineRetries { get; set; }

    public double Ratio { get; set; }

    public double AlertLoadReadingsPerS { get; set; }

    public double AlertLatencyP50Ms { get; set; }

    public double AlertLatencyP99Ms { get; set; }

    public int AlertsMeasured { get; set; }

    public int AlertsSent { get; set; }

    /// <summary>With checkpointing (SQLite) on, as the service runs.</summary>
    public double AggregatorReadingsPerSPerCore { get; set; }

    public double AggregatorReadingsPerSPerCoreNoCheckpoint { get; set; }

    public string AggregatorMethod { get; set; } = "";

    public Dictionary<string, double> PeakMemoryMb { get; } = new(StringComparer.Ordinal);

    /// <summary>CPU time each process spent per reading over the throughput phases (all readings drained): the profile
    /// that says where the pipeline's cost is.</summary>
    public Dictionary<string, double> CpuUsPerReading { get; } = new(StringComparer.Ordinal);

    public double DurationSeconds { get; set; }

    /// <summary>Parts that failed twice (their figures stay 0).</summary>
    public List<string> Errors { get; } = [];

    /// <summary>Writes artifacts/bench-results.json, or bench-results-&lt;part&gt;.json for a partial run.</summary>
    public string Write(string? part = null)
    {
        var path = Path.Combine(Repository.Root, "artifacts", part is null ? "bench-results.json" : $"bench-results-{part}.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, JsonSerializer.Serialize(this, Json));
        return path;
    }

    public string Table()
    {
        var rows = new List<(string Name, string Value)>
        {
            ("machine", $"{Machine.Cores} cores, {Machine.Os}, .NET {Machine.Dotnet}, {Machine.Date} ({Mode})"),
            ("raw broker (1 publish → 2 quorum queues)", $"{N(RawBrokerMsgsPerS)} msgs/s ({RawMessageBytes} B messages)"),
            ("raw publish-to-consume at half rate", $"p50 {N(RawLatencyP50Ms, 1)} ms, p99 {N(RawLatencyP99Ms, 1)} ms (flat out: p50 {N(RawLatencySaturatedP50Ms, 1)}, p99 {N(RawLatencySaturatedP99Ms, 1)})"),
            ("flat out: ingest accepted / classifier / aggregator", $"{N(IngestAcceptedReadingsPerS)} / {N(ClassifierReadingsPerS)} / {N(AggregatorReadingsPerS)} readings/s"),
            ("flat out: accepted ÷ time to drain", $"{N(PipelineDrainedReadingsPerS)} readings/s"),
            ("paced at that rate: backlog growth", $"classifier {N(PacedClassifierBacklogGrowthPerS)}/s, aggregator {N(PacedAggregatorBacklogGrowthPerS)}/s (offered {N(PacedOfferedReadingsPerS)}/s)"),
            ("pipeline sustained", $"{N(PipelineReadingsPerS)} readings/s"),
            ("ratio pipeline ÷ raw broker", N(Ratio, 3)),
            ("reading-to-alert (SignalR)", $"p50 {N(AlertLatencyP50Ms, 1)} ms, p99 {N(AlertLatencyP99Ms, 1)} ms ({AlertsMeasured}/{AlertsSent} alerts at {N(AlertLoadReadingsPerS)} readings/s)"),
            ("aggregator in process, per core", $"{N(AggregatorReadingsPerSPerCore)} readings/s checkpointing, {N(AggregatorReadingsPerSPerCoreNoCheckpoint)} without ({AggregatorMethod})"),
        };
        rows.AddRange(CpuUsPerReading.Select(c => ($"CPU per reading {c.Key}", $"{N(c.Value)} µs")));
        rows.AddRange(PeakMemoryMb.Select(m => ($"peak memory {m.Key}", $"{N(m.Value)} MB")));
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

    private static string N(double value, int digits = 0) =>
        double.IsFinite(value) ? value.ToString(digits == 0 ? "N0" : "N" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : "n/a";
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
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
