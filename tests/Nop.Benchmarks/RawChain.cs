using System.Globalization;
using Nop.Messaging;
using Nop.Testing;
using RabbitMQ.Client;

namespace Nop.Benchmarks;

/// <summary>
/// The raw chain: the pipeline's hops with no NOP logic, in this process, on a fresh virtual host with the
/// pipeline's topology (declared by <see cref="Topology"/> with the services' default arguments: <c>nop.readings</c>
/// → quorum queue <c>processing.classifier</c>, and its bucket bindings → 8 quorum partition queues).
/// <see cref="RawChainEndpoint"/> takes the load generator's packets, <see cref="RawChainConsumers"/> take the
/// messages off; measured by <see cref="Throughput"/> as the pipeline is. The limit for these hops on this machine,
/// and the denominator of the ratio.
/// </summary>
public static class RawChain
{
    private const int Partitions = 8;

    // Each run adds its figures: the rate is the mean of the runs, the CPU per reading too.
    public static async Task RunAsync(BenchSettings settings, BenchResults results)
    {
        var vhost = await TestBroker.CreateVirtualHostAsync("bench-chain");
        try
        {
            var factory = new ConnectionFactory { Uri = vhost.Uri, ClientProvidedName = "nop-bench-chain" };
            await using var publishing = await factory.CreateConnectionAsync();
            await using var consuming = await factory.CreateConnectionAsync();
            await using var monitor = await consuming.CreateChannelAsync();
            await DeclareTopologyAsync(monitor);

            await using var consumers = await RawChainConsumers.StartAsync(consuming, Partitions);
            await using var endpoint = await RawChainEndpoint.StartAsync(publishing);
            var run = "c" + DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            using var load = new LoadGenerator(endpoint.Address, LoadGenerator.BenchSensors(), run);

            var backlog = new ReadingBacklog(monitor, Partitions, LoadGenerator.PacketReadings);
            using var jit = new JitWatch([], "bench process");
            var warmup = await Throughput.WarmUpAsync(settings, load, backlog, jit);
            var cpuBefore = Cpu();
            var figures = await Throughput.MeasureAsync(settings, load, backlog, warmup);
            var cpu = new Dictionary<string, double>(StringComparer.Ordinal);
            ProcessCpu.PerReading(cpuBefore, Cpu(), figures.Readings, cpu);
            var runs = results.RawChainRuns.Count;
            foreach (var (process, us) in cpu)
            {
                var mean = (results.RawChainCpuUsPerReading.GetValueOrDefault(process) * runs + us) / (runs + 1);
                results.RawChainCpuUsPerReading[process] = Stats.Round(mean);
            }
            results.RawChainPhases ??= figures;
            results.RawChainRuns.Add(figures.SustainedReadingsPerS);
            Console.WriteLine($"      readings deserialised: {consumers.Classified:N0} off the classifier queue, " +
                $"{consumers.Partitioned:N0} off the partitions; CPU per reading: " +
                string.Join(", ", cpu.Select(c => $"{c.Key} {c.Value:N1} µs")));
            if (results.AlertLoadReadingsPerS > 0 && results.RawChainProbeP99Ms == 0)
            {
                await MeasureProbesAsync(settings, results, load, consumers);
            }
        }
        finally
        {
            await Phases.DeleteQuietlyAsync(vhost);
        }
    }

    /// <summary>
    /// The raw chain's hop timed as the pipeline's spikes are, under the same background load for as long: the
    /// reading-to-alert phase's rate (half the pipeline's sustained rate), and one reading of its own every spike
    /// interval, timed from just before its POST until the classifier queue's consumer takes it (first as many
    /// unmeasured as the pipeline's warm-up spikes). The broker under that load (e.g. a quorum queue's write-ahead log
    /// rolled over and written to its segments every 20–45 s here) is in both figures; the raw broker's
    /// publish-to-consume latency, 3–15 s of small messages, rarely meets it.
    /// </summary>
    private static async Task MeasureProbesAsync(BenchSettings settings, BenchResults results, LoadGenerator load,
        RawChainConsumers consumers)
    {
        var sensors = LoadGenerator.BenchSensors();
        using var stop = new CancellationTokenSource();
        var background = load.RunPacedAsync(results.AlertLoadReadingsPerS, stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(2));
        await load.PostOneEachAsync(sensors.Take(settings.SpikeWarmups), "probe-warm-up", 45, 50,
            settings.SpikeInterval, (_, id) => consumers.Probe(id));
        await Task.Delay(TimeSpan.FromSeconds(1));
        consumers.ResetProbeLatencies();
        await load.PostOneEachAsync(sensors.Take(settings.Spikes), "probe", 45, 50, settings.SpikeInterval,
            (_, id) => consumers.Probe(id));
        await Task.Delay(TimeSpan.FromSeconds(2));
        await stop.CancelAsync();
        await background;
        var probes = consumers.ProbeLatencies.ToArray();
        await File.WriteAllLinesAsync(Path.Combine(Repository.Root, "artifacts", "test-logs", "raw-chain-probes.tsv"),
            ["taken\tms", .. probes.Select(p => $"{p.Taken:HH:mm:ss.fff}\t{p.Ms:0.0}")]);
        var samples = probes.Select(p => p.Ms).ToArray();
        results.RawChainProbeP50Ms = Stats.Round(Stats.Percentile(samples, 50));
        results.RawChainProbeP99Ms = Stats.Round(Stats.Percentile(samples, 99));
        Console.WriteLine($"      {samples.Length}/{settings.Spikes} readings POST to classifier consumer at " +
            $"{results.AlertLoadReadingsPerS:N0} readings/s: p50 {results.RawChainProbeP50Ms} ms, " +
            $"p99 {results.RawChainProbeP99Ms} ms");
    }

    private static async Task DeclareTopologyAsync(IChannel channel)
    {
        var options = new RabbitMqOptions();
        await Topology.DeclareExchangesAsync(channel);
        var queues = Enumerable.Range(0, Partitions).Select(p => Topology.AggregatorPartition(p, Partitions))
            .Prepend(Topology.ProcessingClassifier);
        foreach (var queue in queues)
        {
            await Topology.DeclareQueueAsync(channel, queue, options.DeliveryLimit, options.MaxQueueLength);
        }
    }

    private static Dictionary<string, double> Cpu() => new(StringComparer.Ordinal)
    {
        ["RabbitMQ"] = ProcessCpu.BrokerSeconds(),
        ["bench process (endpoint, consumers, load generator)"] = ProcessCpu.ThisProcessSeconds(),
    };
}
