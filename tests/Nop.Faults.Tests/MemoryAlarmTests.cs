using System.Diagnostics;
using Nop.Contracts;
using Nop.Testing;
using RabbitMQ.Client;
using Xunit.Abstractions;

namespace Nop.Faults.Tests;

/// <summary>
/// A memory alarm under load, on a broker of the test's own (never the shared one): the broker blocks every connection
/// that publishes. Ingest must answer 503 at once instead of waiting for confirms, Processing must keep acking its
/// backlog (its consuming connection never publishes, so it is never blocked), and once the alarm clears the ledger is
/// exact.
/// </summary>
public sealed class MemoryAlarmTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Under_a_memory_alarm_Ingest_answers_503_at_once_Processing_drains_its_backlog_ledger_is_exact()
    {
        var clock = Stopwatch.StartNew();
        await using var broker = await FaultBroker.StartAsync(output);
        await using var pipeline =
            await Pipeline.StartAsync("alarm", broker: broker.Endpoint, settings: new Dictionary<string, string>
            {
                // A small prefetch, so most of the backlog stays in the queues where the test can watch it drain.
                ["RabbitMq:Prefetch"] = "20",
                // Waiting for a confirm is not what a blocked Ingest may do: a long time-out tells the two apart.
                ["RabbitMq:PublishTimeout"] = "00:00:30",
            });
        var levels = await LevelQueue.DeclareAsync(pipeline.VirtualHost);
        using var ledger = new Ledger(pipeline.Ingest.Address!, LedgerCheck.Sensors, LedgerCheck.EventTimeFrom(),
            $"alarm-{Guid.NewGuid():N}"[..20]);
        string[] work = [Queues.ProcessingClassifier, Queues.AggregatorPartition(0), Queues.AggregatorPartition(1)];

        using var stop = new CancellationTokenSource();
        var load = ledger.RunAsync(TimeSpan.FromMilliseconds(100), stop.Token);
        try
        {
            await Eventually.TrueAsync(() => ledger.AcceptedCount >= 1000, TimeSpan.FromSeconds(60),
                "the load is flowing");

            // A backlog for Processing to work through under the alarm: it is paused while the readings keep coming.
            var processing = pipeline.Processing.ProcessId!.Value;
            Signal("STOP", processing);
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(4));
                await broker.SetMemoryHighWatermarkAsync("0.0000001");
                output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: memory alarm raised, backlog " +
                    $"{await ReadyAsync(pipeline, work)}");
            }
            finally
            {
                Signal("CONT", processing);
            }
            var unavailableBefore = ledger.Unavailable;

            await Eventually.TrueAsync(async () => await ReadyAsync(pipeline, work) == 0, TimeSpan.FromSeconds(60),
                () => "Processing keeps acking under the alarm: its queues drain\n" + pipeline.Diagnostics);
            // Each sender waits the 1 s Retry-After between tries; blocked on confirms it would get no answer for 30 s.
            await Eventually.TrueAsync(() => ledger.Unavailable - unavailableBefore >= 20, TimeSpan.FromSeconds(30),
                "Ingest answers 503 at once while publishing is blocked");
            output.WriteLine(
                $"{clock.Elapsed.TotalSeconds:0.0} s: drained; {ledger.Unavailable - unavailableBefore} answers 503 " +
                $"under the alarm, {ledger.ConnectionFailures} connection failures");

            await broker.SetMemoryHighWatermarkAsync("0.4");
            ledger.Mark();
            await Eventually.TrueAsync(() => ledger.AcceptedSinceMark >= 500, TimeSpan.FromSeconds(60),
                () => "readings are accepted again once the alarm cleared\n" + pipeline.Diagnostics);
            output.WriteLine(
                $"{clock.Elapsed.TotalSeconds:0.0} s: alarm cleared, {ledger.AcceptedSinceMark} accepted since");
        }
        finally
        {
            // Cleared whatever failed, so the load stops by itself and the first failure is the one reported.
            await broker.SetMemoryHighWatermarkAsync("0.4");
            await stop.CancelAsync();
            await load;
        }
        await LedgerCheck.EveryAcceptedReadingCountedOnceAsync(ledger, levels, pipeline, output, clock);
        ledger.Unexpected.ShouldBeEmpty();
    }

    // Ready messages by passive declares (the broker's own count, not the management API's sampled statistics), on a
    // connection of the test's own that never publishes.
    private static async Task<long> ReadyAsync(Pipeline pipeline, string[] queues)
    {
        await using var connection =
            await new ConnectionFactory { Uri = pipeline.VirtualHost.Uri }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        long ready = 0;
        foreach (var queue in queues)
        {
            ready += (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
        }
        return ready;
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", $"-{signal} {pid}");
        kill.WaitForExit();
        kill.ExitCode.ShouldBe(0, $"kill -{signal} {pid}");
    }
}
