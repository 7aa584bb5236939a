namespace Nop.Compose.Tests;

/// <summary>The Docker engine and tools on this machine, made ready by deploy/docker/local-images.sh.</summary>
public static class DockerHost
{
    private const string Script = "deploy/docker/local-images.sh";

    /// <summary>
    /// Makes sure the docker-compose client is installed (apt-get when root); fails with the reason otherwise.
    /// </summary>
    public static async Task EnsureToolsAsync()
    {
        if (File.Exists("/usr/bin/docker-compose") || File.Exists("/usr/local/bin/docker-compose"))
        {
            return;
        }
        (await Cli.RunAsync(Repo.PathOf(Script), ["--tools"], TimeSpan.FromMinutes(5))).EnsureSuccess();
    }

    /// <summary>Starts the engine when none answers; null when it answers, else why it cannot be had.</summary>
    public static async Task<string?> TryEnsureEngineAsync()
    {
        var result = await Cli.RunAsync(Repo.PathOf(Script), ["--engine"], TimeSpan.FromMinutes(5));
        return result.Succeeded ? null
            : $"no Docker engine could be started ({Script} --engine): {result.Error.Trim()}";
    }
}
