using Nop.Contracts;
using Nop.Testing;

namespace Nop.Dashboard.Tests;

public sealed class LiveFeedTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Events_published_on_the_readings_noise_and_alerts_exchanges_reach_a_connected_page()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-events");
        await using var broker = await BrokerSide.StartAsync(vhost);
        await using var dashboard = await DashboardApp.StartAsync(vhost);
        var page = await dashboard.OpenPageAsync();

        await broker.PublishBatchAsync(Make.Batch("dev-001", 71.5));
        await broker.PublishLevelAsync(Make.Level("dev-001", 68.2, threshold: 65));
        var window = Make.Level("dev-001", 68.2);
        await broker.Publisher.PublishAsync(Exchanges.Noise, RoutingKeys.ThresholdExceeded("dev-001"),
            new NoiseThresholdExceeded(
            "dev-001", Zone.Commercial, AlertRule.Level, window.WindowStart, window.WindowEnd, 68.2, 65, DayPeriod.Day,
                3));
        await broker.Publisher.PublishAsync(Exchanges.Noise, RoutingKeys.SensorFault("dev-002"),
            new SensorFaultDetected(
            "dev-002", Zone.Commercial, SensorFault.Stuck, "same value 30 times", DateTimeOffset.UtcNow,
                DateTimeOffset.UtcNow));
        var alert = Make.Alert("dev-001");
        var correlationId = await broker.RaiseAlertAsync(alert);
        await broker.Publisher.PublishAsync(Exchanges.Alerts, RoutingKeys.AlertResolved,
            new AlertResolved(alert.AlertId, "dev-001", AlertRule.Level, "cleared", DateTimeOffset.UtcNow));

        await Eventually.TrueAsync(() => page.Readings.Any(r => r.Tick is { SensorId: "dev-001", Laeq: 71.5 }), Wait,
            "the reading is pushed");
        await Eventually.TrueAsync(() => page.Levels.Any(l => l is { SensorId: "dev-001", Laeq: 68.2, Threshold: 65 }),
            Wait, "the level is pushed");
        await Eventually.TrueAsync(() => page.Statuses.Count == 2, Wait, "both sensor status changes are pushed");
        await Eventually.TrueAsync(() => page.Alerts.Count == 2, Wait, "both alert changes are pushed");

        page.Statuses.ShouldContain(s =>
            s.SensorId == "dev-001" && s.Status == "exceeded" && s.Rule == AlertRule.Level);
        page.Statuses.ShouldContain(s =>
            s.SensorId == "dev-002" && s.Status == "fault" && s.Fault == SensorFault.Stuck);
        page.Alerts.Select(a => a.Kind).ShouldBe(["raised", "resolved"]);
        var raised = page.Alerts[0];
        raised.AlertId.ShouldBe(alert.AlertId);
        raised.CorrelationId.ShouldBe(correlationId, "the page links the alert's logs by this id");
        raised.Severity.ShouldBe(AlertSeverity.Warning);
        raised.Level.ShouldBe(72);
        raised.Message.ShouldBe(alert.Message);
    }

    [Fact]
    public async Task A_message_of_windows_with_a_null_window_still_shows_the_others_and_the_feed_goes_on()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-null-window");
        await using var broker = await BrokerSide.StartAsync(vhost);
        await using var dashboard = await DashboardApp.StartAsync(vhost);
        var page = await dashboard.OpenPageAsync();

        await broker.PublishLevelsAsync(null!, Make.Level("dev-003", 61.1));
        await broker.PublishLevelAsync(Make.Level("dev-001", 62.2));

        await Eventually.TrueAsync(() => page.Levels.Any(l => l is { SensorId: "dev-003", Laeq: 61.1 }), Wait,
            "the message's other window is pushed");
        await Eventually.TrueAsync(() => page.Levels.Any(l => l is { SensorId: "dev-001", Laeq: 62.2 }), Wait,
            "a window published afterwards is pushed");
    }

    [Fact]
    public async Task Readings_of_one_sensor_are_coalesced_to_at_most_one_push_per_interval()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-coalesce");
        await using var broker = await BrokerSide.StartAsync(vhost);
        var interval = TimeSpan.FromMilliseconds(200);
        await using var dashboard = await DashboardApp.StartAsync(vhost, new Dictionary<string, string?>
        {
            ["Dashboard:PushInterval"] = interval.ToString(),
            ["Dashboard:ReadingsQueueMaxLength"] = "100000",
        });
        var page = await dashboard.OpenPageAsync();

        const int batches = 120, perBatch = 5, count = batches * perBatch;
        var start = DateTimeOffset.UtcNow.AddMinutes(-5);
        var publishing = DateTime.UtcNow;
        for (var wave = 0; wave < batches / 20; wave++)
        {
            await Task.WhenAll(Enumerable.Range(wave * 20, 20).Select(b => broker.PublishBatchAsync(Make.Batch(
                "dev-001",
                [.. Enumerable.Range(b * perBatch, perBatch)
                    .Select(i => (40 + i * 0.05, start.AddMilliseconds(i * 100)))]))));
        }
        var others = Enumerable.Range(2, 20).Select(i => $"dev-{i:000}").ToArray();
        await Task.WhenAll(others.Select(id => broker.PublishBatchAsync(Make.Batch(id, 50))));
        var last = 40 + (count - 1) * 0.05;

        await Eventually.TrueAsync(() =>
            page.Readings.Any(r => r.Tick.SensorId == "dev-001" && Math.Abs(r.Tick.Laeq - last) < 1e-9), Wait,
            "the latest reading of dev-001 is pushed");
        await Eventually.TrueAsync(() => others.All(id => page.Readings.Any(r => r.Tick.SensorId == id)), Wait,
            "every other sensor's reading is pushed");

        var pushes = page.Readings.Where(r => r.Tick.SensorId == "dev-001").ToArray();
        // Every push was sent after publishing began and received by the last receipt. Receipt times alone would
        // not do: under load a client receives pushes sent 200 ms apart in one burst.
        var span = pushes[^1].At - publishing;
        pushes.Length.ShouldBeLessThan(batches / 4, "batches are coalesced, not forwarded one by one");
        pushes.Length.ShouldBeLessThanOrEqualTo((int)(span / interval) + 2,
            $"at most one push per {interval.TotalMilliseconds} ms (over {span})");
        pushes.Select(p => p.Tick.MeasuredAt)
            .ShouldBeInOrder(SortDirection.Ascending, "the live value never moves backwards");
        page.ReadingBatchSizes.Count.ShouldBeLessThan(batches / 4, "one push carries every sensor's latest reading");
    }

    [Fact]
    public async Task Every_alert_is_delivered_while_a_flood_of_readings_overflows_the_lossy_readings_queue()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-flood");
        await using var broker = await BrokerSide.StartAsync(vhost);
        await using var dashboard = await DashboardApp.StartAsync(vhost, new Dictionary<string, string?>
        {
            ["Dashboard:ReadingsQueueMaxLength"] = "20",
            ["Dashboard:Prefetch"] = "5",
        });
        var page = await dashboard.OpenPageAsync();

        var alerts = new List<AlertRaised>();
        for (var wave = 0; wave < 30; wave++)
        {
            var alert = Make.Alert($"dev-{wave % 50 + 1:000}");
            alerts.Add(alert);
            await Task.WhenAll(Enumerable.Range(0, 100)
                .Select(i => broker.PublishBatchAsync(Make.Batch($"dev-{i % 50 + 1:000}", 60)))
                .Append(broker.RaiseAlertAsync(alert)));
        }

        await Eventually.TrueAsync(() => page.Alerts.Count >= alerts.Count, Wait,
            $"all {alerts.Count} alerts reach the page");
        page.Alerts.Select(a => a.AlertId)
            .ShouldBe(alerts.Select(a => a.AlertId), "every alert, once, in publishing order");
    }

    [Fact]
    public async Task Each_instance_declares_its_own_exclusive_auto_delete_queues_that_go_away_with_it()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-queues");
        await using var first = await DashboardApp.StartAsync(vhost,
            new Dictionary<string, string?> { ["Dashboard:ReadingsQueueMaxLength"] = "777" });
        var second = await DashboardApp.StartAsync(vhost);
        var firstQueues = first.Feed.QueueNames;
        var secondQueues = second.Feed.QueueNames;

        firstQueues.Count.ShouldBe(3);
        secondQueues.Count.ShouldBe(3);
        firstQueues.Intersect(secondQueues).ShouldBeEmpty("every instance has its own queues");
        foreach (var name in firstQueues.Concat(secondQueues))
        {
            name.ShouldStartWith("amq.gen-", customMessage: "server-named");
            var queue = (await TestBroker.GetQueueAsync(vhost.Name, name))!;
            queue["exclusive"]!.GetValue<bool>().ShouldBeTrue();
            queue["auto_delete"]!.GetValue<bool>().ShouldBeTrue();
            queue["durable"]!.GetValue<bool>().ShouldBeFalse();
        }
        var readings = (await TestBroker.GetQueueAsync(vhost.Name, firstQueues[0]))!;
        readings["arguments"]!["x-max-length"]!.GetValue<int>().ShouldBe(777);
        readings["arguments"]!["x-overflow"]!.GetValue<string>().ShouldBe("drop-head");
        // Windows and conditions are replaceable (the next window, the open alerts): bounded too. Alerts are not.
        var noise = (await TestBroker.GetQueueAsync(vhost.Name, firstQueues[1]))!;
        noise["arguments"]!["x-max-length"]!.GetValue<int>().ShouldBe(10_000);
        noise["arguments"]!["x-overflow"]!.GetValue<string>().ShouldBe("drop-head");
        var noiseBindings = (await TestBroker.Local.GetJsonAsync(
                $"api/queues/{Uri.EscapeDataString(vhost.Name)}/{Uri.EscapeDataString(firstQueues[1])}/bindings"))!
            .AsArray();
        noiseBindings.Select(b => b!["routing_key"]!.GetValue<string>()).ShouldNotContain(RoutingKeys.AllSpikes,
            "spikes are not shown live");
        var alertsQueue = (await TestBroker.GetQueueAsync(vhost.Name, firstQueues[2]))!;
        alertsQueue["arguments"]!.AsObject().ContainsKey("x-max-length").ShouldBeFalse("alerts are never dropped");

        await second.DisposeAsync();
        await Eventually.TrueAsync(async () =>
        {
            foreach (var name in secondQueues)
            {
                if (await TestBroker.GetQueueAsync(vhost.Name, name) is not null)
                {
                    return false;
                }
            }
            return true;
        }, Wait, "the stopped instance's queues are deleted");
        (await TestBroker.GetQueueAsync(vhost.Name, firstQueues[2]))
            .ShouldNotBeNull("the other instance keeps its queues");
    }

    [Fact]
    public async Task Two_dashboard_instances_both_deliver_every_alert()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-two");
        await using var broker = await BrokerSide.StartAsync(vhost);
        await using var first = await DashboardApp.StartAsync(vhost);
        await using var second = await DashboardApp.StartAsync(vhost);
        var pageOnFirst = await first.OpenPageAsync();
        var pageOnSecond = await second.OpenPageAsync();

        var alerts = Enumerable.Range(1, 25).Select(i => Make.Alert($"dev-{i:000}")).ToArray();
        foreach (var alert in alerts)
        {
            await broker.RaiseAlertAsync(alert);
        }

        var ids = alerts.Select(a => a.AlertId).ToArray();
        await Eventually.TrueAsync(() =>
            pageOnFirst.Alerts.Count >= ids.Length && pageOnSecond.Alerts.Count >= ids.Length, Wait,
            "both pages have every alert");
        pageOnFirst.Alerts.Select(a => a.AlertId).ShouldBe(ids);
        pageOnSecond.Alerts.Select(a => a.AlertId).ShouldBe(ids);
    }
}
