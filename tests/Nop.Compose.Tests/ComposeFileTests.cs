namespace Nop.Compose.Tests;

/// <summary>docker-compose.yml without running it: Compose v1 (1.29, the oldest we support) validates it, every secret
/// comes from .env, every service has a health check. Needs the docker-compose client only, not an engine.</summary>
public sealed class ComposeFileTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nop-compose-file-").FullName;

    public async Task InitializeAsync() => await DockerHost.EnsureToolsAsync();

    public Task DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Compose_file_validates_on_its_own_and_with_the_test_override()
    {
        var example = Repo.PathOf(ComposeFile.EnvExample);
        (await ComposeFile.ConfigAsync(example, ComposeFile.Main)).EnsureSuccess();
        (await ComposeFile.ConfigAsync(example, ComposeFile.Main, ComposeFile.Override)).EnsureSuccess();
        (await ComposeFile.ConfigAsync(example, ComposeFile.Main, ComposeFile.TestOverride)).EnsureSuccess();
    }

    [Fact]
    public async Task Default_files_publish_the_design_ports_on_loopback_only()
    {
        var config = (await ComposeFile.ConfigAsync(Repo.PathOf(ComposeFile.EnvExample), ComposeFile.Main,
            ComposeFile.Override)).EnsureSuccess();
        var published = ComposeFile.Services(config.Output)
            .Where(s => s.Value.ContainsKey("ports"))
            .SelectMany(s => ((List<object>)s.Value["ports"]).Select(p => $"{s.Key} {Port(p)}"))
            .ToList();

        published.ShouldBe([
            "rabbitmq 127.0.0.1:5672->5672", "rabbitmq 127.0.0.1:15672->15672", "rabbitmq 127.0.0.1:15692->15692",
            "sqlserver 127.0.0.1:1433->1433", "elasticsearch 127.0.0.1:9200->9200", "kibana 127.0.0.1:5601->5601",
            "ingest 127.0.0.1:5080->5080", "processing 127.0.0.1:5081->5081", "alerting 127.0.0.1:5082->5082",
            "history 127.0.0.1:5084->5084", "notifier 127.0.0.1:5085->5085", "mail 127.0.0.1:2525->2525",
            "mail 127.0.0.1:5095->5095", "dashboard 127.0.0.1:5090->5090", "prometheus 127.0.0.1:9090->9090",
        ], ignoreOrder: true);
    }

    [Fact]
    public void Every_variable_the_compose_files_use_is_listed_in_env_example()
    {
        var listed = ComposeFile.ReadEnvFile(Repo.PathOf(ComposeFile.EnvExample)).Keys.ToHashSet();
        var used = ComposeFile.VariablesUsed(ComposeFile.Main, ComposeFile.Override, ComposeFile.TestOverride);

        used.ShouldNotBeEmpty();
        used.Except(listed).ShouldBeEmpty("variables used by the compose files but missing from .env.example");
        listed.Except(used).ShouldBeEmpty("variables in .env.example that no compose file uses");
    }

    [Fact]
    public async Task Compose_refuses_to_start_without_each_secret()
    {
        var example = ComposeFile.ReadEnvFile(Repo.PathOf(ComposeFile.EnvExample));
        var required = ComposeFile.RequiredVariables(ComposeFile.Main);
        var secrets = example.Keys.Where(k =>
            k.Contains("PASS", StringComparison.Ordinal) || k.Contains("HASH", StringComparison.Ordinal)).ToList();

        secrets.Count.ShouldBeGreaterThanOrEqualTo(9);
        secrets.Except(required).ShouldBeEmpty("secrets compose would start without (use ${NAME:?message})");

        // One compose process per variable, side by side: each is a second of start-up.
        var results = await Task.WhenAll(required.Select(async name =>
        {
            var envFile = Path.Combine(_dir, name + ".env");
            ComposeFile.WriteEnvFile(envFile, example.Where(v => v.Key != name));
            return (Name: name, Result: await ComposeFile.ConfigAsync(envFile, ComposeFile.Main));
        }));
        foreach (var (name, result) in results)
        {
            result.ExitCode.ShouldNotBe(0, $"compose accepted a .env without {name}");
            result.Error.ShouldContain($"set {name} in .env");
        }
    }

    [Fact]
    public async Task Every_service_has_a_health_check_and_waits_for_what_it_needs()
    {
        var config =
            (await ComposeFile.ConfigAsync(Repo.PathOf(ComposeFile.EnvExample), ComposeFile.Main)).EnsureSuccess();
        var services = ComposeFile.Services(config.Output);

        services.Keys.ShouldBe(["alerting", "dashboard", "elasticsearch", "elasticsearch-setup", "history", "ingest",
            "kibana", "kibana-setup", "mail", "notifier", "prometheus",
            "processing", "rabbitmq", "rabbitmq-setup", "simulator", "sqlserver", "sqlserver-setup",
            "rabbitmq-1", "rabbitmq-2", "rabbitmq-3", "rabbitmq-cluster-setup"], ignoreOrder: true);
        foreach (var (name, service) in services)
        {
            if (name.EndsWith("-setup", StringComparison.Ordinal))
            {
                // One-shot jobs: their health is their exit code, which the services wait for.
                service["restart"].ShouldBe("no", $"{name} is a one-shot job");
                continue;
            }
            service.ShouldContainKey("healthcheck", $"{name} has no health check");
        }

        DependsOn(services, "rabbitmq-setup")
            .ShouldBe(new Dictionary<string, string> { ["rabbitmq"] = "service_healthy" });
        DependsOn(services, "ingest")["rabbitmq-setup"].ShouldBe("service_completed_successfully");
        DependsOn(services, "sqlserver-setup")
            .ShouldBe(new Dictionary<string, string> { ["sqlserver"] = "service_healthy" });
        DependsOn(services, "processing")["sqlserver-setup"].ShouldBe("service_completed_successfully");
        DependsOn(services, "alerting")["sqlserver-setup"].ShouldBe("service_completed_successfully");
        DependsOn(services, "history")["sqlserver-setup"].ShouldBe("service_completed_successfully");
        DependsOn(services, "history")["rabbitmq-setup"].ShouldBe("service_completed_successfully");
        DependsOn(services, "notifier").Select(d => $"{d.Key} {d.Value}").ShouldBe(
            ["rabbitmq-setup service_completed_successfully", "sqlserver-setup service_completed_successfully",
                "mail service_healthy"], ignoreOrder: true);
        DependsOn(services, "dashboard")["history"].ShouldBe("service_healthy");
        DependsOn(services, "dashboard")["notifier"].ShouldBe("service_healthy");
        DependsOn(services, "dashboard")["alerting"].ShouldBe("service_healthy");
        DependsOn(services, "kibana")["elasticsearch-setup"].ShouldBe("service_completed_successfully");
        DependsOn(services, "kibana-setup")["kibana"].ShouldBe("service_healthy");
        DependsOn(services, "simulator")["ingest"].ShouldBe("service_healthy");
        ((List<object>)services["simulator"]["profiles"]).ShouldBe(["sim"]);
        // It first fills the last 23 hours at event time, then goes live, as ./nop up does.
        var simulator = ((List<object>)services["simulator"]["command"]).Cast<string>().ToList();
        simulator[simulator.IndexOf("--backfill") + 1].ShouldBe("23h");
        // The cluster profile: three nodes, and its set-up job once all three are healthy.
        foreach (var node in new[] { "rabbitmq-1", "rabbitmq-2", "rabbitmq-3", "rabbitmq-cluster-setup" })
        {
            ((List<object>)services[node]["profiles"]).ShouldBe(["cluster"]);
        }
        DependsOn(services, "rabbitmq-cluster-setup").ShouldBe(new Dictionary<string, string>
        {
            ["rabbitmq-1"] = "service_healthy",
            ["rabbitmq-2"] = "service_healthy",
            ["rabbitmq-3"] = "service_healthy",
        });
    }

    [Fact]
    public async Task No_service_connects_to_the_broker_as_an_administrator_or_guest()
    {
        var config =
            (await ComposeFile.ConfigAsync(Repo.PathOf(ComposeFile.EnvExample), ComposeFile.Main)).EnsureSuccess();
        var services = ComposeFile.Services(config.Output);

        foreach (var name in new[] { "ingest", "processing", "alerting", "history", "notifier", "dashboard" })
        {
            var environment = (Dictionary<object, object>)services[name]["environment"];
            var uri = new Uri((string)environment["RabbitMq__Uri"]);
            uri.UserInfo.Split(':')[0].ShouldBe("nop-" + name);
            environment["RabbitMq__DeclareTopology"].ShouldBe("false");
        }
    }

    [Fact]
    public async Task Each_service_logs_in_to_SQL_Server_with_its_own_login_and_password_never_sa()
    {
        var config =
            (await ComposeFile.ConfigAsync(Repo.PathOf(ComposeFile.EnvExample), ComposeFile.Main)).EnsureSuccess();
        var services = ComposeFile.Services(config.Output);
        var example = ComposeFile.ReadEnvFile(Repo.PathOf(ComposeFile.EnvExample));

        foreach (var name in new[] { "processing", "alerting", "history", "notifier" })
        {
            var environment = (Dictionary<object, object>)services[name]["environment"];
            var connection = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var key = $"ConnectionStrings__{char.ToUpperInvariant(name[0])}{name[1..]}";
            foreach (var part in ((string)environment[key]).Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                var pair = part.Split('=', 2);
                connection[pair[0].Trim()] = pair[1];
            }
            connection["User Id"].ShouldBe("nop_" + name);
            connection["Database"].ShouldBe("nop_" + name);
            connection["Password"].ShouldBe(example[$"MSSQL_{name.ToUpperInvariant()}_PASSWORD"]);
            connection["Password"].ShouldNotBe(example["MSSQL_SA_PASSWORD"]);
        }
        // sa's password reaches only SQL Server itself and its set-up job.
        services.Where(s => s.Value.TryGetValue("environment", out var e)
                && ((Dictionary<object, object>)e).Values.OfType<string>()
                    .Any(v => v.Contains(example["MSSQL_SA_PASSWORD"], StringComparison.Ordinal)))
            .Select(s => s.Key).ShouldBe(["sqlserver", "sqlserver-setup"], ignoreOrder: true);
        var setup = (Dictionary<object, object>)services["sqlserver-setup"]["environment"];
        setup.Keys.Cast<string>().Where(k => k.StartsWith("MSSQL_", StringComparison.Ordinal)).ShouldBe(
            ["MSSQL_HOST", "MSSQL_SA_PASSWORD", "MSSQL_PROCESSING_PASSWORD", "MSSQL_ALERTING_PASSWORD",
                "MSSQL_HISTORY_PASSWORD", "MSSQL_NOTIFIER_PASSWORD"], ignoreOrder: true);
    }

    [Fact]
    public async Task No_default_sensor_catalogue_and_the_simulator_gets_the_catalogues_keys()
    {
        // No file of the compose setup names the development catalogue (its keys dev-key-<id> are public).
        foreach (var file in new[] { ComposeFile.Main, ComposeFile.Override, ComposeFile.TestOverride,
                     ComposeFile.EnvExample })
        {
            ComposeFile.WithoutComments(file).ShouldNotContain("sensors.dev.json", customMessage: file);
        }
        ComposeFile.RequiredVariables(ComposeFile.Main).ShouldContain("NOP_SENSOR_CATALOG");
        ComposeFile.RequiredVariables(ComposeFile.Main).ShouldContain("NOP_SENSOR_KEYS");

        var config =
            (await ComposeFile.ConfigAsync(Repo.PathOf(ComposeFile.EnvExample), ComposeFile.Main)).EnsureSuccess();
        var services = ComposeFile.Services(config.Output);
        var simulator = ((List<object>)services["simulator"]["command"]).Cast<string>().ToList();
        simulator[simulator.IndexOf("--keys") + 1].ShouldBe("/config/sensor-keys.json");
        Mounts(services["simulator"]).ShouldContain(m => m.EndsWith("sensor-keys.json:/config/sensor-keys.json:ro",
            StringComparison.Ordinal));
        var test = (await ComposeFile.ConfigAsync(Repo.PathOf(ComposeFile.EnvExample), ComposeFile.Main,
            ComposeFile.TestOverride)).EnsureSuccess();
        ((List<object>)ComposeFile.Services(test.Output)["simulator"]["command"]).ShouldContain("--keys");
    }

    [Fact]
    public async Task Dashboard_reads_its_operators_from_a_mounted_file()
    {
        var config =
            (await ComposeFile.ConfigAsync(Repo.PathOf(ComposeFile.EnvExample), ComposeFile.Main)).EnsureSuccess();
        var dashboard = ComposeFile.Services(config.Output)["dashboard"];
        var environment = (Dictionary<object, object>)dashboard["environment"];

        environment["Dashboard__OperatorsPath"].ShouldBe("/config/operators.json");
        environment.Keys.Cast<string>().ShouldNotContain(k => k.StartsWith("Dashboard__Operators__",
            StringComparison.Ordinal));
        Mounts(dashboard).ShouldContain(m => m.EndsWith("operators.json:/config/operators.json:ro",
            StringComparison.Ordinal));
        ComposeFile.RequiredVariables(ComposeFile.Main).ShouldContain("NOP_DASHBOARD_OPERATORS");
    }

    [Fact]
    public async Task Notifier_mails_operator_at_nop_local_through_the_mail_catcher_and_production_has_no_subscription()
    {
        var config =
            (await ComposeFile.ConfigAsync(Repo.PathOf(ComposeFile.EnvExample), ComposeFile.Main)).EnsureSuccess();
        var services = ComposeFile.Services(config.Output);
        var notifier = (Dictionary<object, object>)services["notifier"]["environment"];

        // A development stack: one subscription, every alert, by e-mail to the catcher's SMTP port.
        notifier.Keys.Cast<string>().Where(k => k.StartsWith("Notifier__Subscriptions__", StringComparison.Ordinal))
            .ShouldBe(["Notifier__Subscriptions__0__Id", "Notifier__Subscriptions__0__Email"], ignoreOrder: true);
        notifier["Notifier__Subscriptions__0__Email"].ShouldBe("operator@nop.local");
        notifier["Notifier__Smtp__Host"].ShouldBe("mail");
        var smtpPort = (string)notifier["Notifier__Smtp__Port"];
        var mail = ((List<object>)services["mail"]["command"]).Cast<string>().ToList();
        mail.ShouldContain($"--smtpport={smtpPort}");
        mail.ShouldContain("--urls=http://*:5095");
        // No environment name: Production, so appsettings.Development.json's subscriptions (a webhook on the host's
        // loopback among them) stay out of the container.
        notifier.Keys.Cast<string>().ShouldNotContain(k => k.EndsWith("ENVIRONMENT", StringComparison.Ordinal));

        var appsettings = System.Text.Json.Nodes.JsonNode.Parse(
            File.ReadAllText(Repo.PathOf("services/Nop.Notifier/appsettings.json")))!;
        appsettings["Notifier"]?["Subscriptions"].ShouldBeNull("production subscribes nobody by default");
    }

    [Fact]
    public void The_mail_catcher_image_installs_the_smtp4dev_version_of_dotnet_tools_json()
    {
        var tools = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Repo.PathOf("dotnet-tools.json")))!;
        var version = tools["tools"]!["rnwood.smtp4dev"]!["version"]!.GetValue<string>();

        File.ReadAllLines(Repo.PathOf("deploy/docker/smtp4dev.Dockerfile"))
            .ShouldContain($"ARG SMTP4DEV_VERSION={version}");
        File.ReadAllText(Repo.PathOf("deploy/docker/build-images.sh")).ShouldContain("smtp4dev.Dockerfile");
    }

    [Theory]
    [InlineData("deploy/docker/service.Dockerfile")]
    [InlineData("deploy/docker/dashboard.Dockerfile")]
    public void The_restore_layer_copies_every_project_file_of_shared_and_services(string dockerfile)
    {
        // A project left out of the restore layer would fail the publish after it (--no-restore), in docker only; a
        // Directory.Build.props left out would build the images with other settings than ./nop builds the services.
        var projects = new[] { "shared", "services" }
            .SelectMany(dir => Directory.GetFiles(Repo.PathOf(dir), "*.csproj", SearchOption.AllDirectories)
                .Concat(Directory.GetFiles(Repo.PathOf(dir), "Directory.Build.props", SearchOption.AllDirectories)))
            .Select(path => Path.GetRelativePath(Repo.Root, path).Replace('\\', '/'))
            .ToList();
        projects.Count.ShouldBeGreaterThan(8);

        var lines = File.ReadAllLines(Repo.PathOf(dockerfile));
        var restore = Array.FindIndex(lines, l => l.Contains("dotnet restore", StringComparison.Ordinal));
        restore.ShouldBeGreaterThan(0);
        var copied = lines[..restore].Where(l => l.StartsWith("COPY ", StringComparison.Ordinal)).ToList();
        foreach (var project in projects)
        {
            copied.ShouldContain($"COPY {project} {Path.GetDirectoryName(project)!.Replace('\\', '/')}/");
        }
    }

    // Compose v1 prints volumes as "source:target:mode".
    private static List<string> Mounts(Dictionary<object, object> service) =>
        ((List<object>)service["volumes"]).Select(v => v switch
        {
            Dictionary<object, object> map =>
                $"{map["source"]}:{map["target"]}{(map.TryGetValue("read_only", out var ro) && ro is "true" or true
                    ? ":ro" : "")}",
            _ => v.ToString() ?? "",
        }).ToList();

    // Compose v1 prints "127.0.0.1:5080:5080/tcp", v2 a mapping.
    private static string Port(object port) => port switch
    {
        string text when text.Split('/')[0].Split(':') is [var ip, var published, var target] =>
            $"{ip}:{published}->{target}",
        Dictionary<object, object> map => $"{map["host_ip"]}:{map["published"]}->{map["target"]}",
        _ => port.ToString() ?? "",
    };

    private static Dictionary<string, string> DependsOn(Dictionary<string, Dictionary<object, object>> services,
        string name) =>
        ((Dictionary<object, object>)services[name]["depends_on"]).ToDictionary(
            d => (string)d.Key, d => (string)((Dictionary<object, object>)d.Value)["condition"]);
}
