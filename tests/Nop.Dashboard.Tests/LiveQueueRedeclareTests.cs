using Nop.Testing;

namespace Nop.Dashboard.Tests;

public sealed class LiveQueueRedeclareTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Live_queues_the_broker_deletes_are_declared_again_and_the_pages_told_to_resync()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-redeclare");
        await using var broker = await BrokerSide.StartAsync(vhost);
        await using var dashboard = await DashboardApp.StartAsync(vhost);
        var page = await dashboard.OpenPageAsync();
        var before = dashboard.Feed.QueueNames;
        var first = Make.Alert("dev-001");
        await broker.RaiseAlertAsync(first);
        await Eventually.TrueAsync(() => page.Alerts.Any(a => a.AlertId == first.AlertId), Wait,
            "the first alert arrives");

        // As `rabbitmqctl delete_queue` (or a queue leader lost with its node) would: the consumers are cancelled.
        await TestBroker.DeleteQueueAsync(vhost.Name, before[1]);
        await TestBroker.DeleteQueueAsync(vhost.Name, before[2]);

        await Eventually.TrueAsync(() => page.Resyncs.Count > 0, Wait,
            "the page is told to re-sync (the new queues start empty)");
        await Eventually.TrueAsync(async () =>
        {
            using var ready = await dashboard.Client.GetAsync(new Uri("/health/ready", UriKind.Relative));
            var names = dashboard.Feed.QueueNames;
            return ready.IsSuccessStatusCode && names[2] != before[2] && names[1] != before[1];
        }, Wait, "both queues are declared again and the Dashboard is ready");
        var second = Make.Alert("dev-002");
        await broker.RaiseAlertAsync(second);
        // An older Processing's window: the re-declared queue is bound to both forms.
        await broker.PublishOlderLevelAsync(Make.Level("dev-002", 61.5));

        await Eventually.TrueAsync(() => page.Alerts.Any(a => a.AlertId == second.AlertId), Wait,
            "an alert raised afterwards arrives");
        await Eventually.TrueAsync(() => page.Levels.Any(l => l is { SensorId: "dev-002", Laeq: 61.5 }), Wait,
            "a window published afterwards arrives");
        dashboard.Feed.QueueNames[0].ShouldBe(before[0], "the readings queue was not touched");
        await Eventually.TrueAsync(async () =>
            (await TestBroker.GetQueueAsync(vhost.Name,
                dashboard.Feed.QueueNames[2]))?["consumers"]?.GetValue<int>() == 1,
            Wait, "the new alerts queue has its one consumer");
    }
}
