using Microsoft.Playwright;
using Nop.Testing;
using static Microsoft.Playwright.Assertions;

namespace Nop.Dashboard.Tests;

/// <summary>
/// Two Dashboard replicas behind a balancer that sends each request to the next replica (no affinity), as two pods
/// behind a Kubernetes Service: the page in Chromium still connects and shows live levels and alerts, because its
/// hub connection is one WebSocket without a negotiate request that could land on the other replica.
/// </summary>
public sealed class LoadBalancerTests
{
    private static readonly float Wait = 30_000;

    [Fact]
    public async Task A_page_behind_a_round_robin_balancer_over_two_replicas_gets_live_levels_and_alerts()
    {
        File.Exists(Chromium.Path)
            .ShouldBeTrue($"{Chromium.Path} is missing: apt-get install -y chromium (./nop test does it).");
        File.Exists(Path.Combine(Repository.Root, "frontend", "dist", "index.html"))
            .ShouldBeTrue("build the page first: cd frontend && npm run build (./nop test does it)");
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-balancer");
        await using var broker = await BrokerSide.StartAsync(vhost);
        IDictionary<string, string> Replica() => new Dictionary<string, string>
        {
            ["RabbitMq:Uri"] = vhost.Uri.ToString(),
            ["Dashboard:PushInterval"] = "00:00:00.200",
            ["Logging:Console:Format"] = "none",
        };
        await using var first =
            await ServiceProcess.StartServiceAsync("Nop.Dashboard", Replica(), "dashboard-balanced-1");
        await using var second =
            await ServiceProcess.StartServiceAsync("Nop.Dashboard", Replica(), "dashboard-balanced-2");
        await using var balancer = RoundRobinHttpProxy.Start("/hubs/", first.Address!, second.Address!);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(
            new BrowserNewPageOptions { ViewportSize = new() { Width = 1440, Height = 1400 } });
        await page.GotoAsync(balancer.Address.ToString());
        await Expect(page.GetByTestId("connection-state"))
            .ToHaveAttributeAsync("data-state", "live", new() { Timeout = Wait });

        // Both replicas consume the same events; whichever the page reached pushes them.
        var level = page.Locator("[data-sensor-id='dev-001'] [data-testid=sensor-level]");
        await Eventually.TrueAsync(async () =>
        {
            await broker.PublishBatchAsync(Make.Batch("dev-001", 77.7));
            return (await level.InnerTextAsync()).StartsWith("77.7", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(30), "the page shows the live level");
        var alert = Make.Alert("dev-002");
        await broker.RaiseAlertAsync(alert);
        await Expect(page.Locator($"[data-testid=alert-card][data-alert-id='{alert.AlertId}']"))
            .ToHaveAttributeAsync("data-state", "open", new() { Timeout = Wait });
        balancer.Routed.Select(r => r.Split(' ')[0]).Distinct().Count().ShouldBe(2, "the balancer used both replicas");
    }
}
