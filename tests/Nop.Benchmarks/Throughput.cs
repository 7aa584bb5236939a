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
    public static async Task<ThroughputFigures> MeasureAsync(BenchSettings settings, LoadGenerator load,
        ReadingBacklog backlog)
    {
        var figures = new ThroughputFigures { ReadingsPerMessage = backlog.ReadingsPerMessage };
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

    /// <summary>
    /// Runs the chain flat out for <see cref="BenchSettings.ServiceWarmup"/> and lets it drain, unmeasured. The services
    /// start fresh, and .NET's tiered JIT keeps recompiling their hot paths for about a minute under load (a quarter to
    /// a third of Processing's CPU 12-75 s after its start, in a profile): without this the figures would be those of
    /// a process starting, not of a running service. The raw chain gets the same, so the ratio compares like with like.
    /// </summary>
    public static async Task WarmUpAsync(BenchSettings settings, LoadGenerator load, ReadingBacklog backlog)
    {
        var started = Stopwatch.GetTimestamp();
        using (var stop = new CancellationTokenSource(settings.ServiceWarmup))
        {
            await load.RunFlatOutAsync(settings.Senders, stop.Token);
        }
        await DrainAsync(load, backlog, started, settings.ServiceWarmup * 3);
        Console.WriteLine($"      warmed up: {load.Accepted:N0} readings in " +
            $"{Stopwatch.GetElapsedTime(started).TotalSeconds:0} s (not measured)");
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
