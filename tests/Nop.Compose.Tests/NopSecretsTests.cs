using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Nop.Compose.Tests;

/// <summary>
/// <c>./nop up --docker</c> refuses the public placeholders of .env.example, and <c>./nop secrets --generate</c>
/// replaces them with random values and writes a catalogue with fresh keys. Runs ./nop on a temporary env file
/// (NOP_ENV_FILE) without a terminal; the refusal comes before anything touches Docker.
/// </summary>
public sealed class NopSecretsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nop-secrets-").FullName;
    private readonly string _envFile;

    public NopSecretsTests()
    {
        _envFile = Path.Combine(_dir, "env");
        var example = ComposeFile.ReadEnvFile(Repo.PathOf(ComposeFile.EnvExample)).ToDictionary();
        example["NOP_SENSOR_CATALOG"] = Path.Combine(_dir, "sensors.json");
        example["NOP_SENSOR_KEYS"] = Path.Combine(_dir, "sensor-keys.json");
        example["NOP_DASHBOARD_OPERATORS"] = Path.Combine(_dir, "operators.json");
        ComposeFile.WriteEnvFile(_envFile, example);
    }

    [Fact]
    public async Task Up_docker_without_a_terminal_refuses_the_placeholders_and_says_how_to_generate()
    {
        var before = await File.ReadAllTextAsync(_envFile);

        var result = await NopAsync("up", "--docker");

        result.ExitCode.ShouldNotBe(0);
        foreach (var name in ComposeFile.ReadEnvFile(_envFile).Where(v => ComposeFile.IsPlaceholder(v.Value)))
        {
            result.Error.ShouldContain($"{name.Key} is still the public placeholder");
        }
        result.Error.ShouldContain("sensor catalogue");
        result.Error.ShouldContain("--generate-secrets");
        (await File.ReadAllTextAsync(_envFile)).ShouldBe(before);
    }

    [Fact]
    public async Task Refuses_the_development_catalogue_and_the_placeholder_operator_hash()
    {
        await GenerateAsync();
        File.Copy(Repo.PathOf("deploy/sensors.dev.json"), Path.Combine(_dir, "sensors.json"), overwrite: true);
        // The hash of "change-me-operator" that .env.example shipped before.
        await File.WriteAllTextAsync(Path.Combine(_dir, "operators.json"), """
            [{"name": "operator", "passwordHash":
              "AQAAAAIAAYagAAAAEDyVsK0vkvrk07PFCEwAREZw3lgsQUXk9tVB3TnEaQHzSEowVrFqf0vK2FHJQhXrcQ=="}]
            """);

        var result = await NopAsync("up", "--docker");

        result.ExitCode.ShouldNotBe(0);
        result.Error.ShouldContain("has development keys");
        result.Error.ShouldContain("placeholder hash");
    }

    [Fact]
    public async Task Secrets_generate_writes_random_secrets_and_a_catalogue_with_fresh_keys()
    {
        await GenerateAsync();

        var env = ComposeFile.ReadEnvFile(_envFile);
        var example = ComposeFile.ReadEnvFile(Repo.PathOf(ComposeFile.EnvExample));
        var secrets = example.Where(v => ComposeFile.IsPlaceholder(v.Value)).Select(v => env[v.Key]).ToList();
        secrets.Count.ShouldBeGreaterThanOrEqualTo(15);
        secrets.ShouldAllBe(v => !ComposeFile.IsPlaceholder(v) && v.Length >= 40);
        secrets.Distinct().Count().ShouldBe(secrets.Count);
        // SQL Server's policy (three of four kinds) and URL-safe for the URIs and connection strings.
        secrets.ShouldAllBe(v => v.Any(char.IsUpper) && v.Any(char.IsLower) && v.Any(char.IsDigit)
            && v.All(c => char.IsAsciiLetterOrDigit(c) || "-._~".Contains(c)));
        // The admin token has no placeholder (empty: /admin answers 404), so it is generated when empty.
        env["NOP_ADMIN_TOKEN"].ShouldMatch("^[0-9a-f]{64}$");
        // The services refuse a metrics token under 32 characters (Metrics:Token, like Admin:Token).
        ComposeFile.IsPlaceholder(example["NOP_METRICS_TOKEN"]).ShouldBeTrue();
        env["NOP_METRICS_TOKEN"].Length.ShouldBeGreaterThanOrEqualTo(32);

        var keys = JsonSerializer.Deserialize<Dictionary<string, string>>(
            await File.ReadAllTextAsync(Path.Combine(_dir, "sensor-keys.json")))!;
        using var catalog = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_dir, "sensors.json")));
        var sensors = catalog.RootElement.GetProperty("sensors").EnumerateArray().ToList();
        sensors.Count.ShouldBeGreaterThan(0);
        keys.Count.ShouldBe(sensors.Count);
        var devHashes = File.ReadAllText(Repo.PathOf("deploy/sensors.dev.json"));
        foreach (var sensor in sensors)
        {
            var key = keys[sensor.GetProperty("id").GetString()!];
            key.Length.ShouldBe(64, "256 random bits as hex");
            var hash = sensor.GetProperty("keyHash").GetString()!;
            hash.ShouldBe("sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))));
            devHashes.ShouldNotContain(hash);
        }
        (await NopAsync("secrets")).EnsureSuccess();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // An operators file is brought along, so generating needs no build of the Dashboard (its hash-password).
    private async Task GenerateAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, "operators.json"),
            """[{"name": "operator", "passwordHash": "AQAAAAIAA1BAAAAAEIJd+test+hash+only+for+this+test"}]""");
        (await NopAsync("secrets", "--generate")).EnsureSuccess();
    }

    private Task<CliResult> NopAsync(params string[] arguments) =>
        Cli.RunAsync(Repo.PathOf("nop"), arguments, TimeSpan.FromMinutes(3),
            new Dictionary<string, string> { ["NOP_ENV_FILE"] = _envFile });
}
