namespace Nop.Compose.Tests;

/// <summary>
/// deploy/prometheus/rules.yml by its unit tests (rules.test.yml), and both Prometheus configurations (with the rule
/// file beside them) by <c>promtool check config</c>, with the promtool of the nop/prometheus image (Debian's
/// package) that the stack test builds too. Skipped only when no Docker engine can be started at all.
/// </summary>
public sealed class PrometheusRulesTests
{
    private const string Image = "nop/prometheus:compose-test";

    [SkippableFact]
    public async Task The_alert_rules_pass_their_promtool_unit_tests_and_both_configurations_check()
    {
        var engine = await DockerHost.TryEnsureEngineAsync();
        Skip.If(engine is not null, engine);
        await BuildImageAsync();

        var rules = await PromtoolAsync("deploy/prometheus/prometheus.yml", "promtool test rules rules.test.yml");
        rules.EnsureSuccess();
        rules.Output.ShouldContain("SUCCESS");

        string[] configs = ["deploy/prometheus/prometheus.yml", "deploy/docker/compose.test.prometheus.yml"];
        foreach (var config in configs)
        {
            // The token file is the entrypoint's to write; check config wants it to exist.
            var check = await PromtoolAsync(config,
                "echo token >/run/nop-prometheus/metrics-token && promtool check config /config/prometheus.yml");
            check.EnsureSuccess();
            check.Output.ShouldContain("SUCCESS: 1 rule files found", customMessage: config);
        }
    }

    // From the build cache when the stack test has built it already: Debian's prometheus on the local base image.
    private static async Task BuildImageAsync()
    {
        (await Cli.RunAsync(Repo.PathOf("deploy/docker/local-images.sh"), [], TimeSpan.FromMinutes(15)))
            .EnsureSuccess();
        (await Cli.RunAsync("docker", ["build", "-q", "--network", "host",
                "--build-arg", "BASE_IMAGE=nop-base:bookworm", "-f", Repo.PathOf("deploy/prometheus/Dockerfile"),
                "-t", Image, Repo.Root],
            TimeSpan.FromMinutes(10), new Dictionary<string, string> { ["DOCKER_BUILDKIT"] = "0" })).EnsureSuccess();
    }

    // /rules: deploy/prometheus (rules and their tests); /config: the configuration with rules.yml beside it.
    private static Task<CliResult> PromtoolAsync(string config, string script) =>
        Cli.RunAsync("docker", ["run", "--rm", "--network", "none",
            "-v", $"{Repo.PathOf("deploy/prometheus")}:/rules:ro",
            "-v", $"{Repo.PathOf(config)}:/config/prometheus.yml:ro",
            "-v", $"{Repo.PathOf("deploy/prometheus/rules.yml")}:/config/rules.yml:ro",
            "-w", "/rules", "--entrypoint", "sh", Image, "-c", script], TimeSpan.FromMinutes(2));
}
