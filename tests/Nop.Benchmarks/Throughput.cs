using System.Diagnostics;

namespace Nop.Benchmarks;

/// <summary>
/// How the raw chain and the pipeline are measured, the same way for both. Two phases. Flat out: senders post back
/// to back; the accepted rate is the offer, and each consumer's rate is the offer minus how fast its backlog grew;
/// then the backlog drains, and all accepted readings ÷ the time until both consumers' queues were empty is the
/// drained rate. On two shared cores a flat-out endpoint starves the consumers, so that phase overstates the endpoint
/// and understates them. Paced: the drained rate offered at a steady pace (open loop), then higher steps (full run),
/// stopping at the first with backlog growth; what both consumers take at a pace (the offer minus backlog growth) is
/// the sustained rate, the most of which is reported. With no backlog growth it equals the offer.
/// </summary>
public static class Throughput
{
    /// <summary>Measures the chain after <see cref="WarmUpAsync"/>, into the figures the warm-up began.</summary>
    public static async Task<ThroughputFigures> MeasureAsync(BenchSettings settings, LoadGenerator load,
        ReadingBacklog backlog, ThroughputFigures figures)
    {
        figures.ReadingsPerMessage = backlog.ReadingsPerMessage;
        var acceptedBefore = load.Accepted; // the warm-up's and the probe's readings are not this measurement's
        var started = Stopwatch.GetTimestamp();
        var (from, to) = await RunPhaseAsync(settings, load, backlog, started,
            stop => load.RunFlatOutAsync(settings.Senders, stop), settings.FlatOutDuration);
        var seconds = to.At - from.At;
        var offered = to.Accepted - from.Accepted;
        figures.FlatOutAcceptedReadingsPerS = Stats.Round(offered / seconds);
        figures.FlatOutClassifierReadingsPerS = Stats.Round((offered - (to.Classifier - from.Classifier)) / seconds);
        figures.FlatOutAggregatorReadingsPerS = Stats.Round((offered - (to.Aggregator - from.Aggregator)) / seconds);
        Console.WriteLine($"      flat out {seconds:0.0} s: accepted {figures.FlatOutAcceptedReadingsPerS:N0}/s, " +
            $"classifier " +
            $"{figures.FlatOutClassifierReadingsPerS:N0}/s, aggregator {figures.FlatOutAggregatorReadingsPerS:N0}/s; " +
            $"readings waiting at the end: classifier {to.Classifier:N0}, aggregator {to.Aggregator:N0}");

        var total = load.Accepted - acceptedBefore;
        var last = await DrainAsync(load, backlog, started, settings.FlatOutDuration * 3);
        figures.DrainedReadingsPerS = Stats.Round((total - Math.Max(last.Classifier, last.Aggregator)) / last.At);
        Console.WriteLine($"      {total:N0} readings accepted ({load.Retries:N0} retried 429/503, " +
            $"{load.Failures} failed), " +
            $"drained after {last.At:0.0} s: {figures.DrainedReadingsPerS:N0}/s");

        foreach (var factor in settings.PacedSteps)
        {
            var rate = Math.Max(100, figures.DrainedReadingsPerS * factor);
            var pacedStart = Stopwatch.GetTimestamp();
            (from, to) = await RunPhaseAsync(settings, load, backlog, pacedStart,
                stop => load.RunPacedAsync(rate, stop), settings.PacedDuration);
            seconds = to.At - from.At;
            var offeredPerS = (to.Accepted - from.Accepted) / seconds;
            var classifierGrowth = (to.Classifier - from.Classifier) / seconds;
            var aggregatorGrowth = (to.Aggregator - from.Aggregator) / seconds;
            var sustained = offeredPerS - Math.Max(0, Math.Max(classifierGrowth, aggregatorGrowth));
            Console.WriteLine($"      paced at {rate:N0}/s for {seconds:0.0} s: offered {offeredPerS:N0}/s, " +
                "backlog growth " +
                $"classifier {classifierGrowth:N0}/s, aggregator {aggregatorGrowth:N0}/s: consumed {sustained:N0}/s");
            if (sustained > figures.SustainedReadingsPerS)
            {
                figures.PacedOfferedReadingsPerS = Stats.Round(offeredPerS);
                figures.PacedClassifierBacklogGrowthPerS = Stats.Round(classifierGrowth);
                figures.PacedAggregatorBacklogGrowthPerS = Stats.Round(aggregatorGrowth);
                figures.SustainedReadingsPerS = Stats.Round(sustained);
            }
            await DrainAsync(load, backlog, pacedStart, settings.PacedDuration * 2);
            // Growth beyond 2 % of the offer: this pace is past what the chain sustains.
            if (Math.Max(classifierGrowth, aggregatorGrowth) > 0.02 * offeredPerS)
            {
                break;
            }
        }
        figures.Readings = load.Accepted - acceptedBefore;
        figures.Retries = load.Retries;
        figures.Failures = load.Failures;
        Console.WriteLine($"      sustained {figures.SustainedReadingsPerS:N0} readings/s");
        return figures;
    }

    /// <summary>The chain's JIT has settled when all its processes together compile for at most this share of the
    /// machine's CPU (1 %: 20 ms a second on two cores, a fraction of a µs per reading).</summary>
    public static readonly double JitSettledMsPerS = 0.01 * Environment.ProcessorCount * 1000;

    private static readonly TimeSpan JitStep = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs the chain flat out, unmeasured, for at least <see cref="BenchSettings.ServiceWarmup"/> and then until its
    /// processes' JIT has settled (<see cref="JitSettledMsPerS"/> over the last 5 s; at most
    /// <see cref="BenchSettings.ServiceWarmupLimit"/> in all), and lets it drain. The services start fresh, and .NET's
    /// tiered JIT keeps recompiling their hot paths under load for a minute or more (a fifth of Processing's CPU 20-35
    /// s after its start, under 1 % after 80 s, in a profile): without this the figures would be those of a process
    /// starting, not of a running service. The raw chain gets the same, so the ratio compares like with like.
    /// </summary>
    public static async Task<ThroughputFigures> WarmUpAsync(BenchSettings settings, LoadGenerator load,
        ReadingBacklog backlog, JitWatch jit)
    {
        var figures = new ThroughputFigures();
        var started = Stopwatch.GetTimestamp();
        var settled = false;
        using (var stop = new CancellationTokenSource())
        {
            var sending = load.RunFlatOutAsync(settings.Senders, stop.Token);
            await Task.Delay(settings.ServiceWarmup);
            var before = await jit.SampleAsync();
            var steps = new List<double>();
            while (!settled && Stopwatch.GetElapsedTime(started) + JitStep <= settings.ServiceWarmupLimit)
            {
                await Task.Delay(JitStep);
                var after = await jit.SampleAsync();
                figures.WarmupJitMsPerS = JitWatch.MsBetween(before, after).ToDictionary(p => p.Key,
                    p => Stats.Round(p.Value / JitStep.TotalSeconds), StringComparer.Ordinal);
                before = after;
                steps.Add(figures.WarmupJitMsPerS.Values.Sum());
                settled = steps[^1] <= JitSettledMsPerS;
            }
            await stop.CancelAsync();
            await sending;
            Console.WriteLine($"      JIT ms/s of the chain's processes every {JitStep.TotalSeconds:0} s after " +
                $"{settings.ServiceWarmup.TotalSeconds:0} s: {string.Join(", ", steps.Select(ms => $"{ms:0}"))}");
        }
        await DrainAsync(load, backlog, started, settings.ServiceWarmup * 3);
        figures.WarmupSeconds = Stats.Round(Stopwatch.GetElapsedTime(started).TotalSeconds);
        Console.WriteLine($"      warmed up: {load.Accepted:N0} readings in {figures.WarmupSeconds:0} s (not " +
            $"measured); JIT {(settled ? "settled" : "NOT settled")}, ms/s over the last {JitStep.TotalSeconds:0} s: " +
            string.Join(", ", figures.WarmupJitMsPerS.Select(p => $"{p.Key} {p.Value:0.#}")));
        return figures;
    }

    /// <summary>Runs a load for <paramref name="duration"/> and samples after the warm-up and at the end.</summary>
    private static async Task<(BacklogSample From, BacklogSample To)> RunPhaseAsync(BenchSettings settings,
        LoadGenerator load, ReadingBacklog backlog, long started, Func<CancellationToken, Task> run, TimeSpan duration)
    {
        using var stop = new CancellationTokenSource();
        var sending = run(stop.Token);
        await Task.Delay(settings.Warmup);
        var from = await backlog.SampleAsync(load, Stopwatch.GetElapsedTime(started).TotalSeconds);
        await Task.Delay(duration - settings.Warmup);
        var to = await backlog.SampleAsync(load, Stopwatch.GetElapsedTime(started).TotalSeconds);
        await stop.CancelAsync();
        await sending;
        return (from, to);
    }

    /// <summary>Waits (at most <paramref name="limit"/>) until no reading waits in the classifier's or a partition's
    /// queue.</summary>
    private static async Task<BacklogSample> DrainAsync(LoadGenerator load, ReadingBacklog backlog, long started,
        TimeSpan limit)
    {
        var deadline = Stopwatch.GetElapsedTime(started) + limit;
        while (true)
        {
            var sample = await backlog.SampleAsync(load, Stopwatch.GetElapsedTime(started).TotalSeconds);
            if ((sample.Classifier == 0 && sample.Aggregator == 0) || Stopwatch.GetElapsedTime(started) > deadline)
            {
                return sample;
            }
            await Task.Delay(100);
        }
    }
}
