using Nop.Contracts;
using Nop.Processing.Tests.Support;
using Nop.Testing;
using Xunit.Abstractions;

namespace Nop.Processing.Tests;

/// <summary>Processing killed mid-stream (a real process, SIGKILL) and restarted on the same database.</summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task After_a_crash_every_window_equals_that_of_a_run_without_one()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("proc-crash");
        using var folder = new TempFolder();
        var settings = new Dictionary<string, string>
        {
            // Only the readings close windows here, never the wall clock: the result must not depend on timing.
            ["Processing:Windows:IdleGrace"] = "00:30:00",
            ["Processing:CheckpointEvery"] = "40",
            ["Logging:Console:Format"] = "text",
        };
        await using var broker = await BrokerClient.ConnectAsync(vhost.Uri);
        string[] sensors = ["crash-a", "crash-b", "crash-c"];
        // 6 minutes of event time per sensor, one reading every 2 s: 540 readings, 18 windows.
        var readings = Readings.Stream(sensors, perSensor: 180, every: TimeSpan.FromSeconds(2), runId: "crash");

        var crashed = await ProcessingProcess.StartAsync(vhost.Uri, folder.Database(), settings);
        var stream = Task.Run(async () =>
        {
            foreach (var chunk in readings.Chunk(3))
            {
                await broker.PublishAsync(chunk);
                await Task.Delay(30);
            }
        });
        // Kill it while readings are still flowing and some windows are already out.
        await Eventually.TrueAsync(() => broker.Levels().Count >= 4, Wait, "the first windows are published before the crash");
        await crashed.KillAsync();
        var publishedBeforeRestart = broker.Levels().Count;
        var streamWasRunning = !stream.IsCompleted;
        await stream;

        await using var restarted = await ProcessingProcess.StartAsync(vhost.Uri, folder.Database(), settings);
        await broker.PublishAsync(Readings.Flush(sensors, "crash"));

        await Eventually.TrueAsync(() => broker.Levels().Count >= 18, Wait, "all 18 windows are published after the restart");
        publishedBeforeRestart.ShouldBeLessThan(18, "the crash happened mid-stream");
        output.WriteLine($"stream still running at the kill: {streamWasRunning}");
        Readings.ShouldMatch(broker.Levels(), readings);
        foreach (var copies in broker.OfType(NoiseLevelMeasured.MessageType).GroupBy(e => e.MessageId))
        {
            copies.Select(c => c.Body).Distinct().ShouldHaveSingleItem("an event emitted again after the crash is the same event with the same id");
        }
        restarted.Output.ShouldContain("loaded", Case.Insensitive);
        output.WriteLine($"{publishedBeforeRestart} windows published before the kill; after the restart " +
            $"{CountLines(restarted.Output, "Duplicate reading")} redelivered readings were recognised as already counted, " +
            $"{broker.OfType(NoiseLevelMeasured.MessageType).Count() - 18} windows were published again (same ids)");
    }

    private static int CountLines(string text, string what) => text.Split('\n').Count(l => l.Contains(what, StringComparison.Ordinal));
}
