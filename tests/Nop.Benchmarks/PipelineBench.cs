using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Nop.Contracts;
using Nop.Testing;
using RabbitMQ.Client;

namespace Nop.Benchmarks;

/// <summary>
/// The pipeline as <c>./nop up</c> runs it: Alerting, Processing and Ingest as processes on a fresh virtual host with
/// SQLite files in a temporary folder, loaded with batched HTTP posts; then the Dashboard, and reading-to-alert
/// latency at half the sustained rate, measured on a SignalR client.
/// </summary>
public static class PipelineBench
{
    private const int Partitions = 8;

    public static async Task RunAsync(BenchSettings settings, BenchResults results)
    {
        results.PipelineReadingsPerS = 0;
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
                ["ConnectionStrings:Alerting"] = $"Data Source={Path.Combine(data.FullName, "alerting.db")}",
            }));
            var processing = ServiceProcess.StartServiceAsync("Nop.Processing", With(common, new()
            {
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
            }));
            services.Add(ingest);

            var sensors = LoadGenerator.BenchSensors();
            var run = "b" + DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            using var load = new LoadGenerator(ingest.Address!, sensors, run);
            var factory = new ConnectionFactory { Uri = vhost.Uri, ClientProvidedName = "nop-bench-monitor" };
            await using var connection = await factory.CreateConnectionAsync();
            await using var monitor = await connection.CreateChannelAsync();

            var cpuBefore = CpuSeconds(services);
            var acceptedBefore = load.Accepted;
            await MeasureThroughputAsync(settings, results, load, monitor);
            var cpuAfter = CpuSeconds(services);
            foreach (var (process, seconds) in cpuAfter)
            {
                results.CpuUsPerReading[process] = Stats.Round((seconds - cpuBefore[process]) * 1e6 / Math.Max(1, load.Accepted - acceptedBefore));
            }
            Console.WriteLine("      CPU per reading: " + string.Join(", ", results.CpuUsPerReading.Select(c => $"{c.Key} {c.Value:N0} µs")));

            var dashboard = await ServiceProcess.StartServiceAsync("Nop.Dashboard", With(common, new()
            {
                ["Dashboard:CatalogPath"] = LoadGenerator.CataloguePath,
            }));
            services.Add(dashboard);
            await MeasureAlertLatencyAsync(settings, results, load, sensors, run, dashboard);
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

    /// <summary>
    /// Two phases. Flat out: senders post back to back; Ingest's accepted rate is the offer, and each consumer's rate
    /// is the offer minus how fast its backlog (messages ready, exact over AMQP) grew; then the backlog drains, and
    /// all accepted readings ÷ the time until both consumers' queues were empty is the drained rate. On two shared
    /// cores a flat-out Ingest starves the consumers, so that phase overstates Ingest and understates them. Paced: the
    /// drained rate offered at a steady pace (open loop); what both consumers take at that pace (the offer minus
    /// backlog growth) is the sustained rate. With no backlog growth it equals the offer.
    /// </summary>
    private static async Task MeasureThroughputAsync(BenchSettings settings, BenchResults results, LoadGenerator load, IChannel monitor)
    {
        var started = Stopwatch.GetTimestamp();
        var (from, to) = await RunPhaseAsync(settings, load, monitor, started, stop => load.RunFlatOutAsync(settings.Senders, settings.BatchSize, stop), settings.FlatOutDuration);
        var seconds = to.At - from.At;
        var offered = to.Accepted - from.Accepted;
        results.IngestAcceptedReadingsPerS = Stats.Round(offered / seconds);
        results.ClassifierReadingsPerS = Stats.Round((offered - (to.Classifier - from.Classifier)) / seconds);
        results.AggregatorReadingsPerS = Stats.Round((offered - (to.Aggregator - from.Aggregator)) / seconds);
        Console.WriteLine($"      flat out {seconds:0.0} s: ingest {results.IngestAcceptedReadingsPerS:N0}/s, classifier {results.ClassifierReadingsPerS:N0}/s, " +
            $"aggregator {results.AggregatorReadingsPerS:N0}/s; backlog at the end: classifier {to.Classifier:N0}, aggregator {to.Aggregator:N0}");

        var total = load.Accepted;
        var last = await DrainAsync(load, monitor, started, settings.FlatOutDuration * 3);
        results.PipelineDrainedReadingsPerS = Stats.Round((total - Math.Max(last.Classifier, last.Aggregator)) / last.At);
        Console.WriteLine($"      {total:N0} readings accepted ({load.Retries:N0} retried 429/503, {load.Failures} failed), drained after {last.At:0.0} s: " +
            $"{results.PipelineDrainedReadingsPerS:N0}/s");

        // Paced steps from the drained rate upwards (full run), stopping at the first with backlog growth: the
        // sustained rate is the most both consumers took at a steady pace (offer minus growth).
        foreach (var factor in settings.PacedSteps)
        {
            var rate = Math.Max(100, results.PipelineDrainedReadingsPerS * factor);
            var pacedStart = Stopwatch.GetTimestamp();
            (from, to) = await RunPhaseAsync(settings, load, monitor, pacedStart, stop => load.RunPacedAsync(rate, settings.BatchSize, stop), settings.PacedDuration);
            seconds = to.At - from.At;
            offered = to.Accepted - from.Accepted;
            var offeredPerS = offered / seconds;
            var classifierGrowth = (to.Classifier - from.Classifier) / seconds;
            var aggregatorGrowth = (to.Aggregator - from.Aggregator) / seconds;
            var sustained = offeredPerS - Math.Max(0, Math.Max(classifierGrowth, aggregatorGrowth));
            Console.WriteLine($"      paced at {rate:N0}/s for {seconds:0.0} s: offered {offeredPerS:N0}/s, backlog growth classifier " +
                $"{classifierGrowth:N0}/s, aggregator {aggregatorGrowth:N0}/s: consumed {sustained:N0}/s");
            if (sustained > results.PipelineReadingsPerS)
            {
                results.PacedOfferedReadingsPerS = Stats.Round(offeredPerS);
                results.PacedClassifierBacklogGrowthPerS = Stats.Round(classifierGrowth);
                results.PacedAggregatorBacklogGrowthPerS = Stats.Round(aggregatorGrowth);
                results.PipelineReadingsPerS = Stats.Round(sustained);
            }
            await DrainAsync(load, monitor, pacedStart, settings.PacedDuration * 2);
            // Growth beyond 2 % of the offer: this pace is past what the pipeline sustains.
            if (Math.Max(classifierGrowth, aggregatorGrowth) > 0.02 * offeredPerS)
            {
                break;
            }
        }
        results.PipelineReadings = load.Accepted;
        results.PipelineRetries = load.Retries;
        results.Ratio = results.RawBrokerMsgsPerS > 0 ? Math.Round(results.PipelineReadingsPerS / results.RawBrokerMsgsPerS, 3) : double.NaN;
        Console.WriteLine($"      sustained {results.PipelineReadingsPerS:N0} readings/s; ratio {results.Ratio}");
    }

    /// <summary>CPU seconds used so far by each service, the broker (beam.smp) and this process (the load generator).</summary>
    private static Dictionary<string, double> CpuSeconds(IEnumerable<ServiceProcess> services)
    {
        var cpu = services.ToDictionary(s => s.Name, s => s.CpuSeconds(), StringComparer.Ordinal);
        var broker = Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && File.Exists($"/proc/{pid}/comm") && ReadQuietly($"/proc/{pid}/comm").Trim() == "beam.smp")
            .Sum(ServiceProcess.CpuSecondsOf);
        cpu["RabbitMQ"] = broker;
        cpu["load generator"] = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        return cpu;
    }

    private static string ReadQuietly(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>Runs a load for <paramref name="duration"/> and samples after the warm-up and at the end.</summary>
    private static async Task<(Sample From, Sample To)> RunPhaseAsync(BenchSettings settings, LoadGenerator load, IChannel monitor, long started,
        Func<CancellationToken, Task> run, TimeSpan duration)
    {
        using var stop = new CancellationTokenSource();
        var sending = run(stop.Token);
        await Task.Delay(settings.Warmup);
        var from = await SampleAsync(load, monitor, started);
        await Task.Delay(duration - settings.Warmup);
        var to = await SampleAsync(load, monitor, started);
        await stop.CancelAsync();
        await sending;
        return (from, to);
    }

    /// <summary>Waits (at most <paramref name="limit"/>) until no reading waits in the classifier's or a partition's queue.</summary>
    private static async Task<Sample> DrainAsync(LoadGenerator load, IChannel monitor, long started, TimeSpan limit)
    {
        var deadline = Stopwatch.GetElapsedTime(started) + limit;
        while (true)
        {
            var sample = await SampleAsync(load, monitor, started);
            if ((sample.Classifier == 0 && sample.Aggregator == 0) || Stopwatch.GetElapsedTime(started) > deadline)
            {
                return sample;
            }
            await Task.Delay(100);
        }
    }

    private static async Task<Sample> SampleAsync(LoadGenerator load, IChannel monitor, long started)
    {
        var accepted = load.Accepted;
        var classifier = (await monitor.QueueDeclarePassiveAsync(Queues.ProcessingClassifier)).MessageCount;
        long aggregator = 0;
        for (var i = 0; i < Partitions; i++)
        {
            aggregator += (await monitor.QueueDeclarePassiveAsync(Queues.AggregatorPartition(i))).MessageCount;
        }
        return new Sample(Stopwatch.GetElapsedTime(started).TotalSeconds, accepted, classifier, aggregator);
    }

    /// <summary>
    /// Background readings at half the sustained rate, and meanwhile one reading over the spike level (LAeq 101) every
    /// interval, each of another sensor (a second spike of a sensor with an open alert only recurs, which is not
    /// published). Latency: from just before the POST to the <c>raised</c> spike alert of that sensor on a SignalR client.
    /// </summary>
    private static async Task MeasureAlertLatencyAsync(BenchSettings settings, BenchResults results, LoadGenerator load, IReadOnlyList<string> sensors,
        string run, ServiceProcess dashboard)
    {
        var sent = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var latencies = new ConcurrentBag<double>();
        await using var hub = new HubConnectionBuilder().WithUrl(new Uri(dashboard.Address!, "/hubs/dashboard")).Build();
        hub.On<JsonElement>("Alert", change =>
        {
            var now = Stopwatch.GetTimestamp();
            if (change.GetProperty("kind").GetString() == "raised" && change.GetProperty("rule").GetString() == "spike"
                && change.GetProperty("sensorId").GetString() is { } sensorId && sent.TryRemove(sensorId, out var at))
            {
                latencies.Add(Stopwatch.GetElapsedTime(at, now).TotalMilliseconds);
            }
        });
        await hub.StartAsync();

        var rate = Math.Max(100, results.PipelineReadingsPerS / 2);
        results.AlertLoadReadingsPerS = Stats.Round(rate);
        using var stop = new CancellationTokenSource();
        var background = load.RunPacedAsync(rate, settings.BatchSize, stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(2));

        var count = Math.Min(settings.Spikes, sensors.Count);
        var posts = new List<Task>();
        for (var i = 0; i < count; i++)
        {
            var sensor = sensors[i];
            sent[sensor] = Stopwatch.GetTimestamp();
            posts.Add(load.PostOneAsync(sensor, $"{run}-spike-{i}", 101, 105, CancellationToken.None));
            await Task.Delay(settings.SpikeInterval);
        }
        await Task.WhenAll(posts);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!sent.IsEmpty && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        await stop.CancelAsync();
        await background;

        var samples = latencies.ToArray();
        results.AlertsSent = count;
        results.AlertsMeasured = samples.Length;
        results.AlertLatencyP50Ms = Stats.Round(Stats.Percentile(samples, 50));
        results.AlertLatencyP99Ms = Stats.Round(Stats.Percentile(samples, 99));
        Console.WriteLine($"      {samples.Length}/{count} spike alerts at {rate:N0} readings/s: p50 {results.AlertLatencyP50Ms} ms, p99 {results.AlertLatencyP99Ms} ms");
    }

    private static Dictionary<string, string> With(Dictionary<string, string> common, Dictionary<string, string> extra) =>
        common.Concat(extra).ToDictionary();

    private sealed record Sample(double At, long Accepted, long Classifier, long Aggregator);
}
