using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Nop.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Nop.Compose.Tests;

/// <summary>
/// <c>./nop status</c> and the wait of <c>./nop up --docker</c>, run as the CLI on a state folder of the test's own
/// (NOP_STATE_DIR) rather than on a real run, which would take minutes: a "service" is this test process (a dotnet
/// process, as <c>up</c> starts) answering /health/ready on a port of its own, the queues live in a virtual host of
/// the test on the shared broker, and Docker is a stand-in script on PATH that plays two containers.
/// </summary>
public sealed class NopStatusTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nop-status-").FullName;
    private string State => Path.Combine(_dir, "state");

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(State, "pids"));
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Status_with_nothing_running_says_so_and_fails()
    {
        var result = await NopAsync(["status"]);

        result.ExitCode.ShouldNotBe(0);
        result.Output.ShouldContain("nothing runs");
    }

    [Fact]
    public async Task Status_lists_ready_services_and_each_queue_with_its_depth_consumers_retries_and_dead_letters()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("status");
        using var health = HealthEndpoint.Start(HttpStatusCode.OK);
        await WriteServiceAsync("ingest", Environment.ProcessId, health.Url);
        // Three messages, one of them taken by a consumer that does not ack; one waiting in a retry queue, two dead.
        var connection = await new ConnectionFactory { Uri = vhost.Uri }.CreateConnectionAsync();
        await using var _ = connection;
        await using var channel = await connection.CreateChannelAsync();
        await FillAsync(channel, "processing.test", 3);
        await FillAsync(channel, "processing.test.retry.1", 1);
        await FillAsync(channel, "processing.test.dead", 2);
        await channel.BasicQosAsync(0, prefetchCount: 1, global: false);
        await channel.BasicConsumeAsync("processing.test", autoAck: false, new AsyncEventingBasicConsumer(channel));
        // The management API's figures are statistics, emitted every few seconds: wait until they say it.
        await Eventually.TrueAsync(async () =>
        {
            var queue = await TestBroker.GetQueueAsync(vhost.Name, "processing.test");
            var dead = await TestBroker.GetQueueAsync(vhost.Name, "processing.test.dead");
            return (int?)queue?["messages_ready"] == 2 && (int?)queue?["messages_unacknowledged"] == 1
                && (int?)queue?["consumers"] == 1 && (int?)dead?["messages_ready"] == 2;
        }, TimeSpan.FromSeconds(30), "the management API to show the queues' depths");

        var result = await NopAsync(["status"], vhost);

        result.ExitCode.ShouldBe(0, result.Output + result.Error);
        result.Output.ShouldMatch($@"ingest +ready +pid {Environment.ProcessId} +{Regex.Escape(health.Url)}");
        // queue, ready, unacked, consumers, retrying, dead
        result.Output.ShouldMatch(@"\n +processing\.test +2 +1 +1 +1 +2\n");
        result.Output.ShouldContain("dead letters: 2 in processing.test.dead (2)");
    }

    [Fact]
    public async Task Status_fails_and_names_a_service_that_does_not_answer_ready()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("status");
        using var health = HealthEndpoint.Start(HttpStatusCode.ServiceUnavailable);
        await WriteServiceAsync("alerting", Environment.ProcessId, health.Url);

        var result = await NopAsync(["status"], vhost);

        result.ExitCode.ShouldNotBe(0);
        result.Output.ShouldMatch(@"alerting +NOT READY +pid \d+");
        result.Output.ShouldContain("(no queues yet)");
    }

    [Fact]
    public async Task Status_asks_smtp4dev_its_message_api_and_the_services_their_health_endpoint()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("status");
        using var mail = HealthEndpoint.Start(HttpStatusCode.OK, "/api/messages");
        using var notifier = HealthEndpoint.Start(HttpStatusCode.OK, "/health/ready");
        await WriteServiceAsync("smtp4dev", Environment.ProcessId, mail.Url);
        await WriteServiceAsync("notifier", Environment.ProcessId, notifier.Url);

        var result = await NopAsync(["status"], vhost);

        result.ExitCode.ShouldBe(0, result.Output + result.Error);
        result.Output.ShouldMatch($@"smtp4dev +ready +pid \d+ +{Regex.Escape(mail.Url)}");
        result.Output.ShouldMatch($@"notifier +ready +pid \d+ +{Regex.Escape(notifier.Url)}");
        result.Output.ShouldMatch(@"Mail \(smtp4dev\) +http://127\.0\.0\.1:5095");
    }

    [Fact]
    public async Task Up_docker_says_each_health_change_and_names_the_container_that_is_not_healthy_on_a_timeout()
    {
        var env = await FakeDockerAsync();

        var result = await NopAsync(["up", "--docker", "--no-sim"], extra: env);

        result.ExitCode.ShouldNotBe(0);
        result.Output.ShouldMatch(@"elasticsearch: starting \(\d+ s\)");
        result.Output.ShouldMatch(@"elasticsearch: starting → healthy \(\d+ s\)");
        result.Output.ShouldNotContain("kibana: starting →");
        result.Error.ShouldContain("not healthy after 3 s: kibana");
        result.Error.ShouldContain("docker compose logs kibana");
    }

    [Fact]
    public async Task Status_in_docker_mode_shows_each_container_with_its_health_and_fails_while_one_is_not_healthy()
    {
        var env = await FakeDockerAsync(looksBefore: 1);
        await File.WriteAllTextAsync(Path.Combine(State, "mode"), "docker\n");

        var result = await NopAsync(["status"], extra: env);

        result.ExitCode.ShouldNotBe(0);
        result.Output.ShouldMatch(@"elasticsearch +healthy +container nop-elasticsearch-1");
        result.Output.ShouldMatch(@"kibana +starting +container nop-kibana-1");
        result.Output.ShouldContain("queues (virtual host /");
        result.Output.ShouldMatch(@"Kibana +http://127\.0\.0\.1:5601");
    }

    private async Task WriteServiceAsync(string name, int pid, string url)
    {
        await File.WriteAllTextAsync(Path.Combine(State, "pids", name + ".pid"), $"{pid}\n");
        await File.WriteAllTextAsync(Path.Combine(State, "pids", name + ".url"), url + "\n");
    }

    private static async Task FillAsync(IChannel channel, string queue, int messages)
    {
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false);
        for (var i = 0; i < messages; i++)
        {
            await channel.BasicPublishAsync("", queue, "{}"u8.ToArray());
        }
    }

    /// <summary>
    /// A stand-in <c>docker</c> on PATH: a stack of two containers, elasticsearch healthy from the second look on,
    /// kibana starting for ever (<paramref name="looksBefore"/>: looks already taken); and an env file with no
    /// placeholder, so that <c>up --docker</c> gets to the wait.
    /// </summary>
    private async Task<Dictionary<string, string>> FakeDockerAsync(int looksBefore = 0)
    {
        var bin = Directory.CreateDirectory(Path.Combine(_dir, "bin")).FullName;
        await File.WriteAllTextAsync(Path.Combine(bin, "looks"), $"{looksBefore}\n");
        var docker = Path.Combine(bin, "docker");
        await File.WriteAllTextAsync(docker, """
            #!/usr/bin/env bash
            looks="$(dirname "$0")/looks"
            if [[ "$1" == info ]]; then exit 0; fi
            if [[ "$1" == inspect ]]; then
              n="$(cat "$looks" 2>/dev/null || echo 0)"
              shift 3
              for id in "$@"; do
                if [[ "$id" == es ]]; then
                  echo "elasticsearch /nop-elasticsearch-1 running 0 $([[ $n -ge 2 ]] && echo healthy || echo starting)"
                else
                  echo "kibana /nop-kibana-1 running 0 starting"
                fi
              done
              exit 0
            fi
            case " $* " in
              *" ps "*" -q "*) echo $(( $(cat "$looks" 2>/dev/null || echo 0) + 1 )) >"$looks"; printf 'es\nkb\n' ;;
              *" port "*) exit 1 ;;
              *) exit 0 ;;
            esac
            """.Replace("\r", ""));
        if (!OperatingSystem.IsWindows()) // ./nop is bash: these tests run where it runs
        {
            File.SetUnixFileMode(docker, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var env = ComposeFile.ReadEnvFile(Repo.PathOf(ComposeFile.EnvExample)).ToDictionary(
            v => v.Key, v => ComposeFile.IsPlaceholder(v.Value) ? "Nop-" + Guid.NewGuid().ToString("N") : v.Value);
        // Status asks the broker's management API with these: the shared broker's read-only view of "/".
        env["RABBITMQ_DEFAULT_USER"] = "guest";
        env["RABBITMQ_DEFAULT_PASS"] = "guest";
        foreach (var (name, file) in
            new[] { ("NOP_SENSOR_CATALOG", "sensors.json"), ("NOP_DASHBOARD_OPERATORS", "operators.json") })
        {
            env[name] = Path.Combine(_dir, file);
            await File.WriteAllTextAsync(env[name], "[]\n");
        }
        var envFile = Path.Combine(_dir, "env");
        ComposeFile.WriteEnvFile(envFile, env);
        return new()
        {
            ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH"),
            ["NOP_ENV_FILE"] = envFile,
            ["DOCKER_READY_TIMEOUT"] = "3",
        };
    }

    private Task<CliResult> NopAsync(string[] arguments, VirtualHost? vhost = null,
        Dictionary<string, string>? extra = null)
    {
        var environment = new Dictionary<string, string>(extra ?? [])
        {
            ["NOP_STATE_DIR"] = State,
            ["NOP_RABBITMQ_URI"] = (vhost?.Uri ?? TestBroker.Uri).ToString(),
            ["NOP_RABBITMQ_MANAGEMENT_URI"] = TestBroker.ManagementUri.ToString(),
        };
        return Cli.RunAsync(Repo.PathOf("nop"), arguments, TimeSpan.FromMinutes(1), environment);
    }

    /// <summary>A /health/ready that answers with a fixed status, on a free loopback port: on every path, or only on
    /// <c>path</c> (404 elsewhere).</summary>
    private sealed class HealthEndpoint : IDisposable
    {
        private readonly HttpListener _listener = new();

        private HealthEndpoint(HttpStatusCode status, string? path)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}";
            probe.Stop();
            _listener.Prefixes.Add(Url + "/");
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    try
                    {
                        var context = await _listener.GetContextAsync();
                        context.Response.StatusCode = path is null || context.Request.Url?.AbsolutePath == path
                            ? (int)status : (int)HttpStatusCode.NotFound;
                        context.Response.Close();
                    }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                    {
                        return;
                    }
                }
            });
        }

        public string Url { get; }

        public static HealthEndpoint Start(HttpStatusCode status, string? path = null) => new(status, path);

        public void Dispose() => _listener.Close();
    }
}
