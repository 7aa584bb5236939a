using Nop.Testing;
using Xunit.Abstractions;

namespace Nop.Faults.Tests;

/// <summary>
/// The broker goes away mid-load (restarted, or killed with SIGKILL) while Ingest and Processing keep running. A ledger
/// records every reading that got a 202; afterwards the windows Processing published must count exactly those readings:
/// none lost, none counted twice, window by window.
/// </summary>
[Collection(BrokerFaultCollection.Name)]
public sealed class BrokerFaultTests(ITestOutputHelper output)
{
    private static readonly string[] Sensors = ["dev-001", "dev-002", "dev-003", "dev-004", "dev-005", "dev-006"];

    [Fact]
    public Task Every_accepted_reading_is_counted_once_across_a_broker_restart() =>
        RunAsync("restart", () => TestBroker.RestartAsync(TimeSpan.FromSeconds(2)));

    [Fact]
    public Task Every_accepted_reading_is_counted_once_across_a_broker_killed_with_sigkill() =>
        RunAsync("kill", () => TestBroker.KillAsync(TimeSpan.FromSeconds(1)));

    private async Task RunAsync(string name, Func<Task> fault)
    {
        await using var pipeline = await Pipeline.StartAsync(name);
        var levels = await LevelQueue.DeclareAsync(pipeline.VirtualHost);
        var from = Aligned(DateTimeOffset.UtcNow.AddHours(-1));
        using var ledger = new Ledger(pipeline.Ingest.Address!, Sensors, from, $"{name}-{Guid.NewGuid():N}"[..20]);

        using var stop = new CancellationTokenSource();
        var load = ledger.RunAsync(TimeSpan.FromMilliseconds(100), stop.Token);
        try
        {
            await Eventually.TrueAsync(() => ledger.AcceptedCount >= 1500, TimeSpan.FromSeconds(60), "the load is flowing");
            var beforeFault = ledger.AcceptedCount;
            await fault();
            ledger.Mark();
            var afterFault = ledger.AcceptedCount;
            // Recovery without restarting any service: Ingest accepts again, and keeps accepting.
            await Eventually.TrueAsync(() => ledger.AcceptedSinceMark >= 1500, TimeSpan.FromSeconds(90),
                "readings are accepted again after the broker came back\n" + pipeline.Diagnostics);
            output.WriteLine($"accepted before the fault {beforeFault}, during it {afterFault - beforeFault}, after it {ledger.AcceptedSinceMark}");
        }
        finally
        {
            await stop.CancelAsync();
            await load;
        }
        var flushedAt = await ledger.FlushAsync();

        // The windows every accepted reading fell into; all of them close by the flush readings' watermark.
        var expected = ledger.Accepted.Values
            .GroupBy(r => (r.Sensor, Start: WindowStart(r.MeasuredAt)))
            .ToDictionary(g => g.Key, g => g.Count());
        await Eventually.TrueAsync(async () =>
        {
            await levels.DrainAsync();
            return expected.Keys.All(levels.Windows.ContainsKey);
        }, TimeSpan.FromSeconds(90), $"every window of the ledger was published ({levels.Windows.Count} of {expected.Count} so far)\n{pipeline.Diagnostics}");
        await levels.DrainAsync();

        var published = levels.Windows.Where(w => w.Key.Start < WindowStart(flushedAt)).ToDictionary(w => w.Key, w => w.Value);
        output.WriteLine($"ledger {ledger.AcceptedCount} readings in {expected.Count} windows; counted {published.Values.Sum(w => w.Count)} " +
            $"(late {published.Values.Sum(w => w.LateCount)}); 503 answers {ledger.Unavailable}, connection failures {ledger.ConnectionFailures}, " +
            $"windows published twice {levels.Duplicates}");

        ledger.Unexpected.ShouldBeEmpty("Ingest answered only 202 or 503");
        ledger.Unavailable.ShouldBeGreaterThan(0, "Ingest answered 503 while the broker was down");
        levels.Conflicts.ShouldBeEmpty("a window re-published after the fault has the same result");
        published.Keys.Order().ShouldBe(expected.Keys.Order(), "a window per sensor and window start of the ledger, and no other");
        var wrong = expected.Where(e => published[e.Key].Count != e.Value)
            .Select(e => $"{e.Key}: ledger {e.Value}, counted {published[e.Key].Count} (late {published[e.Key].LateCount})").ToList();
        wrong.ShouldBeEmpty("every window counts exactly the readings of the ledger");
        published.Values.Sum(w => w.Count).ShouldBe(ledger.AcceptedCount, "zero accepted readings lost, none counted twice");
        ledger.Accepted.Count.ShouldBe(ledger.AcceptedCount);
    }

    private static DateTimeOffset WindowStart(DateTimeOffset t) =>
        new(t.UtcTicks - (t.UtcTicks % Pipeline.WindowSize.Ticks), TimeSpan.Zero);

    private static DateTimeOffset Aligned(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
}
