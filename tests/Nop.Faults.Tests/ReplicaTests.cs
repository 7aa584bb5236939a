using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Nop.Contracts;
using Nop.Testing;
using RabbitMQ.Client;
using Xunit.Abstractions;

namespace Nop.Faults.Tests;

/// <summary>
/// Every service as two processes against one broker and one database per service, as <c>deploy/k8s</c> runs them:
/// competing consumers everywhere, Processing's partitions shared, one outbox relay per database (a lease), and the
/// Dashboards sharing their key ring. Nothing is harmed; what is checked is that replicas add no loss and no repeats.
/// </summary>
public sealed class ReplicaTests(ITestOutputHelper output)
{
    private const string AlertSpy = "faults.alerts";

    [Fact]
    public async Task Two_of_every_service_count_each_reading_once_raise_each_alert_once_publish_each_outbox_row_once()
    {
        var clock = Stopwatch.StartNew();
        await using var pipeline =
            await Pipeline.StartAsync("replicas", withAlerting: true, replicas: 2, withDashboard: true);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: two of each service started");
        // Load only once both Processing instances share the partitions, so no hand-over re-publishes a window.
        await Eventually.TrueAsync(() =>
            pipeline.Processings.All(p => p.Output().Contains("2 Processing instance(s)", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), () => "both Processing instances see each other\n" + pipeline.Diagnostics);
        var levels = await LevelQueue.DeclareAsync(pipeline.VirtualHost);
        await DeclareAlertSpyAsync(pipeline.VirtualHost);

        using var ledger =
            new Ledger([.. pipeline.Ingests.Select(i => i.Address!)], LedgerCheck.Sensors, LedgerCheck.EventTimeFrom(),
            $"replicas-{Guid.NewGuid():N}"[..20])
            { SpikeEvery = 40 };
        using (var stop = new CancellationTokenSource())
        {
            var load = ledger.RunAsync(TimeSpan.FromMilliseconds(20), stop.Token);
            await Eventually.TrueAsync(() => ledger.AcceptedCount >= 3000, TimeSpan.FromSeconds(60), () =>
                "the load went through\n" + pipeline.Diagnostics);
            await stop.CancelAsync();
            await load;
        }
        output.WriteLine(
            $"{clock.Elapsed.TotalSeconds:0.0} s: {ledger.AcceptedCount} readings accepted by two Ingests");

        await LedgerCheck.EveryAcceptedReadingCountedOnceAsync(ledger, levels, pipeline, output, clock);
        levels.Duplicates.ShouldBe(0, "Processing's outbox published each window once");

        // Every sensor sent spikes (two Processing classifiers, two Alerting consumers): one spike alert per sensor.
        var alerts = new List<(string RoutingKey, string MessageId, JsonElement Body)>();
        await Eventually.TrueAsync(async () =>
        {
            alerts.AddRange(await DrainAlertSpyAsync(pipeline.VirtualHost));
            return LedgerCheck.Sensors.All(s =>
                alerts.Any(a => a.RoutingKey == RoutingKeys.AlertRaised && IsSpikeOf(a.Body, s)));
        }, TimeSpan.FromSeconds(30), () => "every sensor's spike alert was published\n" + pipeline.Diagnostics);
        // anything published twice would arrive by now (relays poll every second)
        await Task.Delay(TimeSpan.FromSeconds(3));
        alerts.AddRange(await DrainAlertSpyAsync(pipeline.VirtualHost));
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {alerts.Count} alert events: " +
            string.Join(", ", alerts.GroupBy(a => a.RoutingKey).Select(g => $"{g.Key} {g.Count()}")));

        alerts.Select(a => a.MessageId).ShouldBeUnique("each outbox row of Alerting was published once");
        foreach (var sensor in LedgerCheck.Sensors)
        {
            alerts.Count(a => a.RoutingKey == RoutingKeys.AlertRaised && IsSpikeOf(a.Body, sensor))
                .ShouldBe(1, $"{sensor}'s spike alert was raised once");
        }

        // A sign-in on one Dashboard holds on the other.
        var cookie = await SignInAsync(pipeline.Dashboards[0].Address!);
        (await SessionUserAsync(pipeline.Dashboards[1].Address!, cookie)).ShouldBe("operator");
        pipeline.Ingests.Concat(pipeline.Processings).Concat(pipeline.Alertings).Concat(pipeline.Dashboards)
            .ShouldAllBe(p => !p.HasExited, "every instance kept running");
    }

    private static bool IsSpikeOf(JsonElement body, string sensor) =>
        body.GetProperty("sensorId").GetString() == sensor && body.GetProperty("rule").GetString() == "spike";

    private static async Task DeclareAlertSpyAsync(VirtualHost vhost)
    {
        await using var connection = await new ConnectionFactory { Uri = vhost.Uri }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclarePassiveAsync(Exchanges.Alerts);
        await channel.QueueDeclareAsync(AlertSpy, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(AlertSpy, Exchanges.Alerts, "alert.#");
    }

    private static async Task<List<(string RoutingKey, string MessageId,
        JsonElement Body)>> DrainAlertSpyAsync(VirtualHost vhost)
    {
        var drained = new List<(string, string, JsonElement)>();
        await using var connection = await new ConnectionFactory { Uri = vhost.Uri }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        while (await channel.BasicGetAsync(AlertSpy, autoAck: true) is { } message)
        {
            drained.Add((message.RoutingKey, message.BasicProperties.MessageId ?? "",
                JsonDocument.Parse(message.Body).RootElement.Clone()));
        }
        return drained;
    }

    private static async Task<string> SignInAsync(Uri dashboard)
    {
        var cookies = new CookieContainer();
        using var handler = new HttpClientHandler { CookieContainer = cookies };
        using var http = new HttpClient(handler) { BaseAddress = dashboard };
        using var response = await http.PostAsJsonAsync(new Uri("/api/session", UriKind.Relative),
            new { username = "operator", password = "operator" });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return cookies.GetCookieHeader(dashboard);
    }

    private static async Task<string?> SessionUserAsync(Uri dashboard, string cookie)
    {
        using var http = new HttpClient { BaseAddress = dashboard };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/session", UriKind.Relative));
        request.Headers.Add("Cookie", cookie);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("user")
            .GetString();
    }
}
