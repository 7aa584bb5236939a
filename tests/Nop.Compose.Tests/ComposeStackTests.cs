using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR.Client;
using Nop.Contracts;
using Nop.Testing;
using Xunit.Abstractions;

[assembly: TestCollectionOrderer("Nop.Compose.Tests.StackFirst", "Nop.Compose.Tests")]

namespace Nop.Compose.Tests;

[CollectionDefinition(Name)]
public sealed class DockerCollection
{
    public const string Name = "docker";
}

/// <summary>
/// The stack test first: it takes most of the project's time (building the images, starting the stack), and the
/// other classes, short and light, run on the second thread beside it. (Run alone after them, as it was, it added
/// their three minutes to the project.)
/// </summary>
public sealed class StackFirst() : SlowestFirst(DockerCollection.Name);

/// <summary>
/// The real docker compose stack on this machine: local stand-ins for the upstream images, the project's own
/// Dockerfiles unchanged, docker-compose.yml with deploy/docker/compose.test.yml (host network, SQLite, no
/// Elasticsearch/Kibana). Skipped only when no Docker engine can be started at all.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class ComposeStackTests(ITestOutputHelper output)
{
    private const string Project = "nop-compose-test";
    private const string ImageTag = "compose-test";
    private const string IngestUrl = "http://127.0.0.1:18080";
    private const string DashboardUrl = "http://127.0.0.1:18090";
    private const int ProcessingPort = 18081;
    private const string ManagementUrl = "http://127.0.0.1:15673";
    private const string PrometheusUrl = "http://127.0.0.1:19090";
    private const string MailUrl = "http://127.0.0.1:18095";
    private static readonly string[] LongRunning =
    [
        "rabbitmq", "sqlserver", "ingest", "processing", "alerting", "history", "notifier", "mail", "dashboard",
        "prometheus",
    ];

    [SkippableFact]
    public async Task Stack_starts_healthy_carries_readings_to_dashboard_alerts_and_a_restarted_service_catches_up()
    {
        var clock = Stopwatch.StartNew();
        var engine = await DockerHost.TryEnsureEngineAsync();
        Skip.If(engine is not null, engine);

        var images =
            await Cli.RunAsync(Repo.PathOf("deploy/docker/build-images.sh"), [ImageTag], TimeSpan.FromMinutes(15));
        output.WriteLine(images.Error);
        images.EnsureSuccess();
        output.WriteLine($"images ready after {clock.Elapsed.TotalSeconds:0} s");

        await using var stack = new ComposeStack(Project, ImageTag, output);
        await stack.DownAsync();
        try
        {
            // Generous bounds: `up -d` waits for the broker, its set-up and four services to be healthy in turn, which took
            // over 4 minutes in CI beside another test project on two cores; a healthy run returns as soon as it can.
            (await stack.RunAsync(TimeSpan.FromMinutes(8), "up", "-d", "--no-build")).EnsureSuccess();
            await stack.WaitHealthyAsync(LongRunning, TimeSpan.FromMinutes(4));
            (await stack.ExitCodeAsync("rabbitmq-setup")).ShouldBe(0);
            (await stack.ExitCodeAsync("sqlserver-setup")).ShouldBe(0);
            output.WriteLine($"stack healthy after {clock.Elapsed.TotalSeconds:0} s");

            // No guest on this broker: refused even from loopback, where RabbitMQ would admit an existing guest.
            await Should.ThrowAsync<RabbitMQ.Client.Exceptions.BrokerUnreachableException>(async () =>
                await new RabbitMQ.Client.ConnectionFactory
                {
                    Uri = new Uri("amqp://guest:guest@127.0.0.1:5673/")
                }.CreateConnectionAsync());
            using (var guest = new HttpClient())
            using (var whoami = new HttpRequestMessage(HttpMethod.Get, ManagementUrl + "/api/whoami"))
            {
                whoami.Headers.Authorization =
                    new AuthenticationHeaderValue("Basic", Convert.ToBase64String("guest:guest"u8.ToArray()));
                (await guest.SendAsync(whoami)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            }

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            // A dead letter, as a handler that gives up parks one: Prometheus' dead-letter rule must fire (checked at
            // the end, when it has long been scraped and evaluated, so the wait costs nothing).
            await PublishDeadLetterAsync(http, stack.AdminAuthorization,
                Exchanges.DeadOf(Queues.ProcessingClassifier), Queues.ProcessingClassifier);
            var alerts = new ConcurrentQueue<JsonElement>();
            await using var hub = new HubConnectionBuilder().WithUrl(DashboardUrl + "/hubs/dashboard").Build();
            hub.On<JsonElement>("Alert", alert => alerts.Enqueue(alert));
            await hub.StartAsync();

            // A spike (lamax above the spike level) goes Ingest -> Processing -> Alerting -> Dashboard as an alert.
            // With its key from the stack's own catalogue: the public dev-key-<id> is not in it.
            await PostSpikeAsync(http, "dev-001", "dev-key-dev-001", HttpStatusCode.Unauthorized);
            await PostSpikeAsync(http, "dev-001", stack.SensorKeys["dev-001"]);
            await Eventually.TrueAsync(() => alerts.Any(a => SensorOf(a) == "dev-001"), TimeSpan.FromSeconds(120),
                "the Dashboard's hub pushed an alert for dev-001");
            // Notifier heard the same alert on its own queue and e-mailed the stack's subscriber through the catcher.
            await Eventually.TrueAsync(async () => (await MailsAsync(http)).Any(m =>
                    m["to"]!.AsArray().Any(t => (string?)t == "operator@nop.local")
                    && ((string?)m["subject"])?.Contains("dev-001", StringComparison.Ordinal) == true),
                TimeSpan.FromSeconds(120), "the alert's e-mail to operator@nop.local in the mail catcher");

            // Processing down: a reading waits in its queue, and is handled once the container is back.
            (await stack.RunAsync(TimeSpan.FromMinutes(2), "stop", "processing")).EnsureSuccess();
            await PostSpikeAsync(http, "dev-002", stack.SensorKeys["dev-002"]);
            await Eventually.TrueAsync(async () =>
                await QueueDepthAsync(http, stack.AdminAuthorization, Queues.ProcessingClassifier) >= 1,
                TimeSpan.FromSeconds(60), "the reading waited in processing.classifier while Processing was stopped");
            alerts.ShouldNotContain(a => SensorOf(a) == "dev-002");

            (await stack.RunAsync(TimeSpan.FromMinutes(2), "start", "processing")).EnsureSuccess();
            await stack.WaitHealthyAsync(["processing"], TimeSpan.FromMinutes(3));
            await Eventually.TrueAsync(() => alerts.Any(a => SensorOf(a) == "dev-002"), TimeSpan.FromSeconds(120),
                "the restarted Processing caught up and the alert for dev-002 reached the hub");
            // The management API's counts lag by a few seconds (statistics interval), so poll.
            await Eventually.TrueAsync(async () =>
                await QueueDepthAsync(http, stack.AdminAuthorization, Queues.ProcessingClassifier) == 0,
                TimeSpan.FromSeconds(60), "processing.classifier was drained");

            // The admin endpoints inside a container, as `./nop dead` reaches them in docker mode: with the token from
            // .env they list the dead queues; without it, 401.
            var listed =
                await stack.AdminGetAsync("processing", ProcessingPort, "/admin/dead-letters", withToken: true);
            listed.EnsureSuccess();
            listed.Output.ShouldContain(Queues.ProcessingClassifier);
            (await stack.AdminGetAsync("processing", ProcessingPort, "/admin/dead-letters", withToken: false)).Output
                .Trim().ShouldBe("401");
            // Prometheus scrapes every service (with the metrics token) and the broker's two endpoints, and the
            // dead-letter rule fires for the queue the dead letter went to.
            await Eventually.TrueAsync(async () => (await PrometheusAsync(http, "targets"))["activeTargets"]!
                .AsArray().All(t => (string?)t!["health"] == "up"), TimeSpan.FromSeconds(60), "every target up");
            var targets = (await PrometheusAsync(http, "targets"))["activeTargets"]!.AsArray()
                .Select(t => $"{t!["labels"]!["job"]} {t["scrapeUrl"]} {t["health"]}").ToList();
            targets.ShouldBe([
                "nop http://ingest:18080/metrics up", "nop http://processing:18081/metrics up",
                "nop http://alerting:18082/metrics up", "nop http://history:18084/metrics up",
                "nop http://notifier:18085/metrics up",
                "nop http://dashboard:18090/metrics up", "rabbitmq http://rabbitmq:15693/metrics up",
                "rabbitmq-queues http://rabbitmq:15693/metrics/detailed" +
                "?family=queue_coarse_metrics&family=queue_consumer_count up",
            ], ignoreOrder: true);
            await Eventually.TrueAsync(async () => (await PrometheusAsync(http, "alerts"))["alerts"]!.AsArray()
                    .Any(a => (string?)a!["labels"]!["alertname"] == "NopDeadLetters"
                        && (string?)a["labels"]!["queue"] == Queues.ProcessingClassifier + ".dead"
                        && (string?)a["state"] == "firing"),
                TimeSpan.FromSeconds(60), "the NopDeadLetters alert firing for processing.classifier.dead");
            output.WriteLine($"done after {clock.Elapsed.TotalSeconds:0} s");
        }
        catch
        {
            await stack.DumpLogsAsync();
            throw;
        }
    }

    private static async Task PostSpikeAsync(HttpClient http, string sensorId, string apiKey,
        HttpStatusCode expected = HttpStatusCode.Accepted)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, IngestUrl + "/api/readings")
        {
            Content = JsonContent.Create(new
            {
                readings = new[] { new { sensorId, readingId = $"{sensorId}-{Guid.NewGuid():N}",
                    measuredAt = DateTimeOffset.UtcNow, laeq = 80.0, lamax = 125.0 } },
            }),
        };
        request.Headers.Add("X-Api-Key", apiKey);
        using var response = await http.SendAsync(request);
        response.StatusCode.ShouldBe(expected, await response.Content.ReadAsStringAsync());
    }

    // Through the management API as the administrator, like a message dead-lettered by the queue.
    private static async Task PublishDeadLetterAsync(HttpClient http, AuthenticationHeaderValue admin,
        string exchange, string routingKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post,
            $"{ManagementUrl}/api/exchanges/%2F/{exchange}/publish")
        {
            Content = JsonContent.Create(new
            {
                properties = new { },
                routing_key = routingKey,
                payload = "{}",
                payload_encoding = "string",
            }),
        };
        request.Headers.Authorization = admin;
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["routed"]!.GetValue<bool>().ShouldBeTrue();
    }

    // The messages smtp4dev received (its API's first page, newest first).
    private static async Task<List<JsonNode>> MailsAsync(HttpClient http) =>
        JsonNode.Parse(await http.GetStringAsync($"{MailUrl}/api/messages"))!["results"]!.AsArray()
            .Select(m => m!).ToList();

    // The data of Prometheus' HTTP API /api/v1/<path>.
    private static async Task<JsonNode> PrometheusAsync(HttpClient http, string path) =>
        JsonNode.Parse(await http.GetStringAsync($"{PrometheusUrl}/api/v1/{path}"))!["data"]!;

    private static string? SensorOf(JsonElement alert) =>
        alert.TryGetProperty("sensorId", out var id) ? id.GetString() : null;

    private static async Task<long> QueueDepthAsync(HttpClient http, AuthenticationHeaderValue admin, string queue)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{ManagementUrl}/api/queues/%2F/{queue}");
        request.Headers.Authorization = admin;
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return json["messages"]?.GetValue<long>() ?? 0;
    }
}

/// <summary>One compose project of the test: docker-compose.yml + compose.test.yml, its own .env with random secrets,
/// sensor catalogue with fresh keys and operators file, torn down (with its volumes) when disposed, whatever
/// happened.</summary>
public sealed class ComposeStack : IAsyncDisposable
{
    private readonly string _project;
    private readonly ITestOutputHelper _output;
    private readonly string _dir = Directory.CreateTempSubdirectory("nop-compose-stack-").FullName;
    private readonly string _envFile;
    private readonly Dictionary<string, string> _environment;

    public ComposeStack(string project, string imageTag, ITestOutputHelper output)
    {
        _project = project;
        _output = output;
        _envFile = Path.Combine(_dir, "compose.env");
        // Every variable of .env.example, each placeholder (change-me...) a fresh random secret, as
        // `./nop secrets --generate` writes them: nothing comes from a developer's own .env, no public value works.
        var variables = ComposeFile.ReadEnvFile(Repo.PathOf(ComposeFile.EnvExample)).ToDictionary();
        foreach (var name in variables.Keys.Where(k => ComposeFile.IsPlaceholder(variables[k])).ToList())
        {
            variables[name] = "Pw1-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        }
        variables["NOP_IMAGE_TAG"] = imageTag;
        variables["NOP_ADMIN_TOKEN"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        variables["NOP_SENSOR_CATALOG"] = Path.Combine(_dir, "sensors.json");
        variables["NOP_SENSOR_KEYS"] = Path.Combine(_dir, "sensor-keys.json");
        variables["NOP_DASHBOARD_OPERATORS"] = Path.Combine(_dir, "operators.json");
        SensorKeys = DeploymentFiles.WriteCatalog(variables["NOP_SENSOR_CATALOG"], variables["NOP_SENSOR_KEYS"]);
        DeploymentFiles.WriteOperators(variables["NOP_DASHBOARD_OPERATORS"], "operator",
            Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)));
        ComposeFile.WriteEnvFile(_envFile, variables);
        AdminAuthorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(
            Encoding.UTF8.GetBytes($"{variables["RABBITMQ_DEFAULT_USER"]}:{variables["RABBITMQ_DEFAULT_PASS"]}")));
        // Compose lets the caller's environment override the env file: keep the test's own values.
        _environment = variables.ToDictionary(v => v.Key, v => v.Value);
    }

    public AuthenticationHeaderValue AdminAuthorization { get; }

    /// <summary>The API key of each sensor of the stack's catalogue.</summary>
    public IReadOnlyDictionary<string, string> SensorKeys { get; }

    public Task<CliResult> RunAsync(TimeSpan timeout, params string[] arguments) =>
        Cli.RunAsync("docker-compose",
            ["-p", _project, "--env-file", _envFile, "-f", ComposeFile.Main, "-f", ComposeFile.TestOverride,
                .. arguments],
            timeout, _environment);

    /// <summary>GET of an admin path from inside <paramref name="service"/>'s container (the endpoints answer
    /// loopback callers only), with the container's <c>Admin__Token</c> as the bearer token, as <c>./nop dead</c>
    /// sends it, or without; without the token the output is the status code.</summary>
    public Task<CliResult> AdminGetAsync(string service, int port, string path, bool withToken) =>
        RunAsync(TimeSpan.FromMinutes(1), "exec", "-T", service, "sh", "-c", withToken
            ? "printf 'Authorization: Bearer %s' \"$Admin__Token\" | curl -fsS -H @- \"$0\""
            : "curl -sS -o /dev/null -w '%{http_code}' \"$0\"",
            $"http://127.0.0.1:{port}{path}");

    /// <summary>Waits until each service's container reports healthy; fails at once when one exits.</summary>
    public async Task WaitHealthyAsync(IEnumerable<string> services, TimeSpan timeout)
    {
        var pending = services.ToHashSet();
        var deadline = DateTime.UtcNow + timeout;
        while (pending.Count > 0)
        {
            foreach (var service in pending.ToList())
            {
                var state = await StateAsync(service);
                if (state.Health == "healthy")
                {
                    pending.Remove(service);
                }
                else if (state.Status is "exited" or "dead")
                {
                    throw new InvalidOperationException($"{service} {state.Status} instead of becoming healthy");
                }
            }
            if (pending.Count > 0)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException(
                        $"not healthy after {timeout.TotalSeconds:0} s: {string.Join(", ", pending)}");
                }
                await Task.Delay(500);
            }
        }
    }

    public async Task<int> ExitCodeAsync(string service)
    {
        var id = await ContainerIdAsync(service);
        var result = (await Cli.RunAsync("docker", ["inspect", "--format", "{{.State.ExitCode}}", id],
            TimeSpan.FromSeconds(30))).EnsureSuccess();
        return int.Parse(result.Output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task DumpLogsAsync()
    {
        var ps = await RunAsync(TimeSpan.FromSeconds(30), "ps");
        _output.WriteLine(ps.Output);
        var logs = await RunAsync(TimeSpan.FromSeconds(60), "logs", "--no-color", "--tail", "40");
        _output.WriteLine(logs.Output);
    }

    public async Task DownAsync() =>
        (await RunAsync(TimeSpan.FromMinutes(2), "--profile", "sim", "down", "-v", "--remove-orphans", "-t", "5"))
            .EnsureSuccess();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await DownAsync();
        }
        finally
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private async Task<string> ContainerIdAsync(string service)
    {
        var result = (await RunAsync(TimeSpan.FromSeconds(30), "ps", "-a", "-q", service)).EnsureSuccess();
        return result.Output.Trim().Split('\n')[0];
    }

    private async Task<(string Status, string Health)> StateAsync(string service)
    {
        var id = await ContainerIdAsync(service);
        if (id.Length == 0)
        {
            return ("missing", "");
        }
        var result = (await Cli.RunAsync("docker",
            ["inspect", "--format", "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}", id],
            TimeSpan.FromSeconds(30))).EnsureSuccess();
        var parts = result.Output.Trim().Split(' ', 2);
        return (parts[0], parts.Length > 1 ? parts[1] : "");
    }
}
