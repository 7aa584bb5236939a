using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nop.Testing;

/// <summary>
/// One NOP program as a child process, started the way <c>./nop up</c> starts it: <c>dotnet &lt;its built dll&gt;</c>
/// from its project folder, configured through environment variables. Its output goes to <c>artifacts/test-logs/&lt;log
/// name&gt;.log</c>. The test project must build the service (a ProjectReference with
/// <c>ReferenceOutputAssembly="false"</c>).
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly string _name;
    private readonly ProcessStartInfo _start;
    private readonly string _logPath;
    private readonly StreamWriter _log;
    private readonly StringBuilder _tail = new();
    private Process? _process;

    private ServiceProcess(string name, ProcessStartInfo start, Uri? address, string? logName)
    {
        _name = name;
        _start = start;
        Address = address;
        var logs = Path.Combine(Repository.Root, "artifacts", "test-logs");
        Directory.CreateDirectory(logs);
        _logPath = Path.Combine(logs, (logName ?? name) + ".log");
        _log = new StreamWriter(_logPath, append: false) { AutoFlush = true };
    }

    /// <summary>The service's base address (null for the simulator).</summary>
    public Uri? Address { get; }

    /// <summary>Whether the process is not running.</summary>
    public bool HasExited => _process?.HasExited ?? true;

    /// <summary>
    /// The OS process id while it runs (a test may freeze it with SIGSTOP); null before start and after stop.
    /// </summary>
    public int? ProcessId => _process?.Id;

    /// <summary>The project it runs, e.g. <c>Nop.Ingest</c>.</summary>
    public string Name => _name;

    /// <summary>The process's peak resident set so far (VmHWM from /proc), in MB; NaN when it cannot be read.</summary>
    public double PeakMemoryMb()
    {
        try
        {
            var line = File.ReadLines($"/proc/{_process?.Id}/status")
                .FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            var kb = line is null ? 0 : long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0],
                System.Globalization.CultureInfo.InvariantCulture);
            return Math.Round(kb / 1024.0, 1);
        }
        catch (Exception ex) when (
            ex is IOException or InvalidOperationException or UnauthorizedAccessException or FormatException)
        {
            return double.NaN;
        }
    }

    /// <summary>CPU time (user + system) the process has used so far, in seconds; NaN when it cannot be read.</summary>
    public double CpuSeconds() => _process is { } process ? CpuSecondsOf(process.Id) : double.NaN;

    /// <summary>
    /// CPU time (user + system) of any process from /proc/&lt;pid&gt;/stat, in seconds; NaN when it cannot be read.
    /// </summary>
    public static double CpuSecondsOf(int pid)
    {
        try
        {
            // Fields after the command name (which may contain spaces): state is field 3, utime 14, stime 15.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture)
                + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
            return ticks / 100.0; // USER_HZ is 100 on Linux
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException
            or ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            return double.NaN;
        }
    }

    /// <summary>Everything the process wrote, in every run so far (its log file in artifacts/test-logs).</summary>
    public string Output()
    {
        using var reader =
            new StreamReader(new FileStream(_logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        return reader.ReadToEnd();
    }

    /// <summary>The last lines the process wrote, for failure messages.</summary>
    public string Tail
    {
        get
        {
            lock (_tail)
            {
                return _tail.ToString();
            }
        }
    }

    /// <summary>
    /// Starts a service on a free loopback port (or first on <paramref name="port"/>, to test a taken one) and waits
    /// until it answers 200 on <c>/health/ready</c>.
    /// </summary>
    /// <remarks>A free port is free only until someone binds it: another test's service can be handed the same one
    /// between <see cref="FreePort"/> and its bind (seen in CI: a Dashboard replica exited with "address already in
    /// use" while the other service answered its readiness probe). So readiness counts only when this process holds
    /// the listening socket, and a start that lost its port is tried again on another.</remarks>
    public static Task<ServiceProcess> StartServiceAsync(string project, IDictionary<string, string> environment,
        string? logName = null, int? port = null) =>
        StartListeningAsync(address => new ServiceProcess(project,
            StartInfo(project, ["--urls", address.ToString().TrimEnd('/')], environment), address, logName), port);

    /// <summary>Starts a web service from a given build (e.g. an older version's, to compare) on a free loopback port,
    /// in <paramref name="workingDirectory"/>, and waits until it is ready.</summary>
    public static Task<ServiceProcess> StartAssemblyAsync(string assembly, string workingDirectory,
        IDictionary<string, string> environment, string logName) =>
        StartListeningAsync(address => new ServiceProcess(Path.GetFileNameWithoutExtension(assembly),
            StartInfo(assembly, workingDirectory, ["--urls", address.ToString().TrimEnd('/')], environment), address,
            logName), port: null);

    /// <summary>Starts a program that is not a web service (the simulator).</summary>
    public static async Task<ServiceProcess> StartProgramAsync(string project, IReadOnlyList<string> arguments,
        IDictionary<string, string> environment,
        string? logName = null)
    {
        return await StartedAsync(new ServiceProcess(project, StartInfo(project, arguments, environment), null,
            logName));
    }

    // The start on a loopback address, again on another free port when the first was taken (see StartServiceAsync).
    private static async Task<ServiceProcess> StartListeningAsync(Func<Uri, ServiceProcess> on, int? port)
    {
        for (var attempt = 1; ; attempt++)
        {
            var address = new Uri($"http://127.0.0.1:{(attempt == 1 ? port : null) ?? FreePort()}");
            try
            {
                return await StartedAsync(on(address));
            }
            catch (PortTakenException) when (attempt < 3)
            {
                // Again, on another port.
            }
        }
    }

    private static async Task<ServiceProcess> StartedAsync(ServiceProcess process)
    {
        try
        {
            await process.StartAsync();
            return process;
        }
        catch
        {
            await process.DisposeAsync(); // a service that never got ready must not outlive the test run
            throw;
        }
    }

    /// <summary>Starts the process (again, after <see cref="StopAsync"/>) and waits for readiness.</summary>
    public async Task StartAsync()
    {
        _log.WriteLine($"---- starting {_name} at {DateTimeOffset.UtcNow:O}");
        var process = Process.Start(_start) ?? throw new InvalidOperationException($"could not start {_name}");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        if (Address is null)
        {
            return;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            if (process.HasExited)
            {
                // Until its output is read to the end, the tail may lack the last lines, the reason among them.
                await process.WaitForExitAsync();
                var tail = Tail;
                var message = $"{_name} exited with {process.ExitCode}:\n{tail}";
                throw tail.Contains("address already in use", StringComparison.Ordinal)
                    ? new PortTakenException(message)
                    : new InvalidOperationException(message);
            }
            try
            {
                using var response = await http.GetAsync(new Uri(Address, "/health/ready"));
                if (response.StatusCode == HttpStatusCode.OK && Listens(process.Id, Address.Port))
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
                throw new TimeoutException($"{_name} did not become ready on {Address}:\n{Tail}");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>Kills the process (no graceful shutdown).</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        _process?.Dispose();
        _process = null;
        _log.WriteLine($"---- stopped {_name} at {DateTimeOffset.UtcNow:O}");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _log.DisposeAsync();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_tail)
        {
            _log.WriteLine(line);
            _tail.AppendLine(line);
            if (_tail.Length > 20_000)
            {
                _tail.Remove(0, _tail.Length - 10_000);
            }
        }
    }

    // As ./nop up: from the project folder, so relative paths (the catalogue, the page) resolve the same way.
    private static ProcessStartInfo StartInfo(string project, IReadOnlyList<string> arguments,
        IDictionary<string, string> environment) =>
        StartInfo(Repository.ServiceAssembly(project), Path.Combine(Repository.Root, "services", project), arguments,
            environment);

    private static ProcessStartInfo StartInfo(string dll, string workingDirectory, IReadOnlyList<string> arguments,
        IDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet", [dll, .. arguments])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        foreach (var (key, value) in environment)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        return start;
    }

    /// <summary>
    /// Whether process <paramref name="pid"/> holds the socket listening on 127.0.0.1:<paramref name="port"/>: its
    /// inode in /proc/net/tcp (state 0A, LISTEN) among the process's descriptors.
    /// </summary>
    public static bool Listens(int pid, int port)
    {
        var local = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"0100007F:{port:X4}");
        var sockets = File.ReadLines("/proc/net/tcp").Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields[1] == local && fields[3] == "0A")
            .Select(fields => $"socket:[{fields[9]}]")
            .ToHashSet(StringComparer.Ordinal);
        try
        {
            return sockets.Count > 0 && Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd")
                .Any(fd => new FileInfo(fd).LinkTarget is { } target && sockets.Contains(target));
        }
        catch (IOException)
        {
            return false; // a descriptor closed meanwhile, or the process exited (StartAsync then says why)
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Where the repository and the services' build output are.</summary>
public static class Repository
{
    /// <summary>The folder holding NOP.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// A service's own build output, in the configuration this test assembly was built in (Debug or Release).
    /// </summary>
    public static string ServiceAssembly(string project)
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testBin.Name;
        var configuration = testBin.Parent!.Name;
        var dll = Path.Combine(Root, "services", project, "bin", configuration, framework, project + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException(
            $"{dll} is not built: build the test project (it builds the services).", dll);
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory =
            directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "NOP.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("NOP.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A service exited at start because another process had taken its port.</summary>
public sealed class PortTakenException(string message) : InvalidOperationException(message);
