using Microsoft.Playwright;
using Nop.Testing;
using static Microsoft.Playwright.Assertions;

namespace Nop.Dashboard.Tests;

/// <summary>
/// One Dashboard with History, Alerting (with its maintenance process manager) and Notifier stand-ins on a virtual
/// host of its own, and a Chromium, for the page tests in real browsers (each test opens its own page).
/// </summary>
public abstract class PageFixture(string virtualHost) : IAsyncLifetime
{
    /// <summary>The pages' clock: 12:30 UTC on the stand-in's day (13:30 in Vienna, the pages' time zone).</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 30, 0, TimeSpan.Zero);

    private VirtualHost _vhost = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public BrokerSide Broker { get; private set; } = null!;

    public DashboardApp Dashboard { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Under ./nop test these pages share two cores with a dozen other suites: a push waits for the page's snapshot
        // and its chart before it is shown (main.ts's SyncGate), which took more than Playwright's 5 s once in CI.
        SetDefaultExpectTimeout(15_000);
        if (!File.Exists(Path.Combine(Repository.Root, "frontend", "dist", "index.html")))
        {
            throw new InvalidOperationException("frontend/dist is missing: cd frontend && npm ci && npm run build");
        }
        _vhost = await TestBroker.CreateVirtualHostAsync(virtualHost);
        Broker = await BrokerSide.StartAsync(_vhost, answerHistoryQueries: true, answerNotifierQueries: true,
            answerMaintenanceRequests: true);
        Dashboard = await DashboardApp.StartAsync(_vhost);
        _playwright = await Playwright.CreateAsync();
        _browser = await Chromium.LaunchAsync(_playwright);
    }

    /// <summary>A page at <paramref name="path"/> once it is live, its clock fixed at <see cref="Now"/>, in Vienna;
    /// <paramref name="prepare"/> runs on the page before it loads.</summary>
    protected async Task<IPage> OpenLiveAsync(string path, Func<IPage, Task>? prepare = null)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
            TimezoneId = "Europe/Vienna",
            Locale = "en-GB",
            AcceptDownloads = true,
        });
        var page = await context.NewPageAsync();
        if (prepare is not null)
        {
            await prepare(page);
        }
        await page.Clock.SetFixedTimeAsync(Now.UtcDateTime);
        await page.GotoAsync(new Uri(Dashboard.BaseAddress, path).ToString());
        await Expect(page.GetByTestId("connection-state"))
            .ToHaveAttributeAsync("data-state", "live", new() { Timeout = 30_000 });
        return page;
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await Dashboard.DisposeAsync();
        await Broker.DisposeAsync();
        await _vhost.DisposeAsync();
    }
}
