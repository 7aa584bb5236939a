using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Nop.Dashboard.Hub;
using Nop.Testing;

namespace Nop.Dashboard.Tests;

public sealed class SlowPageTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_page_that_stopped_reading_does_not_hold_up_another_pages_alerts()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-stalled");
        await using var broker = await BrokerSide.StartAsync(vhost);
        // Small server send buffers (inherited by accepted sockets), so a page that does not read fills them in
        // kilobytes instead of the megabytes loopback would otherwise absorb.
        // SignalR drops a page whose send waited this long; longer than this test, so the stalled page stays.
        var settings = new Dictionary<string, string?> { ["Dashboard:PageSendTimeout"] = "00:02:00" };
        await using var dashboard = await DashboardApp.StartAsync(vhost, settings, services =>
            services.Configure<SocketTransportOptions>(o => o.CreateBoundListenSocket = endpoint =>
            {
                var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
                socket.SendBufferSize = 4096;
                return socket;
            }));
        var page = await dashboard.OpenPageAsync();
        await using var stalled = await StalledPage.ConnectAsync(dashboard.BaseAddress, DashboardHub.Path);

        // About 100 kB of readings and windows per push, several pushes: more than the stalled page's buffers hold.
        var sensors = Enumerable.Range(1, 1000).Select(i => $"flood-{i:0000}").ToArray();
        for (var wave = 0; wave < 6; wave++)
        {
            await Task.WhenAll(sensors.Select(id => broker.PublishBatchAsync(Make.Batch(id, 50 + wave))));
            await broker.PublishLevelsAsync([.. sensors.Take(200).Select(id => Make.Level(id, 50 + wave))]);
            var laeq = 50 + wave;
            await Eventually.TrueAsync(() =>
                page.Readings.Any(r => r.Tick is { SensorId: "flood-1000" } && r.Tick.Laeq == laeq),
                Wait, $"wave {wave} reaches the reading page");
        }
        await Eventually.TrueAsync(() => stalled.Unread > 0, Wait, "the stalled page has unread pushes");

        var alerts = Enumerable.Range(1, 3).Select(i => Make.Alert($"dev-{i:000}")).ToArray();
        foreach (var alert in alerts)
        {
            await broker.RaiseAlertAsync(alert);
        }

        await Eventually.TrueAsync(() => alerts.All(a => page.Alerts.Any(c => c.AlertId == a.AlertId)), Wait,
            "every alert reaches the page that reads");
        dashboard.Logs.Events.ShouldNotContain(e => LogCapture.Property(e, "RequestPath") == DashboardHub.Path,
            "the stalled page is still connected (no hub connection ended)");
        stalled.Unread.ShouldBeGreaterThan(0, "and has not read what was pushed to it: it stayed stalled");
        page.Alerts.Select(a => a.AlertId).ShouldBe(alerts.Select(a => a.AlertId), "in publishing order");
    }
}
