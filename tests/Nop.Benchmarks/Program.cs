using Nop.Benchmarks;
using Nop.Testing;

// ./nop bench [--quick]: one run of every measurement on this machine, one table, artifacts/bench-results.json.
// --only raw|messaging|chain|pipeline|aggregator|page|history runs one part (for before/after comparisons) and writes
// bench-results-<part>.json. --baseline DIR: the page part measures that built tree too (./nop bench makes it).
var quick = args.Contains("--quick");
var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();
var baseline = args.SkipWhile(a => a != "--baseline").Skip(1).FirstOrDefault();
bool Runs(string part) => only is null || only == part;
var settings = quick ? BenchSettings.Quick : BenchSettings.Full;
// NOP_BENCH_WARMUP_SECONDS sets the least time the raw chain and the pipeline warm up unmeasured (see Throughput).
if (double.TryParse(Environment.GetEnvironmentVariable("NOP_BENCH_WARMUP_SECONDS"),
    System.Globalization.CultureInfo.InvariantCulture, out var warmupSeconds))
{
    settings = settings with { ServiceWarmup = TimeSpan.FromSeconds(warmupSeconds) };
}
var results = new BenchResults { Mode = quick ? "quick" : "full" };
var started = DateTimeOffset.UtcNow;

Console.WriteLine($"NOP benchmark ({results.Mode}) on {results.Machine.Cores} cores, {results.Machine.Os}, " +
    $".NET {results.Machine.Dotnet}");

if (Runs("raw"))
{
    Console.WriteLine("[1/5] raw broker: a message per reading, then 60 readings per message ...");
    await Phases.RunAsync("raw broker", results, () => RawBroker.RunAsync(settings, results));
}
if (Runs("messaging"))
{
    Console.WriteLine("[1b/5] Nop.Messaging with its defaults vs the bare client, same workload ...");
    await Phases.RunAsync("messaging", results, () => MessagingBench.RunAsync(settings, results));
}
if (Runs("chain"))
{
    Console.WriteLine("[2/5] raw chain (bare endpoint → broker → bare consumers, in this process) ...");
    await Phases.RunAsync("raw chain", results, () => RawChain.RunAsync(settings, results));
}
if (Runs("pipeline"))
{
    Console.WriteLine("[3/5] pipeline and [4/5] reading-to-alert latency (services as processes) ...");
    await Phases.RunAsync("pipeline", results, () => PipelineBench.RunAsync(settings, results));
}
if (only is null && results.RawChainRuns.Count > 0)
{
    // The ratio's two sides are measured minutes apart on a machine that drifts tens of per cent within minutes:
    // the raw chain once more after the pipeline, and the ratio against the mean of both runs.
    Console.WriteLine("[3b/5] raw chain again, after the pipeline ...");
    await Phases.RunAsync("raw chain again", results, () => RawChain.RunAsync(settings, results));
    Console.WriteLine($"      raw chain {string.Join(" and ", results.RawChainRuns.Select(r => r.ToString("N0",
        System.Globalization.CultureInfo.InvariantCulture)))} readings/s: ratio {results.Ratio} on their mean");
}
if (Runs("aggregator"))
{
    Console.WriteLine("[5/5] aggregator in process ...");
    AggregatorBench.Run(settings, results);
}
if (Runs("page"))
{
    Console.WriteLine("[6/6] the live page in Chromium: frame times and bytes/s with 50 and 5,000 sensors ...");
    await Phases.RunAsync("page", results, () => PageBench.RunAsync(settings, results, baseline));
}

if (Runs("history"))
{
    Console.WriteLine(
        "[7/7] History: level events written per second, queries with 1,000 sensors × 30 days, bytes ...");
    await Phases.RunAsync("history", results, () => HistoryBench.RunAsync(settings, results));
}

results.DurationSeconds = Math.Round((DateTimeOffset.UtcNow - started).TotalSeconds, 1);
var path = results.Write(only);
Console.WriteLine();
Console.WriteLine(results.Table());
Console.WriteLine($"written to {Path.GetRelativePath(Repository.Root, path)}");
