using System.Diagnostics;
using System.Globalization;
using Nop.Contracts;
using Nop.Testing;
using Xunit.Abstractions;

namespace Nop.Faults.Tests;

/// <summary>
/// A consumer that stops consuming: the Processing process frozen with SIGSTOP (a genuinely stuck consumer, no test
/// code in the service) while sensors keep posting, then resumed with SIGCONT. Small limits make the queues fill within
/// seconds.
/// </summary>
public sealed class SlowConsumerTests(ITestOutputHelper output)
{
    private const int QueueLimit = 1000;
    private const int Prefetch = 20;

    // A 3.10 quorum queue refuses publishes only once it is over the limit and has told the publishing channel so:
    // what Ingest had in flight by then (each sensor's sender posts one batch at a time) may still land.
    private static readonly int InFlightAtMost = (LedgerCheck.Sensors.Length * Ledger.BatchSize) + 1;

    private static readonly string[] WorkQueues =
        [Queues.ProcessingClassifier, Queues.AggregatorPartition(0), Queues.AggregatorPartition(1)];

    [Fact]
    public async Task A_frozen_consumer_holds_its_prefetch_queues_stay_bounded_ingest_answers_503_each_reading_counts()
    {
        var clock = Stopwatch.StartNew();
        await using var pipeline = await Pipeline.StartAsync("slow", settings: new Dictionary<string, string>
        {
            ["RabbitMq:MaxQueueLength"] = QueueLimit.ToString(CultureInfo.InvariantCulture),
            ["RabbitMq:Prefetch"] = Prefetch.ToString(CultureInfo.InvariantCulture),
            ["Processing:AggregatorPrefetch"] = Prefetch.ToString(CultureInfo.InvariantCulture),
        });
        var levels = await LevelQueue.DeclareAsync(pipeline.VirtualHost);
        using var ledger = new Ledger(pipeline.Ingest.Address!, LedgerCheck.Sensors, LedgerCheck.EventTimeFrom(),
            $"slow-{Guid.NewGuid():N}"[..20]);
        var maxReady = WorkQueues.ToDictionary(q => q, _ => 0u);
        var maxUnacked = WorkQueues.ToDictionary(q => q, _ => 0);

        using var stop = new CancellationTokenSource();
        var load = ledger.RunAsync(TimeSpan.FromMilliseconds(20), stop.Token);
        try
        {
            await Eventually.TrueAsync(() => ledger.AcceptedCount >= 300, TimeSpan.FromSeconds(60), () =>
                "the load is flowing\n" + pipeline.Diagnostics);
            var unavailableBefore = ledger.Unavailable;
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: freezing Processing after {ledger.AcceptedCount} " +
                $"readings ({unavailableBefore} 503s)");
            Signal(pipeline.Processing, "STOP");
            try
            {
                // Frozen until Ingest refused readings and the (5-s) management statistics show each consumer holding
                // deliveries; well within the 15-s heartbeat, after two of which the broker would drop the connection.
                var ingestSawNack = false;
                await Eventually.TrueAsync(async () =>
                {
                    await SampleAsync(pipeline.VirtualHost, maxReady, maxUnacked);
                    ingestSawNack |= pipeline.Ingest.Tail.Contains("(Nacked)", StringComparison.Ordinal);
                    return ledger.Unavailable > unavailableBefore && ingestSawNack && maxUnacked.Values.All(n => n > 0);
                }, TimeSpan.FromSeconds(20), "Ingest answered 503 for the broker's nacks and the management API " +
                    "shows the frozen consumers' deliveries\n" +
                    $"503s {ledger.Unavailable - unavailableBefore}, nack logged {ingestSawNack}, " +
                        $"unacked {string.Join(", ", maxUnacked)}, ready {string.Join(", ", maxReady)}");
                output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: frozen; accepted {ledger.AcceptedCount}, 503s " +
                    $"since the freeze {ledger.Unavailable - unavailableBefore}; " +
                    $"most ready {string.Join(", ", maxReady)}; most unacked {string.Join(", ", maxUnacked)}");
            }
            finally
            {
                Signal(pipeline.Processing, "CONT");
            }

            ledger.Mark();
            await Eventually.TrueAsync(() => ledger.AcceptedSinceMark >= 1000, TimeSpan.FromSeconds(60),
                () => "readings are accepted again once Processing resumed\n" + pipeline.Diagnostics);
        }
        finally
        {
            await stop.CancelAsync();
            await load;
        }
        await Eventually.TrueAsync(async () =>
        {
            foreach (var queue in WorkQueues)
            {
                if (await TestBroker.CountReadyAsync(pipeline.VirtualHost, queue) > 0)
                {
                    return false;
                }
            }
            return true;
        }, TimeSpan.FromSeconds(60), () => "the backlog drains\n" + pipeline.Diagnostics);
        output.WriteLine(
            $"{clock.Elapsed.TotalSeconds:0.0} s: backlog drained; {ledger.AcceptedCount} readings accepted");

        maxUnacked.Values.ShouldAllBe(n => n <= Prefetch,
            "the broker delivers a stuck consumer no more than its prefetch");
        maxReady[Queues.ProcessingClassifier].ShouldBeGreaterThanOrEqualTo((uint)QueueLimit,
            "the classifier, which gets every reading, filled up");
        maxReady.Values.ShouldAllBe(n => n <= QueueLimit + InFlightAtMost,
            "no work queue grows past its limit (and what was in flight)");
        await LedgerCheck.EveryAcceptedReadingCountedOnceAsync(ledger, levels, pipeline, output, clock);
    }

    /// <summary>
    /// Ready messages over AMQP (exact), unacknowledged ones from the management API (sampled by the broker every 5 s).
    /// </summary>
    private static async Task SampleAsync(VirtualHost vhost, Dictionary<string, uint> maxReady,
        Dictionary<string, int> maxUnacked)
    {
        foreach (var queue in WorkQueues)
        {
            maxReady[queue] = Math.Max(maxReady[queue], await TestBroker.CountReadyAsync(vhost, queue));
            var facts = await TestBroker.GetQueueAsync(vhost.Name, queue);
            // One consumer per queue (one Processing instance), so the queue's unacked count is that consumer's.
            (facts?["consumers"]?.GetValue<int>() ?? 1).ShouldBeLessThanOrEqualTo(1);
            maxUnacked[queue] = Math.Max(maxUnacked[queue], facts?["messages_unacknowledged"]?.GetValue<int>() ?? 0);
        }
    }

    private static void Signal(ServiceProcess service, string signal)
    {
        var pid = service.ProcessId ?? throw new InvalidOperationException($"{service.Name} is not running");
        var arguments = new[] { $"-{signal}", pid.ToString(CultureInfo.InvariantCulture) };
        using var kill = Process.Start(new ProcessStartInfo("kill", arguments) { UseShellExecute = false })!;
        kill.WaitForExit();
        kill.ExitCode.ShouldBe(0, $"kill -{signal} {pid}");
    }
}
