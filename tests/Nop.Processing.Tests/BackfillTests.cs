using Nop.Contracts;
using Nop.Processing.Tests.Support;
using Nop.Testing;
using Xunit.Abstractions;

namespace Nop.Processing.Tests;

/// <summary>
/// The simulator's <c>--backfill</c> (as <c>./nop up</c> runs it) through the real Ingest into Processing with its
/// default windows: hours of event time arrive within seconds, and Processing still closes every window of every
/// sensor, in order and whole, without taking the fast-forward for late, offline or stuck sensors.
/// </summary>
public sealed class BackfillTests(ITestOutputHelper output)
{
    private const int Sensors = 4;

    [Fact]
    public async Task Two_backfilled_hours_close_every_window_whole_and_in_order_with_no_sensor_offline_or_stuck()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("proc-backfill");
        using var folder = new TempFolder();
        await using var processing = await ProcessingApp.StartAsync(vhost.Uri, folder.Database());
        await using var broker = await BrokerClient.ConnectAsync(vhost.Uri);
        var environment = new Dictionary<string, string>
        {
            ["RabbitMq:Uri"] = vhost.Uri.ToString(),
            ["Logging:Console:Format"] = "text",
        };
        // Ingest with its default per-sensor limit (20 requests/s): the simulator waits out its 429s.
        await using var ingest = await ServiceProcess.StartServiceAsync("Nop.Ingest", environment, "backfill-ingest");
        var started = DateTimeOffset.UtcNow;
        await using var simulator = await ServiceProcess.StartProgramAsync("Nop.Simulator",
        [
            "--url", ingest.Address!.ToString().TrimEnd('/'),
            "--catalogue", Path.Combine(Repository.Root, "deploy", "sensors.dev.json"),
            "--sensors", Sensors.ToString(System.Globalization.CultureInfo.InvariantCulture), "--rate", "1",
            "--profile", "city", "--seed", "2316", "--backfill", "2h",
        ], environment, "backfill-simulator");

        // The simulator takes its own start (the backfill's end) once its process runs: seconds after `started` on a
        // loaded machine, and before the first backfilled window closes.
        await Eventually.TrueAsync(() => broker.Levels().Count > 0, TimeSpan.FromMinutes(3),
            "the first backfilled window closes");
        var firstClosed = DateTimeOffset.UtcNow;

        // Each sensor's last backfilled packet ends within a packet interval (a minute) before the simulator's start,
        // so its watermark (that minus the allowed lateness, 10 s) passes every window ending by `backfilled`: the
        // backfill alone closes them all, without waiting for live packets (a minute or two of wall time).
        var backfilled = started.AddSeconds(-70);
        var lastEnd = new DateTimeOffset(backfilled.UtcTicks - (backfilled.UtcTicks % TimeSpan.TicksPerMinute),
            TimeSpan.Zero);
        await Eventually.TrueAsync(() => broker.Levels().Where(l => l.WindowEnd >= lastEnd)
            .Select(l => l.SensorId).Distinct().Count() == Sensors, TimeSpan.FromMinutes(5),
            $"every sensor's backfilled windows close ({broker.Levels().Count} so far)");

        var levels = broker.Levels();
        foreach (var sensor in levels.GroupBy(l => l.SensorId))
        {
            var windows = sensor.Where(l => l.WindowEnd <= backfilled).OrderBy(l => l.WindowStart).ToList();
            // The first window is the one the backfill began in (two hours back), partly covered.
            windows[0].WindowStart.ShouldBeInRange(started.AddHours(-2).AddMinutes(-1), firstClosed.AddHours(-2));
            windows.Count.ShouldBeGreaterThanOrEqualTo(118, sensor.Key);
            // One window a minute, none missing and none twice, each whole: 60 one-second levels, nothing late.
            windows.Zip(windows.Skip(1), (a, b) => b.WindowStart - a.WindowEnd)
                .ShouldAllBe(gap => gap == TimeSpan.Zero, sensor.Key);
            windows.Skip(1).ShouldAllBe(w => w.Count == 60 && w.Coverage == 1, sensor.Key);
            windows.ShouldAllBe(w => w.LateCount == 0, sensor.Key);
            output.WriteLine($"{sensor.Key}: {windows.Count} windows, the last ending {windows[^1].WindowEnd:HH:mm}");
        }
        broker.OfType(SensorFaultDetected.MessageType).Select(e => e.Body)
            .ShouldBeEmpty("the fast-forward made no sensor look offline, stuck or implausible");
    }
}
