using System.Text.RegularExpressions;
using YamlDotNet.Serialization;

namespace Nop.Compose.Tests;

/// <summary>docker-compose.yml as Compose v1 resolves it, and the variables it and .env.example name.</summary>
public static partial class ComposeFile
{
    public const string Main = "docker-compose.yml";
    public const string Override = "docker-compose.override.yml";
    public const string TestOverride = "deploy/docker/compose.test.yml";
    public const string EnvExample = ".env.example";

    /// <summary><c>docker-compose config</c> with <paramref name="envFile"/> (and the given files).</summary>
    public static Task<CliResult> ConfigAsync(string envFile, params string[] files) =>
        Cli.RunAsync("docker-compose", ["--env-file", envFile, .. files.SelectMany(f => new[] { "-f", f }), "config"],
            TimeSpan.FromSeconds(60));

    /// <summary>The services of a resolved compose file, by name.</summary>
    public static Dictionary<string, Dictionary<object, object>> Services(string resolvedYaml)
    {
        var document = new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(resolvedYaml);
        return ((Dictionary<object, object>)document["services"])
            .ToDictionary(s => (string)s.Key, s => (Dictionary<object, object>)s.Value);
    }

    /// <summary>Variables the compose files interpolate (<c>${NAME...}</c>, not the escaped <c>$${NAME}</c>).</summary>
    public static IReadOnlySet<string> VariablesUsed(params string[] files) => files
        .SelectMany(f => Variable().Matches(WithoutComments(f)))
        .Select(m => m.Groups["name"].Value)
        .ToHashSet();

    /// <summary>Variables interpolated as required (<c>${NAME:?message}</c>).</summary>
    public static IReadOnlySet<string> RequiredVariables(string file) => RequiredVariable()
        .Matches(WithoutComments(file))
        .Select(m => m.Groups["name"].Value)
        .ToHashSet();

    /// <summary>The NAME=value lines of an env file.</summary>
    public static IReadOnlyDictionary<string, string> ReadEnvFile(string path) => File.ReadAllLines(path)
        .Select(l => l.Trim())
        .Where(l => l.Length > 0 && !l.StartsWith('#'))
        .Select(l => l.Split('=', 2))
        .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");

    /// <summary>A public placeholder of .env.example (change-me...), which ./nop up --docker refuses.</summary>
    public static bool IsPlaceholder(string value) => value.StartsWith("change-me", StringComparison.OrdinalIgnoreCase);

    public static void WriteEnvFile(string path, IEnumerable<KeyValuePair<string, string>> variables) =>
        File.WriteAllLines(path, variables.Select(v => $"{v.Key}={v.Value}"));

    /// <summary>A file of the repository without its comment lines.</summary>
    public static string WithoutComments(string file) =>
        string.Join('\n', File.ReadAllLines(Repo.PathOf(file)).Where(l => !l.TrimStart().StartsWith('#')));

    [GeneratedRegex(@"(?<!\$)\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Variable();

    [GeneratedRegex(@"(?<!\$)\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*):\?")]
    private static partial Regex RequiredVariable();
}
