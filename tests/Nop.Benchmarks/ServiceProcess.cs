using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Nop.Benchmarks;

/// <summary>
/// One service as a child process, started as <c>./nop up</c> starts it: <c>dotnet &lt;its Release dll&gt; --urls
/// http://127.0.0.1:&lt;port&gt;</c> from its project folder, configured through environment variables. Output goes to
/// <c>artifacts/bench-logs/&lt;name&gt;.log</c> (warnings and errors only, so logging does not dominate).
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly string _name;
    private readonly Process _process;
    private readonly StreamWriter _log;

    private ServiceProcess(string name, Process process, StreamWriter log, Uri address)
    {
        _name = name;
        _process = process;
        _log = log;
        Address = address;
    }

    public Uri Address { get; }

    public string Name => _name;

    public static async Task<ServiceProcess> StartAsync(string project, IDictionary<string, string> environment)
    {
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet", [Repository.ServiceAssembly(project), "--urls", address.ToString().TrimEnd('/')])
        {
            WorkingDirectory = Path.Combine(Repository.Root, "services", project),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        var logs = Path.Combine(Repository.Root, "artifacts", "bench-logs");
        Directory.CreateDirectory(logs);
        var log = new StreamWriter(Path.Combine(logs, project + ".log"), append: false) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {project}");
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var service = new ServiceProcess(project, process, log, address);
        await service.WaitReadyAsync();
        return service;
    }

    /// <summary>The process's peak resident set (VmHWM), in MB.</summary>
    public double PeakMemoryMb()
    {
        try
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            var kb = line is null ? 0 : long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            return Math.Round(kb / 1024.0, 1);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            return double.NaN;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        await _log.DisposeAsync();
    }

    private async Task WaitReadyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{_name} exited with {_process.ExitCode}; see artifacts/bench-logs/{_name}.log");
            }
            try
            {
                using var response = await http.GetAsync(new Uri(Address, "/health/ready"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{_name} did not become ready on {Address}; see artifacts/bench-logs/{_name}.log");
            }
            await Task.Delay(200);
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.WriteLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
