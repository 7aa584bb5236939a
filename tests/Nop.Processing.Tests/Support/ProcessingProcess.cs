using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nop.Processing.Tests.Support;

/// <summary>
/// The real Processing service as a child process (the built Nop.Processing.dll, as <c>./nop up</c> runs it), so a
/// test can kill it outright: no graceful shutdown, no final checkpoint, unacked readings go back to the queue.
/// </summary>
internal sealed class ProcessingProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ProcessingProcess(Process process, Uri address) => (_process, Address) = (process, address);

    public Uri Address { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<ProcessingProcess> StartAsync(Uri brokerUri, string connectionString, IDictionary<string, string>? settings = null)
    {
        var dll = ServiceAssembly();
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", address.ToString()])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["RabbitMq__Uri"] = brokerUri.ToString();
        start.Environment["ConnectionStrings__Processing"] = connectionString;
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        var child = new ProcessingProcess(process, address);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Processing exited with {process.ExitCode}:\n{child.Output}");
            }
            try
            {
                using var response = await http.GetAsync(new Uri(address, "/health/ready"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return child;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            if (DateTime.UtcNow > deadline)
            {
                await child.DisposeAsync();
                throw new TimeoutException($"Processing did not become ready:\n{child.Output}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL: the process gets no chance to drain, checkpoint or ack.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary>The service's own build output, in the configuration this test assembly was built in.</summary>
    private static string ServiceAssembly()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testBin.Name;
        var configuration = testBin.Parent!.Name;
        var root = testBin;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "NOP.sln")))
        {
            root = root.Parent;
        }
        var dll = Path.Combine(root?.FullName ?? throw new InvalidOperationException("NOP.sln not found above " + testBin.FullName),
            "services", "Nop.Processing", "bin", configuration, framework, "Nop.Processing.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build services/Nop.Processing first", dll);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
