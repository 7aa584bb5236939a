using System.Diagnostics;
using Nop.Testing;

namespace Nop.Benchmarks;

/// <summary>CPU seconds used so far by the processes a chain runs in, for the CPU each spends per reading.</summary>
public static class ProcessCpu
{
    /// <summary>The broker: every <c>beam.smp</c> on this machine (the shared broker is the only one).</summary>
    public static double BrokerSeconds() => Directory.EnumerateDirectories("/proc")
        .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
        .Where(pid => pid > 0 && File.Exists($"/proc/{pid}/comm")
            && ReadQuietly($"/proc/{pid}/comm").Trim() == "beam.smp")
        .Sum(ServiceProcess.CpuSecondsOf);

    /// <summary>This process: the load generator, and for the raw chain its endpoint and consumers too.</summary>
    public static double ThisProcessSeconds()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime.TotalSeconds;
    }

    /// <summary>µs of CPU per reading for each process between two readings of <see cref="ProcessCpu"/>.</summary>
    public static void PerReading(IReadOnlyDictionary<string, double> before, IReadOnlyDictionary<string, double> after,
        long readings, IDictionary<string, double> into)
    {
        foreach (var (process, seconds) in after)
        {
            into[process] = Stats.Round((seconds - before[process]) * 1e6 / Math.Max(1, readings));
        }
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
}
