using Nop.Testing;

namespace Nop.Dashboard.Tests;

/// <summary>What a closed window brings to the page: L10, L50, L90 and coverage, never the level
/// distribution.</summary>
public sealed class WindowFiguresTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_window_reaches_the_page_with_its_percentiles_and_coverage_but_without_its_distribution()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-window");
        await using var broker = await BrokerSide.StartAsync(vhost);
        await using var dashboard = await DashboardApp.StartAsync(vhost);
        var page = await dashboard.OpenPageAsync();

        // 80 dB for 10 s and 40 dB for 14 s of a one-minute window: 24 s covered, 0.4.
        var partial = Make.Level("dev-001", 76.2) with
        {
            Lamax = 82,
            L10 = 80,
            L50 = 40,
            L90 = 40,
            Coverage = 0.4,
            Distribution = new Dictionary<int, double> { [800] = 10, [400] = 14 },
        };
        await broker.PublishLevelAsync(partial);

        await Eventually.TrueAsync(() => page.Levels.Any(l => l.SensorId == "dev-001"), Wait, "the window is pushed");
        var level = page.Levels.Single();
        level.L10.ShouldBe(80);
        level.L50.ShouldBe(40);
        level.L90.ShouldBe(40);
        level.Coverage.ShouldBe(0.4);
        page.LevelJson.Single().ShouldNotContain("distribution", Case.Insensitive,
            "pages get the figures, not the classes");
        page.LevelJson.Single().ShouldContain("\"coverage\":0.4");

        var history = await page.GetHistoryAsync("dev-001");
        history.Levels.Single().L50.ShouldBe(40);
    }

    [Fact]
    public async Task A_window_from_a_processing_without_the_distribution_has_no_l50_and_no_coverage()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-window-old");
        await using var broker = await BrokerSide.StartAsync(vhost);
        await using var dashboard = await DashboardApp.StartAsync(vhost);
        var page = await dashboard.OpenPageAsync();

        await broker.PublishLevelAsync(Make.Level("dev-002", 60) with
        {
            L50 = null,
            Coverage = null,
            Distribution = null,
        });

        await Eventually.TrueAsync(() => page.Levels.Any(l => l.SensorId == "dev-002"), Wait, "the window is pushed");
        var level = page.Levels.Single();
        level.L10.ShouldBe(58);
        level.L90.ShouldBe(54);
        level.L50.ShouldBeNull();
        level.Coverage.ShouldBeNull();
    }
}
