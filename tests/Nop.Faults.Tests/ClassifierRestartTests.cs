using System.Diagnostics;
using Nop.Contracts;
using Nop.Testing;
using Xunit.Abstractions;

namespace Nop.Faults.Tests;

/// <summary>
/// Issue 13, gap 1: the broker restarts while the classifier (acks batched by 50) is busy publishing spikes. Handlers
/// in flight at the loss cannot publish, nor forward to the retry queue, nor nack; their delivery tags must not hold
/// back the classifier's acks once the connection is back, or it stops at its prefetch and its queue only grows.
/// </summary>
public sealed class ClassifierRestartTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_classifier_queue_drains_after_a_broker_restart_while_spikes_are_published()
    {
        var clock = Stopwatch.StartNew();
        await using var broker = await FaultBroker.StartAsync(output);
        // Every reading of the ledger has LAmax 75: all are spikes, so the classifier publishes ten events per batch.
        await using var pipeline = await Pipeline.StartAsync("spikes", broker: broker.Endpoint,
            settings: new Dictionary<string, string> { ["Processing:Rules:SpikeLevel"] = "70" });
        using var ledger = new Ledger(pipeline.Ingest.Address!, LedgerCheck.Sensors, LedgerCheck.EventTimeFrom(),
            $"spikes-{Guid.NewGuid():N}"[..20]);

        using var stop = new CancellationTokenSource();
        // No pause between batches: the classifier falls behind, so its prefetch is full when the broker goes.
        var load = ledger.RunAsync(TimeSpan.Zero, stop.Token);
        try
        {
            await Eventually.TrueAsync(() => ledger.AcceptedCount >= 2000, TimeSpan.FromSeconds(60),
                "the load is flowing");
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: restart, {ledger.AcceptedCount} readings accepted");
            await broker.RestartAsync(TimeSpan.FromSeconds(3));
            ledger.Mark();
            await Eventually.TrueAsync(() => ledger.AcceptedSinceMark >= 300, TimeSpan.FromSeconds(60),
                () => "readings are accepted again after the broker came back\n" + pipeline.Diagnostics);
        }
        finally
        {
            await stop.CancelAsync();
            await load;
        }
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: load stopped, {ledger.AcceptedCount} readings accepted");

        // Drained: nothing ready, nothing unacked. Before the fix it stayed at 200 unacked (its prefetch) for good.
        await Eventually.TrueAsync(async () => await MessagesAsync(broker, pipeline) == 0, TimeSpan.FromSeconds(90),
            () => $"{Queues.ProcessingClassifier} drains\n" + pipeline.Diagnostics);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {Queues.ProcessingClassifier} drained");
    }

    private static async Task<int> MessagesAsync(FaultBroker broker, Pipeline pipeline)
    {
        var queue = await broker.Endpoint.GetQueueAsync(pipeline.VirtualHost.Name, Queues.ProcessingClassifier);
        return queue?["messages"]?.GetValue<int>() ?? -1;
    }
}
