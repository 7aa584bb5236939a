using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Nop.Testing;

namespace Nop.Compose.Tests;

/// <summary>
/// The well-known <c>guest</c> / <c>guest</c> account. The compose broker has none at all; the local broker that
/// <c>./nop</c> runs for development and tests keeps it, so it must admit it from loopback only and listen on loopback
/// only. (A remote login cannot be tried here: tests send traffic to loopback addresses only. The compose stack test
/// tries guest on the real compose broker, where it is refused even from loopback.)
/// </summary>
public sealed class BrokerGuestTests
{
    [Fact]
    public void The_compose_broker_gets_its_administrator_from_the_environment_and_no_guest_from_its_definitions()
    {
        var definitions = JsonNode.Parse(File.ReadAllText(Repo.PathOf("deploy/rabbitmq/definitions.json")))!.AsObject();
        definitions["users"]!.AsArray().Select(u => (string)u!["name"]!).ShouldNotContain("guest");
        definitions["permissions"]!.AsArray().Select(p => (string)p!["user"]!).ShouldNotContain("guest");

        // A broker given a default user creates that administrator on its first start instead of guest.
        var compose = File.ReadAllText(Repo.PathOf(ComposeFile.Main));
        compose.ShouldContain("RABBITMQ_DEFAULT_USER: ${RABBITMQ_DEFAULT_USER:?");
        compose.ShouldContain("RABBITMQ_DEFAULT_PASS: ${RABBITMQ_DEFAULT_PASS:?");
        var entrypoint = File.ReadAllText(Repo.PathOf("deploy/docker/rabbitmq-entrypoint.sh"));
        entrypoint.ShouldContain("default_user = $RABBITMQ_DEFAULT_USER");
        entrypoint.ShouldContain("default_pass = $RABBITMQ_DEFAULT_PASS");
    }

    [SkippableFact]
    public async Task The_local_broker_listens_on_loopback_only_and_admits_guest_from_loopback_only()
    {
        Skip.IfNot(IPAddress.TryParse(TestBroker.Uri.Host, out var host) && IPAddress.IsLoopback(host),
            "NOP_RABBITMQ_URI names a broker that is not the local one");

        using var http =
            new HttpClient { BaseAddress = new Uri(TestBroker.ManagementUri.GetLeftPart(UriPartial.Authority)) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(TestBroker.ManagementUri.UserInfo))));
        var overview = JsonNode.Parse(await http.GetStringAsync(new Uri("api/overview", UriKind.Relative)))!;
        var listeners = overview["listeners"]!.AsArray()
            // The management listener reports "::" as its address and the address it is bound to in its socket options.
            .Select(l => (Protocol: (string)l!["protocol"]!, Address: (l["socket_opts"] is JsonObject options
                ? (string?)options["ip"] : null) ?? (string)l["ip_address"]!))
            .ToList();
        listeners.Select(l => l.Protocol).ShouldContain("amqp");
        listeners.ShouldAllBe(l => IPAddress.IsLoopback(IPAddress.Parse(l.Address)), string.Join(", ", listeners));

        // guest may log in from loopback addresses only (RabbitMQ's default, which a loopback_users = none would undo).
        var loopbackUsers = (await Cli.RunAsync("rabbitmqctl", ["eval", "application:get_env(rabbit, loopback_users)."],
            TimeSpan.FromSeconds(60)))
            .EnsureSuccess().Output;
        loopbackUsers.ShouldContain("<<\"guest\">>");
    }
}
