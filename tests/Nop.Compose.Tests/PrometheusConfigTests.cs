using System.Text.RegularExpressions;
using YamlDotNet.Serialization;

namespace Nop.Compose.Tests;

/// <summary>
/// deploy/prometheus/prometheus.yml against docker-compose.yml without running either: Prometheus scrapes every NOP
/// service on the port it serves, with the token compose gives the services, and the broker's metrics endpoints on
/// the port its configuration opens; the compose test's copy has the same jobs on the test's ports.
/// </summary>
public sealed partial class PrometheusConfigTests : IAsyncLifetime
{
    private const string Config = "deploy/prometheus/prometheus.yml";
    private const string TestConfig = "deploy/docker/compose.test.prometheus.yml";
    private static readonly string[] Services =
        ["ingest", "processing", "alerting", "history", "notifier", "dashboard"];

    public async Task InitializeAsync() => await DockerHost.EnsureToolsAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Every_service_gets_the_metrics_token_and_prometheus_scrapes_it_with_that_token()
    {
        var example = ComposeFile.ReadEnvFile(Repo.PathOf(ComposeFile.EnvExample));
        var services = await ServicesAsync(ComposeFile.Main);
        ComposeFile.RequiredVariables(ComposeFile.Main).ShouldContain("NOP_METRICS_TOKEN");
        foreach (var name in Services)
        {
            Environment(services[name])["Metrics__Token"].ShouldBe(example["NOP_METRICS_TOKEN"], name);
        }
        Environment(services["prometheus"])["NOP_METRICS_TOKEN"].ShouldBe(example["NOP_METRICS_TOKEN"]);

        // The entrypoint writes the token to the file the nop job reads it from.
        var jobs = Jobs(Config);
        var tokenFile = (string)((Dictionary<object, object>)jobs["nop"]["authorization"])["credentials_file"];
        File.ReadAllText(Repo.PathOf("deploy/prometheus/entrypoint.sh")).ShouldContain($">{tokenFile}");
        Targets(jobs["nop"]).ShouldBe(Services.Select(s => $"{s}:{PortOf(services[s])}"), ignoreOrder: true);
    }

    [Fact]
    public void Prometheus_scrapes_the_brokers_node_metrics_and_its_per_queue_depth_and_consumers()
    {
        var jobs = Jobs(Config);
        var port = BrokerMetricsPort("deploy/rabbitmq/rabbitmq.conf");
        port.ShouldBe(15692);
        Targets(jobs["rabbitmq"]).ShouldBe([$"rabbitmq:{port}"]);
        Targets(jobs["rabbitmq-queues"]).ShouldBe([$"rabbitmq:{port}"]);
        jobs["rabbitmq-queues"]["metrics_path"].ShouldBe("/metrics/detailed");
        Families(jobs["rabbitmq-queues"]).ShouldBe(["queue_coarse_metrics", "queue_consumer_count"]);
        File.ReadAllText(Repo.PathOf("deploy/rabbitmq/enabled_plugins")).ShouldContain("rabbitmq_prometheus");
    }

    [Fact]
    public async Task The_compose_tests_prometheus_has_the_same_jobs_on_the_test_stacks_ports()
    {
        var jobs = Jobs(Config);
        var testJobs = Jobs(TestConfig);
        var services = await ServicesAsync(ComposeFile.Main, ComposeFile.TestOverride);

        testJobs.Keys.ShouldBe(jobs.Keys, ignoreOrder: true);
        foreach (var (name, job) in jobs)
        {
            job.Keys.ShouldBe(testJobs[name].Keys, ignoreOrder: true, name);
        }
        Targets(testJobs["nop"]).ShouldBe(Services.Select(s => $"{s}:{PortOf(services[s])}"), ignoreOrder: true);
        var port = BrokerMetricsPort("deploy/docker/compose.test.rabbitmq.conf");
        Targets(testJobs["rabbitmq"]).ShouldBe([$"rabbitmq:{port}"]);
        Targets(testJobs["rabbitmq-queues"]).ShouldBe([$"rabbitmq:{port}"]);
        testJobs["rabbitmq-queues"]["metrics_path"].ShouldBe(jobs["rabbitmq-queues"]["metrics_path"]);
        Families(testJobs["rabbitmq-queues"]).ShouldBe(Families(jobs["rabbitmq-queues"]));
    }

    private static async Task<Dictionary<string, Dictionary<object, object>>> ServicesAsync(params string[] files) =>
        ComposeFile.Services((await ComposeFile.ConfigAsync(Repo.PathOf(ComposeFile.EnvExample), files))
            .EnsureSuccess().Output);

    private static Dictionary<object, object> Environment(Dictionary<object, object> service) =>
        (Dictionary<object, object>)service["environment"];

    // The port of the service's Urls (http://+:5080 or http://127.0.0.1:18080).
    private static int PortOf(Dictionary<object, object> service) =>
        new Uri(((string)Environment(service)["Urls"]).Replace("+", "localhost", StringComparison.Ordinal)).Port;

    private static Dictionary<string, Dictionary<object, object>> Jobs(string file)
    {
        var document = new DeserializerBuilder().Build()
            .Deserialize<Dictionary<object, object>>(File.ReadAllText(Repo.PathOf(file)));
        return ((List<object>)document["scrape_configs"]).Cast<Dictionary<object, object>>()
            .ToDictionary(j => (string)j["job_name"]);
    }

    private static List<string> Targets(Dictionary<object, object> job) =>
        ((List<object>)job["static_configs"]).Cast<Dictionary<object, object>>()
            .SelectMany(c => ((List<object>)c["targets"]).Cast<string>()).ToList();

    private static List<string> Families(Dictionary<object, object> job) =>
        ((List<object>)((Dictionary<object, object>)job["params"])["family"]).Cast<string>().ToList();

    private static int BrokerMetricsPort(string conf) =>
        int.Parse(PrometheusPort().Match(File.ReadAllText(Repo.PathOf(conf))).Groups["port"].Value,
            System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^prometheus\.tcp\.port\s*=\s*(?<port>\d+)", RegexOptions.Multiline)]
    private static partial Regex PrometheusPort();
}
