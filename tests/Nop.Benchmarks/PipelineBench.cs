using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Nop.Testing;
using RabbitMQ.Client;

namespace Nop.Benchmarks;

/// <summary>
/// The pipeline as <c>./nop up</c> runs it: Alerting, Processing and Ingest as processes on a fresh virtual host with
/// SQLite files in a temporary folder, loaded with sensor packets (<see cref="LoadGenerator"/>) and measured by
/// <see cref="Throughput"/> as the raw chain is; then the Dashboard, and reading-to-alert latency with packets in the
/// background at half the sustained rate, measured on a SignalR client.
/// </summary>
public static class PipelineBench
{
    private const int Partitions = 8;

    public static async Task RunAsync(BenchSettings settings, BenchResults results)
    {
        results.PipelineRuns.Clear();
        results.PipelinePhases = null;
        var vhost = await TestBroker.CreateVirtualHostAsync("bench-pipeline");
        var data = Directory.CreateTempSubdirectory("nop-bench-");
        var common = new Dictionary<string, string>
        {
            ["RabbitMq:Uri"] = vhost.Uri.ToString(),
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["Logging:Console:Format"] = "text",
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
        var services = new List<ServiceProcess>();
        try
        {
            // Alerting and Processing first: they declare the queues readings and noise events go to.
            var alerting = ServiceProcess.StartServiceAsync("Nop.Alerting", With(common, new()
            {
                // A spike's hops with their times in the logs (a few lines per spike: see SpikeTrace).
                ["Serilog:MinimumLevel:Override:Nop.Alerting"] = "Information",
                ["Serilog:MinimumLevel:Override:Nop.Messaging.DeliveryDispatcher"] = "Debug",
                ["Serilog:MinimumLevel:Override:Nop.Persistence.Outbox"] = "Debug",
                ["ConnectionStrings:Alerting"] = $"Data Source={Path.Combine(data.FullName, "alerting.db")}",
            }));
            var processing = ServiceProcess.StartServiceAsync("Nop.Processing", With(common, new()
            {
                ["Serilog:MinimumLevel:Override:Nop.Processing.Classification"] = "Information",
                ["ConnectionStrings:Processing"] = $"Data Source={Path.Combine(data.FullName, "processing.db")}",
                ["Processing:Partitions"] = Partitions.ToString(CultureInfo.InvariantCulture),
            }));
            services.Add(await alerting);
            services.Add(await processing);
            var ingest = await ServiceProcess.StartServiceAsync("Nop.Ingest", With(common, new()
            {
                ["Ingest:CatalogPath"] = LoadGenerator.CataloguePath,
                // The bench measures throughput, not the per-key flood protection.
                ["Ingest:RateLimit:RequestsPerSecond"] = "100000",
                ["Ingest:RateLimit:Burst"] = "100000",
                // The load generator's event time runs ahead of the wall clock (see LoadGenerator).
                ["Ingest:MaxClockSkew"] = LoadGenerator.MaxLead.ToString("c", CultureInfo.InvariantCulture),
            }));
            services.Add(ingest);

            var sensors = LoadGenerator.BenchSensors();
            var run = "b" + DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            using var load = new LoadGenerator(ingest.Address!, sensors, run);
            var factory = new ConnectionFactory { Uri = vhost.Uri, ClientProvidedName = "nop-bench-monitor" };
            await using var connection = await factory.CreateConnectionAsync();
            await using var monitor = await connection.CreateChannelAsync();
            var readingsPerMessage = await ReadingsPerMessageProbe.MeasureAsync(connection, load, sensors[^1]);
            Console.WriteLine($"      Ingest publishes {readingsPerMessage:0.#} readings per message");

            var backlog = new ReadingBacklog(monitor, Partitions, readingsPerMessage);
            using var jit = new JitWatch(services, "load generator");
            var warmup = await Throughput.WarmUpAsync(settings, load, backlog, jit);
            var cpuBefore = CpuSeconds(services);
            var acceptedBefore = load.Accepted;
            // Twice in a row (CPU per reading over both), like the raw chain's two runs around them.
            for (var measurement = 0; measurement < 2; measurement++)
            {
                // Each measurement fills figures of its own (MeasureAsync keeps the highest sustained step it saw).
                var figures = await Throughput.MeasureAsync(settings, load, backlog, measurement == 0 ? warmup : new()
                {
                    WarmupSeconds = warmup.WarmupSeconds,
                    WarmupJitMsPerS = warmup.WarmupJitMsPerS,
                });
                results.PipelinePhases ??= figures;
                results.PipelineRuns.Add(figures.SustainedReadingsPerS);
            }
            var readings = load.Accepted - acceptedBefore;
            ProcessCpu.PerReading(cpuBefore, CpuSeconds(services), readings, results.CpuUsPerReading);
            Console.WriteLine($"      ratio pipeline ÷ raw chain: {results.Ratio}; CPU per reading: " +
                string.Join(", ", results.CpuUsPerReading.Select(c => $"{c.Key} {c.Value:N0} µs")));

            var dashboard = await ServiceProcess.StartServiceAsync("Nop.Dashboard", With(common, new()
            {
                ["Dashboard:CatalogPath"] = LoadGenerator.CataloguePath,
                ["Serilog:MinimumLevel:Override:Nop.Dashboard.Live.LiveFeed"] = "Information",
            }));
            services.Add(dashboard);
            await MeasureAlertLatencyAsync(settings, results, load, sensors, run, services, backlog, connection);
        }
        finally
        {
            foreach (var service in services)
            {
                results.PeakMemoryMb[service.Name] = service.PeakMemoryMb();
            }
            for (var i = services.Count - 1; i >= 0; i--)
            {
                await services[i].DisposeAsync();
            }
            await Phases.DeleteQuietlyAsync(vhost);
            try
            {
                data.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A file may still be held for a moment; it is in the temp folder.
            }
        }
    }

    /// <summary>CPU seconds used so far by each service, the broker and this process (the load generator).</summary>
    private static Dictionary<string, double> CpuSeconds(IEnumerable<ServiceProcess> services)
    {
        var cpu = services.ToDictionary(s => s.Name, s => s.CpuSeconds(), StringComparer.Ordinal);
        cpu["RabbitMQ"] = ProcessCpu.BrokerSeconds();
        cpu["load generator"] = ProcessCpu.ThisProcessSeconds();
        return cpu;
    }

    /// <summary>
    /// Background packets at half the sustained rate, and meanwhile one reading over the spike level (LAeq 101) every
    /// interval, each of another sensor (a second spike of a sensor with an open alert only recurs, which is not
    /// published). Latency: from just before the POST to the <c>raised</c> spike alert of that sensor on a SignalR
    /// client.
    /// </summary>
    private static async Task MeasureAlertLatencyAsync(BenchSettings settings, BenchResults results, LoadGenerator load,
        IReadOnlyList<string> sensors, string run, IReadOnlyList<ServiceProcess> services, ReadingBacklog backlog,
        IConnection connection)
    {
        var dashboard = services.Single(s => s.Name == "Nop.Dashboard");
        var sent = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        // Where a spike's time goes: when its NoiseSpikeDetected (the classifier's) and its AlertRaised (Alerting's,
        // after commit and relay) pass the broker, seen on a queue of the bench's own.
        await using var hops = await HopTimes.StartAsync(connection);
        var latencies = new ConcurrentBag<double>();
        // The measured spikes' sensors, and after them those of the spikes that warm the spike path up, measured
        // apart (see below).
        var count = Math.Min(settings.Spikes, sensors.Count - 1);
        var warmupSensors = sensors.Skip(count).Take(Math.Clamp(settings.SpikeWarmups, 0, sensors.Count - 1 - count))
            .ToFrozenSet(StringComparer.Ordinal);
        var warmupLatencies = new ConcurrentBag<double>();
        // The first spike's figure apart, handed over by the push itself: a poll of `sent` could see it removed before
        // the sample was added (a preempted thread), and it was then counted among the others.
        var first = sensors[^1];
        var firstLatency = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Each spike's sensor, posted and pushed at (UTC), to lay beside the services' logs (their hops' times).
        var trace = new ConcurrentQueue<string>();
        await using var hub =
            new HubConnectionBuilder().WithUrl(new Uri(dashboard.Address!, "/hubs/dashboard")).Build();
        hub.On<JsonElement>("Alert", change =>
        {
            var now = Stopwatch.GetTimestamp();
            if (change.GetProperty("kind").GetString() == "raised" && change.GetProperty("rule").GetString() == "spike"
                && change.GetProperty("sensorId").GetString() is { } sensorId && sent.TryRemove(sensorId, out var at))
            {
                var ms = Stopwatch.GetElapsedTime(at, now).TotalMilliseconds;
                if (sensorId == first)
                {
                    firstLatency.TrySetResult(ms);
                }
                else
                {
                    (warmupSensors.Contains(sensorId) ? warmupLatencies : latencies).Add(ms);
                }
                var label = warmupSensors.Contains(sensorId) ? "warm-up " + sensorId : sensorId;
                trace.Enqueue($"{label}\t{DateTime.UtcNow.AddMilliseconds(-ms):HH:mm:ss.fff}\t" +
                    $"{DateTime.UtcNow:HH:mm:ss.fff}\t{ms:0}\t{hops.Since(at, sensorId)}");
            }
        });
        await hub.StartAsync();

        // NOP_BENCH_ALERT_LOAD sets the background as a share of the sustained rate (default 0.5): near 0 it shows what
        // a spike's path costs with the machine idle, apart from what the load adds.
        var share = double.TryParse(Environment.GetEnvironmentVariable("NOP_BENCH_ALERT_LOAD"),
            NumberStyles.Float, CultureInfo.InvariantCulture, out var given) && given is >= 0 and <= 1 ? given : 0.5;
        var rate = Math.Max(100, results.PipelineReadingsPerS * share);
        results.AlertLoadReadingsPerS = Stats.Round(rate);
        using var stop = new CancellationTokenSource();
        var background = load.RunPacedAsync(rate, stop.Token);
        // The Dashboard has just started, and the background load's paths are new to it: it compiled for about 8.6 s
        // of CPU in the first 24 s here, and spikes posted meanwhile waited for a machine busy compiling.
        await Task.Delay(TimeSpan.FromSeconds(2));
        // The samplers below read each service's /metrics once a second while the spikes are measured: that path
        // is compiled before (see JitWatch.WarmUpAsync), until the warm-up spikes are done.
        using var scrapes = new JitWatch(services, "load generator");
        using var scrapesDone = new CancellationTokenSource();
        var scraping = scrapes.WarmUpAsync(scrapesDone.Token);
        await JitSettledAsync(services, "under the background load");
        // A spike waits behind the readings queued before it: said beside the latency.
        var waiting = await backlog.SampleAsync(load, 0);

        // The first alert after start-up pays for cold paths (JIT, EF Core's first queries and save, the relay's first
        // publish, about 3.5 s here) and every spike behind it would wait for it: measured apart, before the others.
        sent[first] = Stopwatch.GetTimestamp();
        await load.PostOneAsync(first, $"{run}-first-spike", 101, 105, CancellationToken.None);
        try
        {
            results.AlertLatencyFirstMs = Stats.Round(await firstLatency.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        }
        catch (TimeoutException)
        {
            results.AlertLatencyFirstMs = double.NaN;
        }
        // Not waited for any longer: if it comes later, it is neither the first's figure nor one of the others'.
        sent.TryRemove(first, out _);
        // What the first alert set compiling (every method on its path, optimised ones included) is part of its cost:
        // the spikes measured after it start once the JIT has settled again, as the throughput phases do.
        results.AlertJitSettleSeconds = await JitSettledAsync(services, "after the first alert");
        Console.WriteLine($"      first spike alert after start-up: {results.AlertLatencyFirstMs} ms; JIT settled " +
            $"{results.AlertJitSettleSeconds:0.#} s later");

        // Spikes call the spike path's methods once or a few times each: around the 30th the runtime recompiles them
        // optimised, with the profile it gathered (tiered compilation), and the processes compiled for 9-10 s of CPU
        // while the first 70 spikes were measured (Alerting 9 s). A running city's system has long done that: these
        // spikes, on sensors of their own, warm the path up; then the JIT settles once more and the spikes measured
        // meet compiled code. Their latencies are reported apart.
        // The bare broker's publish-to-consume latency beside the spikes (see BrokerProbe): what the broker gave any
        // client in the same seconds, the measure of the spikes' tail that is the broker's.
        await using var probe = await BrokerProbe.StartAsync();
        await PostSpikesAsync(load, sent, warmupSensors, $"{run}-warm-up", settings.SpikeInterval);
        await WaitForAlertsAsync(sent);
        await scrapesDone.CancelAsync();
        await scraping;
        var warmupSamples = warmupLatencies.ToArray();
        results.AlertLatencyWarmupP99Ms = Stats.Round(Stats.Percentile(warmupSamples, 99));
        results.AlertWarmupJitSettleSeconds = await JitSettledAsync(services, "after the warm-up spikes");
        Console.WriteLine($"      {warmupSamples.Length}/{warmupSensors.Count} warm-up spike alerts: p50 " +
            $"{Stats.Round(Stats.Percentile(warmupSamples, 50))} ms, " +
            $"p99 {results.AlertLatencyWarmupP99Ms} ms; JIT settled {results.AlertWarmupJitSettleSeconds:0.#} s later");

        // What each process compiles, and how long its collections pause it, while the spikes are measured, second by
        // second: a path new to a process or promoted to a higher tier, or a long collection, shows beside the spikes'
        // times.
        using var spikesDone = new CancellationTokenSource();
        var runtimeDuring = RuntimePerSecondAsync(services, spikesDone.Token);
        probe.Reset();
        await PostSpikesAsync(load, sent, sensors.Take(count), $"{run}-spike", settings.SpikeInterval);
        await WaitForAlertsAsync(sent);
        var probes = probe.Samples();
        await spikesDone.CancelAsync();
        var runtimeLines = await runtimeDuring;
        await stop.CancelAsync();
        await background;
        await File.WriteAllLinesAsync(Path.Combine(Repository.Root, "artifacts", "test-logs", "alert-runtime.tsv"),
            runtimeLines);

        await File.WriteAllLinesAsync(Path.Combine(Repository.Root, "artifacts", "test-logs", "alert-latency.tsv"),
            ["sensor\tposted\tpushed\ttotal ms\tto spike event ms\tto alert event ms", .. trace]);
        await File.WriteAllLinesAsync(Path.Combine(Repository.Root, "artifacts", "test-logs", "broker-probes.tsv"),
            ["taken\tms", .. probes.Select(p => $"{p.Taken:HH:mm:ss.fff}\t{p.Ms:0.0}")]);
        var probeMs = probes.Select(p => p.Ms).ToArray();
        results.AlertBrokerProbeP50Ms = Stats.Round(Stats.Percentile(probeMs, 50), 2);
        results.AlertBrokerProbeP99Ms = Stats.Round(Stats.Percentile(probeMs, 99), 2);
        var samples = latencies.ToArray();
        results.AlertsSent = count;
        results.AlertsMeasured = samples.Length;
        results.AlertLatencyP50Ms = Stats.Round(Stats.Percentile(samples, 50));
        results.AlertLatencyP99Ms = Stats.Round(Stats.Percentile(samples, 99));
        Console.WriteLine($"      {samples.Length}/{count} spike alerts at {rate:N0} readings/s: " +
            $"p50 {results.AlertLatencyP50Ms} ms, p99 {results.AlertLatencyP99Ms} ms; readings waiting when the " +
            $"first spike was posted: classifier {waiting.Classifier:N0}, aggregator {waiting.Aggregator:N0}; " +
            $"the bare broker meanwhile ({probes.Length:N0} small messages): p50 {results.AlertBrokerProbeP50Ms} ms, p99 " +
            $"{results.AlertBrokerProbeP99Ms} ms");
    }

    /// <summary>Seconds until the processes together compile for at most <see cref="Throughput.JitSettledMsPerS"/>
    /// over a second (at most 30 s); prints their JIT ms/s of each second and each one's JIT time meanwhile.</summary>
    private static async Task<double> JitSettledAsync(IEnumerable<ServiceProcess> services, string after)
    {
        using var jit = new JitWatch(services, "load generator");
        var started = Stopwatch.GetTimestamp();
        var first = await jit.SampleAsync();
        var before = first;
        var steps = new List<double>();
        while (Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var now = await jit.SampleAsync();
            steps.Add(JitWatch.MsBetween(before, now).Values.Sum());
            before = now;
            if (steps[^1] <= Throughput.JitSettledMsPerS)
                break;
        }
        var meanwhile = JitWatch.MsBetween(first, before).Select(p => $"{p.Key} {p.Value:0}");
        Console.WriteLine($"      JIT ms/s of all processes each second {after}: " +
            string.Join(", ", steps.Select(ms => $"{ms:0}")) + "; JIT ms meanwhile: " + string.Join(", ", meanwhile));
        return Stats.Round(Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>One spike reading (LAeq 101, LAmax 105) for each sensor, an interval apart, each timed from just before
    /// its POST (<paramref name="sent"/>).</summary>
    private static Task PostSpikesAsync(LoadGenerator load, ConcurrentDictionary<string, long> sent,
        IEnumerable<string> sensors, string idPrefix, TimeSpan interval) =>
        load.PostOneEachAsync(sensors, idPrefix, 101, 105, interval,
            (sensor, _) => sent[sensor] = Stopwatch.GetTimestamp());

    /// <summary>Until every spike posted has had its alert pushed, for at most 30 s.</summary>
    private static async Task WaitForAlertsAsync(ConcurrentDictionary<string, long> sent)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!sent.IsEmpty && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
    }

    /// <summary>Each second's JIT milliseconds and garbage-collection pause milliseconds per process until
    /// <paramref name="done"/>, as TSV lines (a header first); prints each process's totals.</summary>
    private static async Task<List<string>> RuntimePerSecondAsync(IEnumerable<ServiceProcess> services,
        CancellationToken done)
    {
        using var jit = new JitWatch(services, "load generator");
        var first = await jit.SampleAsync();
        var firstPauses = await jit.SampleGcPausesAsync();
        var (before, pausesBefore) = (first, firstPauses);
        var lines = new List<string>
        {
            "second\t" + string.Join('\t', first.Keys.Select(k => $"JIT ms {k}")
                .Concat(firstPauses.Keys.Select(k => $"GC pause ms {k}"))),
        };
        while (!done.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), done);
            }
            catch (OperationCanceledException)
            {
                // The last part-second is sampled below.
            }
            var now = await jit.SampleAsync();
            var pauses = await jit.SampleGcPausesAsync();
            var ms = JitWatch.MsBetween(before, now);
            var pauseMs = JitWatch.MsBetween(pausesBefore, pauses);
            lines.Add($"{DateTime.UtcNow:HH:mm:ss}\t" + string.Join('\t',
                first.Keys.Select(k => ms.TryGetValue(k, out var v) ? $"{v:0}" : "")
                    .Concat(firstPauses.Keys.Select(k => pauseMs.TryGetValue(k, out var v) ? $"{v:0}" : ""))));
            (before, pausesBefore) = (now, pauses);
        }
        Console.WriteLine("      while the spikes were measured, JIT ms: " +
            string.Join(", ", JitWatch.MsBetween(first, before).Select(p => $"{p.Key} {p.Value:0}")) +
            "; GC pause ms: " +
            string.Join(", ", JitWatch.MsBetween(firstPauses, pausesBefore).Select(p => $"{p.Key} {p.Value:0}")));
        return lines;
    }

    private static Dictionary<string, string> With(Dictionary<string, string> common,
        Dictionary<string, string> extra) =>
        common.Concat(extra).ToDictionary();
}
