using System.Net;
using System.Net.Http.Json;
using Nop.Contracts;
using Nop.Testing;

namespace Nop.Dashboard.Tests;

// A sensor's alert history from Alerting, with the comment an operator acknowledged with.
public sealed class SensorAlertsApiTests
{
    [Fact]
    public async Task A_sensors_alerts_are_paged_newest_first_with_the_acknowledge_comment()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-sensor-alerts");
        await using var broker = await BrokerSide.StartAsync(vhost);
        var now = DateTimeOffset.UtcNow;
        var alerts = Enumerable.Range(0, 3).Select(i => Make.Alert("dev-004") with { RaisedAt = now.AddMinutes(-i) })
            .ToArray();
        foreach (var alert in alerts)
        {
            broker.Alerting.Open(alert, "corr-" + alert.AlertId.ToString("N"));
        }
        broker.Alerting.Open(Make.Alert("dev-005"), "corr-other");
        await using var dashboard = await DashboardApp.StartAsync(vhost);
        var page = await dashboard.OpenPageAsync(await dashboard.SignInAsync());

        var acknowledged = await page.AcknowledgeAsync(alerts[0].AlertId, "  Roadworks, permitted until 18:00 ");
        var first = await dashboard.Client.GetFromJsonAsync<AlertPage>(
            new Uri("/api/alerts/sensors/dev-004?pageSize=2", UriKind.Relative), Json.Options);
        var second = await dashboard.Client.GetFromJsonAsync<AlertPage>(
            new Uri("/api/alerts/sensors/dev-004?page=2&pageSize=2", UriKind.Relative), Json.Options);

        acknowledged.Outcome.ShouldBe(AcknowledgeOutcome.Acknowledged);
        first!.Items.Select(a => a.AlertId).ShouldBe([alerts[0].AlertId, alerts[1].AlertId]);
        first.Total.ShouldBe(3);
        first.HasMore.ShouldBeTrue();
        second!.Items.ShouldHaveSingleItem().AlertId.ShouldBe(alerts[2].AlertId);
        first.Items[0].State.ShouldBe(AlertState.Acknowledged);
        first.Items[0].AcknowledgedBy.ShouldBe("operator");
        first.Items[0].AcknowledgeComment.ShouldBe("Roadworks, permitted until 18:00");
        // The page hears the comment with the acknowledgement too.
        await Eventually.TrueAsync(() => Task.FromResult(page.Alerts.Any(a => a.Kind == "acknowledged")),
            TimeSpan.FromSeconds(10), "the acknowledgement reaches the page");
        page.Alerts.Single(a => a.Kind == "acknowledged").Comment.ShouldBe("Roadworks, permitted until 18:00");
    }

    [Fact]
    public async Task A_catalogued_sensor_without_alerts_has_an_empty_page()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-no-sensor-alerts");
        await using var broker = await BrokerSide.StartAsync(vhost);
        await using var dashboard = await DashboardApp.StartAsync(vhost);

        using var response = await dashboard.Client.GetAsync(new Uri("/api/alerts/sensors/dev-006",
            UriKind.Relative));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<AlertPage>(Json.Options))!.Items.ShouldBeEmpty();
    }
}
