using System.Globalization;
using Nop.Testing;

namespace Nop.Benchmarks;

/// <summary>
/// Seconds each process of a chain has spent in the JIT so far: a service's from its <c>/metrics</c> (the runtime's
/// <c>dotnet.jit.compilation.time</c>, which counts tiered recompilation in the background too), this process's from
/// <see cref="System.Runtime.JitInfo"/>. The warm-up runs until these stop growing, so that the figures measured
/// after it are those of running services, not of processes still compiling their hot paths.
/// </summary>
public sealed class JitWatch : IDisposable
{
    private const string JitMetric = "dotnet_jit_compilation_time_seconds_total";
    private const string GcPauseMetric = "dotnet_gc_pause_time_seconds_total";
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly Dictionary<string, Uri> _services = new(StringComparer.Ordinal);

    public JitWatch(IEnumerable<ServiceProcess> services, string thisProcess)
    {
        ThisProcess = thisProcess;
        foreach (var service in services)
        {
            _services[service.Name] = new Uri(service.Address!, "/metrics");
        }
    }

    /// <summary>This process's name in the output (the load generator, or the raw chain's whole side).</summary>
    public string ThisProcess { get; }

    /// <summary>JIT seconds so far per process; a service whose figure cannot be read is left out.</summary>
    public async Task<Dictionary<string, double>> SampleAsync()
    {
        var seconds = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [ThisProcess] = System.Runtime.JitInfo.GetCompilationTime().TotalSeconds,
        };
        return await ReadAllAsync(JitMetric, seconds);
    }

    /// <summary>Seconds each process has been paused for garbage collection so far, read as
    /// <see cref="SampleAsync"/> reads the JIT's.</summary>
    public Task<Dictionary<string, double>> SampleGcPausesAsync() =>
        ReadAllAsync(GcPauseMetric, new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [ThisProcess] = GC.GetTotalPauseDuration().TotalSeconds,
        });

    /// <summary>
    /// Reads every service's <c>/metrics</c> until <paramref name="stop"/>, each 350 ms (the exporter answers from a
    /// cache for 300 ms). A read runs the metrics code in the service (the exporter's collection, Kestrel's response
    /// path, the runtime's process metrics), which the runtime recompiles optimised after about 30 calls: read once a
    /// second, that came 30 s into a measurement, in every service at once (hundreds of milliseconds of JIT each), so
    /// a sampler read that way disturbed what it watched. Run before the watching starts, it moves that ahead of it.
    /// </summary>
    public async Task WarmUpAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await SampleAsync();
            await SampleGcPausesAsync();
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(350), stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<Dictionary<string, double>> ReadAllAsync(string metric, Dictionary<string, double> seconds)
    {
        foreach (var (name, metrics) in _services)
        {
            if (await ReadAsync(metrics, metric) is { } value)
                seconds[name] = value;
        }
        return seconds;
    }

    /// <summary>Milliseconds each process compiled between two samples (a process missing from either is left
    /// out).</summary>
    public static Dictionary<string, double> MsBetween(Dictionary<string, double> before,
        Dictionary<string, double> after) =>
        after.Where(p => before.ContainsKey(p.Key))
            .ToDictionary(p => p.Key, p => (p.Value - before[p.Key]) * 1000, StringComparer.Ordinal);

    private async Task<double?> ReadAsync(Uri metrics, string metric)
    {
        try
        {
            var text = await _http.GetStringAsync(metrics);
            foreach (var line in text.AsSpan().EnumerateLines())
            {
                // e.g. dotnet_jit_compilation_time_seconds_total{otel_scope_name="System.Runtime"} 4.21 1733200000000
                if (!line.StartsWith(metric) || line.Length == metric.Length || line[metric.Length] is not ('{' or ' '))
                    continue;
                var value = line[metric.Length..];
                value = (value[0] == '{' ? value[(value.IndexOf('}') + 1)..] : value).Trim();
                var end = value.IndexOf(' ');
                return double.Parse(end < 0 ? value : value[..end], CultureInfo.InvariantCulture);
            }
        }
        catch (HttpRequestException)
        {
        }
        catch (TaskCanceledException)
        {
        }
        return null;
    }

    public void Dispose() => _http.Dispose();
}
