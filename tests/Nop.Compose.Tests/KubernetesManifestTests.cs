using YamlDotNet.RepresentationModel;

namespace Nop.Compose.Tests;

/// <summary>deploy/k8s renders with Kustomize (kubectl kustomize, offline) into what the README promises.</summary>
public sealed class KubernetesManifestTests
{
    [SkippableFact]
    public async Task Kustomize_renders_a_probed_non_root_deployment_and_service_per_service_with_secrets_from_Secret()
    {
        var objects = await RenderAsync();

        objects.Where(o => Kind(o) == "Deployment").Select(Name)
            .ShouldBe(["alerting", "dashboard", "history", "ingest", "notifier", "processing"], ignoreOrder: true);
        objects.Where(o => Kind(o) == "Service").Select(Name)
            .ShouldBe(["alerting", "dashboard", "history", "ingest", "notifier", "processing"], ignoreOrder: true);
        objects.Where(o => Kind(o) != "Namespace").Select(o => Scalar(Map(o, "metadata"), "namespace"))
            .ShouldAllBe(ns => ns == "nop");

        foreach (var deployment in objects.Where(o => Kind(o) == "Deployment"))
        {
            var pod = Pod(deployment);
            Scalar(Map(pod, "securityContext"), "runAsNonRoot").ShouldBe("true");
            var container = Container(pod);
            Scalar(Map(Map(container, "readinessProbe"), "httpGet"), "path").ShouldBe("/health/ready");
            Scalar(Map(Map(container, "livenessProbe"), "httpGet"), "path").ShouldBe("/health/live");

            var uri = Env(container)["RabbitMq__Uri"];
            uri.Children.ShouldNotContainKey(new YamlScalarNode("value"),
                $"{Name(deployment)}'s broker URI is written into the manifest");
            Scalar(Map(Map(uri, "valueFrom"), "secretKeyRef"), "name").ShouldBe("nop-secrets");
        }
    }

    [Fact]
    public void Readme_builds_the_catalogue_from_your_own_sensors_not_the_development_keys()
    {
        var readme = File.ReadAllLines(Repo.PathOf("deploy/k8s/README.md"));
        readme.Where(l => l.StartsWith("kubectl", StringComparison.Ordinal))
            .ShouldNotContain(l => l.Contains("sensors.dev.json", StringComparison.Ordinal));
        readme.ShouldContain(l => l.StartsWith("kubectl -n nop create secret generic nop-operators",
            StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Dashboard_reads_its_operators_from_the_nop_operators_Secret()
    {
        var dashboard = (await RenderAsync()).Single(o => Kind(o) == "Deployment" && Name(o) == "dashboard");
        var pod = Pod(dashboard);
        var container = Container(pod);
        var env = Env(container);

        Scalar(env["Dashboard__OperatorsPath"], "value").ShouldBe("/operators/operators.json");
        env.Keys.ShouldNotContain(k => k.StartsWith("Dashboard__Operators__", StringComparison.Ordinal));
        var mount = ((YamlSequenceNode)container.Children[new YamlScalarNode("volumeMounts")]).Children
            .Cast<YamlMappingNode>().Single(m => Scalar(m, "mountPath") == "/operators");
        var volume = ((YamlSequenceNode)pod.Children[new YamlScalarNode("volumes")]).Children.Cast<YamlMappingNode>()
            .Single(v => Scalar(v, "name") == Scalar(mount, "name"));
        Scalar(Map(volume, "secret"), "secretName").ShouldBe("nop-operators");
    }

    [SkippableFact]
    public async Task Notifier_reads_its_subscriptions_from_the_nop_notifier_subscriptions_Secret_as_a_file()
    {
        var notifier = (await RenderAsync()).Single(o => Kind(o) == "Deployment" && Name(o) == "notifier");
        var pod = Pod(notifier);
        var container = Container(pod);
        var env = Env(container);

        var path = Scalar(env["Notifier__SubscriptionsPath"], "value");
        env.Keys.ShouldNotContain(k => k.StartsWith("Notifier__Subscriptions__", StringComparison.Ordinal));
        var mount = ((YamlSequenceNode)container.Children[new YamlScalarNode("volumeMounts")]).Children
            .Cast<YamlMappingNode>()
            .Single(m => path.StartsWith(Scalar(m, "mountPath") + "/", StringComparison.Ordinal));
        Scalar(mount, "readOnly").ShouldBe("true");
        var volume = ((YamlSequenceNode)pod.Children[new YamlScalarNode("volumes")]).Children.Cast<YamlMappingNode>()
            .Single(v => Scalar(v, "name") == Scalar(mount, "name"));
        Scalar(Map(volume, "secret"), "secretName").ShouldBe("nop-notifier-subscriptions");
        // Its database and its mail server's password are secrets too.
        Scalar(Map(Map(env["ConnectionStrings__Notifier"], "valueFrom"), "secretKeyRef"), "name")
            .ShouldBe("nop-secrets");
        Scalar(Map(Map(env["Notifier__Smtp__Password"], "valueFrom"), "secretKeyRef"), "name")
            .ShouldBe("nop-secrets");
        File.ReadAllText(Repo.PathOf("deploy/k8s/README.md"))
            .ShouldContain("kubectl -n nop create secret generic nop-notifier-subscriptions");
    }

    /// <summary>deploy/k8s as Kustomize renders it (skipped where kubectl is not installed).</summary>
    private static async Task<List<YamlMappingNode>> RenderAsync()
    {
        Skip.IfNot(File.Exists("/usr/bin/kubectl") || File.Exists("/usr/local/bin/kubectl"),
            "kubectl is not installed: cannot render deploy/k8s");
        var rendered = (await Cli.RunAsync("kubectl", ["kustomize", Repo.PathOf("deploy/k8s")],
            TimeSpan.FromSeconds(60))).EnsureSuccess();
        var stream = new YamlStream();
        stream.Load(new StringReader(rendered.Output));
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    private static YamlMappingNode Pod(YamlMappingNode deployment) =>
        Map(Map(Map(deployment, "spec"), "template"), "spec");

    private static YamlMappingNode Container(YamlMappingNode pod) =>
        (YamlMappingNode)((YamlSequenceNode)pod.Children[new YamlScalarNode("containers")]).Children.Single();

    private static Dictionary<string, YamlMappingNode> Env(YamlMappingNode container) =>
        ((YamlSequenceNode)container.Children[new YamlScalarNode("env")]).Children.Cast<YamlMappingNode>()
            .ToDictionary(e => Scalar(e, "name"));

    private static string Kind(YamlMappingNode node) => Scalar(node, "kind");

    private static string Name(YamlMappingNode node) => Scalar(Map(node, "metadata"), "name");

    private static YamlMappingNode Map(YamlMappingNode node, string key) =>
        (YamlMappingNode)node.Children[new YamlScalarNode(key)];

    private static string Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value ?? "" : "";
}
