using Nop.Testing;

namespace Nop.Dashboard.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrokerRestartCollection
{
    public const string Name = "broker restarts";
}

// Restarts the shared broker: ./nop test runs it (Broker=Restart) after every other test, alone.
[Collection(BrokerRestartCollection.Name)]
[Trait("Broker", "Restart")]
public sealed class BrokerRestartTests
{
    [Fact]
    public async Task After_a_broker_restart_the_live_queues_are_declared_again_and_pages_are_told_to_resync()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-restart");
        await using var broker = await BrokerSide.StartAsync(vhost);
        await using var dashboard = await DashboardApp.StartAsync(vhost);
        var page = await dashboard.OpenPageAsync();
        var before = dashboard.Feed.QueueNames;
        await broker.RaiseAlertAsync(Make.Alert("dev-001"));
        await Eventually.TrueAsync(() => page.Alerts.Count == 1, TimeSpan.FromSeconds(20), "the first alert arrives");

        await TestBroker.RestartAsync(TimeSpan.FromSeconds(1));

        await Eventually.TrueAsync(() => page.Resyncs.Count > 0, TimeSpan.FromSeconds(60),
            "the page is told to re-sync");
        // Each queue gets its new name as its channel recovers; under load the last rename was seen to come after the
        // re-sync request, so it is waited for rather than read at once.
        await Eventually.TrueAsync(() => !dashboard.Feed.QueueNames.Intersect(before).Any(), TimeSpan.FromSeconds(20),
            () => $"every live queue has a new name " +
                $"(before {string.Join(", ", before)}; now {string.Join(", ", dashboard.Feed.QueueNames)})");
        var after = dashboard.Feed.QueueNames;
        var later = Make.Alert("dev-002");
        // Publishing may fail while the publisher's own connection is still recovering: retry until the broker
        // confirms.
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await broker.RaiseAlertAsync(later);
                return true;
            }
            catch (Nop.Messaging.MessagePublishException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), "the alert after the restart is confirmed");
        await Eventually.TrueAsync(() => page.Alerts.Any(a => a.AlertId == later.AlertId), TimeSpan.FromSeconds(20),
            "the alert after the restart arrives");

        var old = await Task.WhenAll(before.Select(name => TestBroker.GetQueueAsync(vhost.Name, name)));
        old.ShouldAllBe(q => q == null, "the old exclusive queues died with the old connection");
        after.Count.ShouldBe(3);
        after.Intersect(before).ShouldBeEmpty("the broker named the queues anew");
        foreach (var name in after)
        {
            var queue = await TestBroker.GetQueueAsync(vhost.Name, name);
            queue.ShouldNotBeNull($"{name} exists");
            queue["exclusive"]!.GetValue<bool>().ShouldBeTrue();
            // Consumer counts appear in the management statistics a few seconds late.
            await Eventually.TrueAsync(async () =>
                (await TestBroker.GetQueueAsync(vhost.Name, name))?["consumers"]?.GetValue<int>() == 1,
                TimeSpan.FromSeconds(20), $"{name} has its consumer again");
        }
        var readings = (await TestBroker.GetQueueAsync(vhost.Name, after[0]))!;
        readings["arguments"]!["x-overflow"]!.GetValue<string>()
            .ShouldBe("drop-head", $"the lossy arguments survive the recovery: {readings}");
        using var ready = await dashboard.Client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        ready.IsSuccessStatusCode.ShouldBeTrue();
    }
}
