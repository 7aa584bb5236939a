using System.Diagnostics;
using System.Text;

namespace Nop.Compose.Tests;

/// <summary>The outcome of a command: its exit code and its standard output and error.</summary>
public sealed record CliResult(string Command, int ExitCode, string Output, string Error)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>Throws with the command's output when it failed.</summary>
    public CliResult EnsureSuccess() => Succeeded
        ? this
        : throw new InvalidOperationException($"`{Command}` exited with {ExitCode}:\n{Tail(Error)}\n{Tail(Output)}");

    private static string Tail(string text, int lines = 40) => string.Join('\n', text.Split('\n').TakeLast(lines));
}

/// <summary>
/// Runs the command-line tools the compose tests drive (docker, docker-compose, the deploy scripts), bounded in time.
/// </summary>
public static class Cli
{
    public static async Task<CliResult> RunAsync(string file, IEnumerable<string> arguments, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = Repo.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        var command = file + " " + string.Join(' ', start.ArgumentList);

        using var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, e) =>
            { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) =>
            { if (e.Data is not null) { lock (error) { error.AppendLine(e.Data); } } };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException(
                $"`{command}` did not finish within {timeout.TotalSeconds:0} s:\n{error}\n{output}");
        }
        // The asynchronous readers may still be delivering the last lines.
        process.WaitForExit();
        return new CliResult(command, process.ExitCode, output.ToString(), error.ToString());
    }
}

/// <summary>The repository the tests run in.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NOP.sln"))
                && File.Exists(Path.Combine(dir.FullName, "docker-compose.yml")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("The repository root (NOP.sln, docker-compose.yml) is not above "
            + AppContext.BaseDirectory);
    }
}
