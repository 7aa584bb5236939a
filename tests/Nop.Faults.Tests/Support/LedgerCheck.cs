using System.Diagnostics;
using Nop.Testing;
using Xunit.Abstractions;

// Every test here starts services as processes and puts load on a 2-core machine, and the broker faults stop the shared
// broker when they cannot have one of their own: one test at a time. When every fault has a container broker
// (NOP_FAULT_BROKER=container), ./nop test runs two at a time (xUnit.ParallelizeTestCollections in its run settings).
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Nop.Faults.Tests;

/// <summary>The ledger's check: the windows Processing published count exactly the readings that got a 202.</summary>
internal static class LedgerCheck
{
    public static readonly string[] Sensors = ["dev-001", "dev-002", "dev-003", "dev-004", "dev-005", "dev-006"];

    /// <summary>
    /// A minute boundary an hour ago: event times in the past, as from sensors that buffered while offline.
    /// </summary>
    public static DateTimeOffset EventTimeFrom()
    {
        var t = DateTimeOffset.UtcNow.AddHours(-1);
        return new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
    }

    /// <summary>
    /// Flushes the sensors (so every window of the ledger closes), waits until each of those windows was published and
    /// compares them with the ledger window by window: none missing, none extra, each count exact.
    /// </summary>
    public static async Task EveryAcceptedReadingCountedOnceAsync(Ledger ledger, LevelQueue levels, Pipeline pipeline,
        ITestOutputHelper output, Stopwatch clock)
    {
        var flushedAt = await ledger.FlushAsync();

        // The windows every accepted reading fell into; all of them close by the flush readings' watermark.
        var expected = ledger.Accepted.Values
            .GroupBy(r => (r.Sensor, Start: WindowOf(r.MeasuredAt)))
            .ToDictionary(g => g.Key, g => g.Count());
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                await levels.DrainAsync();
                return expected.Keys.All(levels.Windows.ContainsKey);
            }, TimeSpan.FromSeconds(90), "every window of the ledger was published");
        }
        catch (TimeoutException timeout)
        {
            // Described when it happened, not when the wait began: which windows are missing, where messages wait.
            var missing = expected.Keys.Where(k => !levels.Windows.ContainsKey(k)).Order().ToList();
            throw new TimeoutException(
                $"{timeout.Message} {expected.Count - missing.Count} of {expected.Count} published; " +
                $"missing {string.Join(", ", missing.Take(12).Select(k => $"{k.Sensor}@{k.Start:HH:mm:ss}"))}\n" +
                $"{Neighbours(missing, levels)}\nflushed at {flushedAt:HH:mm:ss}; " +
                    $"queues:\n{await pipeline.VirtualHost.DescribeQueuesAsync()}\n{pipeline.Diagnostics}", timeout);
        }
        await levels.DrainAsync();
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: every window published");

        var published =
            levels.Windows.Where(w => w.Key.Start < WindowStart(flushedAt)).ToDictionary(w => w.Key, w => w.Value);
        output.WriteLine($"ledger {ledger.AcceptedCount} readings in {expected.Count} windows; counted " +
            $"{published.Values.Sum(w => w.Count)} " +
            $"(late {published.Values.Sum(w => w.LateCount)}); 503 answers {ledger.Unavailable}, connection failures " +
                $"{ledger.ConnectionFailures}, " +
            $"windows published twice {levels.Duplicates}");

        ledger.Unexpected.ShouldBeEmpty("Ingest answered only 202 or 503");
        levels.Conflicts.ShouldBeEmpty("a window re-published after the fault has the same result");
        published.Keys.Order()
            .ShouldBe(expected.Keys.Order(), "a window per sensor and window start of the ledger, and no other");
        var wrong = expected.Where(e => published[e.Key].Count != e.Value)
            .Select(e => $"{e.Key}: ledger {e.Value}, counted {published[e.Key].Count} (late " +
                $"{published[e.Key].LateCount})").ToList();
        wrong.ShouldBeEmpty("every window counts exactly the readings of the ledger");
        published.Values.Sum(w => w.Count)
            .ShouldBe(ledger.AcceptedCount, "zero accepted readings lost, none counted twice");
        ledger.Accepted.Count.ShouldBe(ledger.AcceptedCount);
    }

    // What the missing windows' sensors published next to them: whether their readings went into a neighbour (late),
    // or nowhere.
    private static string Neighbours(List<(string Sensor, DateTimeOffset Start)> missing, LevelQueue levels) =>
        string.Join("\n", missing.Take(6).Select(k => $"{k.Sensor}: " + string.Join(", ", levels.Windows
            .Where(w => w.Key.Sensor == k.Sensor && Math.Abs((w.Key.Start - k.Start).TotalSeconds) <= 6)
            .OrderBy(w => w.Key.Start)
            .Select(w => $"{w.Key.Start:HH:mm:ss} count {w.Value.Count} late {w.Value.LateCount}"))));

    /// <summary>The window holding a reading that ends at <paramref name="measuredAt"/>: it covers the interval before
    /// that instant, so a reading stamped on a window boundary belongs to the window that ends there.</summary>
    private static DateTimeOffset WindowOf(DateTimeOffset measuredAt) => WindowStart(measuredAt.AddTicks(-1));

    private static DateTimeOffset WindowStart(DateTimeOffset t) =>
        new(t.UtcTicks - (t.UtcTicks % Pipeline.WindowSize.Ticks), TimeSpan.Zero);
}
