using Nop.Contracts;
using Nop.Testing;

namespace Nop.Dashboard.Tests;

public sealed class SnapshotTests
{
    [Fact]
    public async Task A_new_instance_shows_exceeded_and_fault_conditions_from_the_open_alerts()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-conditions");
        await using var broker = await BrokerSide.StartAsync(vhost);
        // Raised before this Dashboard instance started: it never saw the threshold or fault events.
        var now = DateTimeOffset.UtcNow;
        broker.Alerting.Open(Summary("dev-001", AlertRule.Level, "dev-001 above 65 dB(A) for 3 windows", now));
        broker.Alerting.Open(Summary("dev-002", AlertRule.SensorFault, "Sensor stuck: same value 30 times", now));
        broker.Alerting.Open(Summary("dev-003", AlertRule.Spike, "Spike of 95.0 dB(A), above 90.0 dB(A)", now));
        await using var dashboard = await DashboardApp.StartAsync(vhost);
        var page = await dashboard.OpenPageAsync();

        var snapshot = await page.GetSnapshotAsync();

        var sensors = snapshot.Sensors.ToDictionary(s => s.Id);
        sensors["dev-001"].Exceeded.ShouldBeTrue("an open level alert means the threshold is exceeded");
        sensors["dev-002"].Fault.ShouldBe(SensorFault.Stuck, "an open fault alert means the sensor is faulty");
        sensors["dev-003"].Exceeded.ShouldBeFalse("a single spike is not an exceeded threshold");
        sensors["dev-003"].Fault.ShouldBeNull();
    }

    [Fact]
    public async Task Pages_resyncing_at_once_share_one_open_alerts_query()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-storm");
        await using var broker = await BrokerSide.StartAsync(vhost);
        broker.Alerting.Open(Summary("dev-001", AlertRule.Level, "above 65 dB(A) for 3 windows",
            DateTimeOffset.UtcNow));
        await using var dashboard = await DashboardApp.StartAsync(vhost, new Dictionary<string, string?>
        {
            // Longer than the test, so the figure does not depend on how fast this machine is.
            ["Dashboard:OpenAlertsMaxAge"] = "00:05:00",
        });
        var pages = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => dashboard.OpenPageAsync()));
        var before = broker.Alerting.Queries;

        var snapshots = await Task.WhenAll(pages.Select(p => p.GetSnapshotAsync()));

        snapshots.ShouldAllBe(s => s.Alerts != null && s.Alerts.Count == 1);
        (broker.Alerting.Queries - before).ShouldBe(1, "twenty re-syncs, one query to Alerting");
    }

    [Fact]
    public async Task Open_alerts_beyond_one_page_are_fetched()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-many-alerts");
        await using var broker = await BrokerSide.StartAsync(vhost);
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < 450; i++)
        {
            broker.Alerting.Open(Summary($"dev-{i % 50 + 1:000}", AlertRule.Spike, "spike", now.AddSeconds(-i)));
        }
        await using var dashboard = await DashboardApp.StartAsync(vhost);
        var page = await dashboard.OpenPageAsync();

        var snapshot = await page.GetSnapshotAsync();

        snapshot.Alerts!.Select(a => a.AlertId).Distinct().Count().ShouldBe(450, "every open alert, not the first 200");
        snapshot.AlertsTotal.ShouldBe(450);
    }

    [Fact]
    public async Task Beyond_the_pages_fetched_the_snapshot_says_how_many_are_open()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-too-many");
        await using var broker = await BrokerSide.StartAsync(vhost);
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < 30; i++)
        {
            broker.Alerting.Open(Summary($"dev-{i % 50 + 1:000}", AlertRule.Spike, "spike", now.AddSeconds(-i)));
        }
        await using var dashboard = await DashboardApp.StartAsync(vhost, new Dictionary<string, string?>
        {
            ["Dashboard:OpenAlertsLimit"] = "10",
            ["Dashboard:OpenAlertsMaxPages"] = "2",
        });
        var page = await dashboard.OpenPageAsync();

        var snapshot = await page.GetSnapshotAsync();

        snapshot.Alerts!.Count.ShouldBe(20);
        snapshot.AlertsTotal.ShouldBe(30, "the page says it shows the first 20 of 30");
    }

    private static AlertSummary Summary(string sensorId, AlertRule rule, string message, DateTimeOffset raisedAt) =>
        new(Guid.CreateVersion7(), sensorId, Zone.Commercial, rule, AlertSeverity.Warning, AlertState.Open, 70, 65,
            message, raisedAt, raisedAt, null, "corr-" + Guid.NewGuid().ToString("N"));
}
