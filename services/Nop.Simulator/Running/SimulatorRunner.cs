using System.Diagnostics;
using System.Globalization;
using Nop.Simulator.Generation;
using Nop.Simulator.Sending;

namespace Nop.Simulator.Running;

// What a run did.
public sealed record SimulationSummary(long Intended, long Accepted, long Rejected, long Unconfirmed, long Throttled,
    long Unavailable, long FailedAttempts, TimeSpan Elapsed, int Sensors, int Seed)
{
    // Every reading the simulator meant to send was accepted.
    public bool Complete => Accepted == Intended;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Sensors} sensors, seed {Seed}: intended {Intended}, accepted {Accepted}, rejected {Rejected}, " +
        $"unconfirmed {Unconfirmed}; " +
        $"retried after 429: {Throttled}, after 503: {Unavailable}, after no answer/5xx: {FailedAttempts}; " +
        $"{Elapsed.TotalSeconds:0.0} s, " +
        $"{(Elapsed.TotalSeconds > 0 ? Accepted / Elapsed.TotalSeconds : 0):0.0} readings/s accepted");
}

// Runs the simulation: one loop per sensor that, once per packet interval of event time (each sensor at its own point
// of the interval), posts the readings measured since its last packet as one request (retrying until Ingest
// confirms), and stops at --duration, --count or when cancelled. Then it keeps retrying what is
// unconfirmed for at most DrainTimeout. A backfill starts event time at now − Backfill with the clock already at now,
// so each sensor posts its past packets one after another, in order, as fast as Ingest answers, then waits for the
// next one live.
public sealed class SimulatorRunner(SimulatorSettings settings, HttpClient http, TextWriter output, TimeProvider time)
{
    // The live counters of the run (the progress line shows them).
    public Counters Counters { get; } = new();

    // Each sensor's next packet time (UTC ticks): the slowest one is how far a backfill has got.
    private long[] _nextPacket = [];

    // stop: Stop generating; what is in flight gets SimulatorSettings.DrainTimeout to be confirmed.
    // abortNow: Give up on what is in flight at once.
    public async Task<SimulationSummary> RunAsync(IReadOnlyList<SimulatedSensor> sensors, CancellationToken stop,
        CancellationToken abortNow = default)
    {
        var started = Stopwatch.GetTimestamp();
        // Generators start at the configured time itself, not at clock.Now (which has already moved on at --speed).
        var now = time.GetUtcNow();
        var from = settings.Backfill is { } backfill ? now - backfill : settings.EventTimeFrom ?? now;
        var clock = new SimulationClock(time, from,
            settings.Backfill is null ? settings.Speed : double.PositiveInfinity);
        var counters = Counters;
        using var gate = new SemaphoreSlim(settings.Concurrency);
        var sender = new IngestSender(http, settings.Url, gate, counters, time, output);

        using var stopGenerating = CancellationTokenSource.CreateLinkedTokenSource(stop);
        using var duration = settings.Duration is { } d ? new CancellationTokenSource(d,
            time) : new CancellationTokenSource();
        using var fromDuration = duration.Token.Register(stopGenerating.Cancel);
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(abortNow);
        // Once generation stops, unconfirmed batches get DrainTimeout more to be accepted.
        using var drain = stopGenerating.Token.Register(() => abort.CancelAfter(settings.DrainTimeout));

        // With FirstPacketNow the sensors have been measuring for a packet interval already, and post that at once.
        var measuringSince = settings.FirstPacketNow ? from - settings.PacketInterval : from;
        var generators = sensors.Select((sensor, i) => new ReadingGenerator(sensor.Id, sensor.Zone,
            Profiles.For(settings.Profile, sensor.Zone, i), settings.Seed, measuringSince, settings.Rate)).ToList();
        var schedules = sensors.Select(sensor => new PacketSchedule(from, settings.PacketInterval,
            settings.PacketInterval * PacketSchedule.Phase(settings.Seed, sensor.Id),
                settings.FirstPacketNow)).ToList();
        var quotas = Quotas(sensors.Count);
        _nextPacket = schedules.Select(s => s.First.UtcTicks).ToArray();

        using var progressStop = new CancellationTokenSource();
        var progress = ReportProgressAsync(counters, clock, settings.Backfill is null ? null : now,
            progressStop.Token);
        await Task.WhenAll(sensors.Select((sensor, i) => RunSensorAsync(i, sensor, generators[i], schedules[i],
            quotas[i], clock, sender, stopGenerating.Token, abort.Token)));
        await progressStop.CancelAsync();
        await progress;

        return new SimulationSummary(counters.Sent, counters.Accepted, counters.Rejected, counters.Unconfirmed,
            counters.Throttled,
            counters.Unavailable, counters.FailedAttempts, Stopwatch.GetElapsedTime(started), sensors.Count,
                settings.Seed);
    }

    private long[] Quotas(int sensors)
    {
        if (settings.Count is not { } count)
        {
            return Enumerable.Repeat(long.MaxValue, sensors).ToArray();
        }
        return Enumerable.Range(0, sensors).Select(i => count / sensors + (i < count % sensors ? 1 : 0)).ToArray();
    }

    private async Task RunSensorAsync(int index, SimulatedSensor sensor, ReadingGenerator generator,
        PacketSchedule schedule, long quota,
        SimulationClock clock, IngestSender sender, CancellationToken stopGenerating, CancellationToken abort)
    {
        var packetAt = schedule.First;
        try
        {
            while (!stopGenerating.IsCancellationRequested && generator.Count < quota)
            {
                var wait = clock.WallTimeUntil(packetAt);
                if (wait > TimeSpan.Zero)
                {
                    // At most a second at a time: event time may switch from replay speed to the wall clock meanwhile.
                    await Task.Delay(Clamp(wait, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1)), time,
                        stopGenerating);
                    continue;
                }
                var packet = new List<SimulatedReading>();
                while (generator.Count < quota && generator.NextAt <= packetAt)
                {
                    packet.Add(generator.Next());
                }
                // Ingest takes at most BatchSize readings a request: a larger packet goes in several, one after
                // another.
                foreach (var request in packet.Chunk(settings.BatchSize))
                {
                    await sender.SendAsync(sensor, request, abort);
                }
                packetAt = schedule.After(packetAt);
                Volatile.Write(ref _nextPacket[index], packetAt.UtcTicks);
            }
        }
        catch (OperationCanceledException) when (stopGenerating.IsCancellationRequested)
        {
            // Stopped while waiting for the next packet: nothing in hand.
        }
    }

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min,
        TimeSpan max) => value < min ? min : value > max ? max : value;

    // The event time every sensor has posted up to: the clock, or the slowest sensor's next packet while it is behind.
    private DateTimeOffset EventTime(SimulationClock clock)
    {
        var slowest = long.MaxValue;
        foreach (ref var next in _nextPacket.AsSpan())
        {
            slowest = Math.Min(slowest, Volatile.Read(ref next));
        }
        var now = clock.Now;
        return slowest < now.UtcTicks ? new DateTimeOffset(slowest, TimeSpan.Zero) : now;
    }

    // backfillTo: the end of a backfill (its start's now), announced once every sensor has posted up to it.
    private async Task ReportProgressAsync(Counters counters, SimulationClock clock, DateTimeOffset? backfillTo,
        CancellationToken cancellationToken)
    {
        // On a terminal one line rewritten in place; in a log file a line every ten intervals.
        var interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var every = interactive ? 1 : 10;
        var tick = 0;
        var lastAccepted = 0L;
        var lastAt = Stopwatch.GetTimestamp();
        var started = lastAt;
        using var timer = new PeriodicTimer(settings.ProgressInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var eventTime = EventTime(clock);
                if (backfillTo is { } end && eventTime >= end)
                {
                    backfillTo = null;
                    await output.WriteLineAsync((interactive ? "\r" : "") + string.Create(CultureInfo.InvariantCulture,
                        $"Backfill done: {counters.Accepted} readings accepted up to {end:yyyy-MM-dd HH:mm:ss}Z "
                        + $"in {Stopwatch.GetElapsedTime(started).TotalSeconds:0} s; now live."));
                }
                if (++tick % every != 0)
                {
                    continue;
                }
                var accepted = counters.Accepted;
                var seconds = Stopwatch.GetElapsedTime(lastAt).TotalSeconds;
                var rate = seconds > 0 ? (accepted - lastAccepted) / seconds : 0;
                (lastAccepted, lastAt) = (accepted, Stopwatch.GetTimestamp());
                var line = string.Create(CultureInfo.InvariantCulture,
                    $"sent {counters.Sent}  accepted {accepted}  rejected {counters.Rejected}  " +
                    $"retries {counters.Throttled + counters.Unavailable + counters.FailedAttempts}  " +
                    $"rate {rate:0.0}/s  event time {eventTime:yyyy-MM-dd HH:mm:ss}Z");
                if (interactive)
                {
                    var width = Console.WindowWidth > 0 ? Math.Min(Console.WindowWidth - 1, 140) : 100;
                    await output.WriteAsync("\r" + line.PadRight(width));
                }
                else
                {
                    await output.WriteLineAsync(line);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
        if (interactive)
        {
            await output.WriteLineAsync();
        }
    }
}
