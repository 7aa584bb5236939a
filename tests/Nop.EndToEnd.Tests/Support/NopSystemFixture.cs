using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Playwright;
using Nop.Messaging;
using Nop.Testing;
using Serilog;

namespace Nop.EndToEnd.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NopSystemCollection : ICollectionFixture<NopSystemFixture>
{
    public const string Name = "the whole system";
}

/// <summary>
/// All of NOP on this machine: Ingest, Processing, Alerting, History, Notifier and the Dashboard as processes on a
/// fresh virtual host with SQLite files in a temporary folder, an SMTP server that Notifier mails the operator
/// through, the simulator posting readings, and headless Chromium. Processing runs with
/// 5-second windows and low limits for commercial and residential streets, so the city profile crosses them at any
/// time of day and alerts come within seconds; industrial and quiet zones keep limits nothing reaches.
/// </summary>
public sealed class NopSystemFixture : IAsyncLifetime
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("nop-e2e-");
    private readonly List<ServiceProcess> _processes = [];
    private VirtualHost? _vhost;
    private IHost? _broker;
    private IPlaywright? _playwright;

    public ServiceProcess Dashboard { get; private set; } = null!;

    public ServiceProcess Alerting { get; private set; } = null!;

    public ServiceProcess History { get; private set; } = null!;

    public ServiceProcess Ingest { get; private set; } = null!;

    /// <summary>The SMTP server Notifier sends <see cref="OperatorEmail"/>'s notifications to.</summary>
    public MailServer Mail { get; private set; } = null!;

    /// <summary>Notifier's one subscription: every alert, by e-mail.</summary>
    public const string OperatorEmail = "operator@nop.e2e";

    /// <summary>The IANA zone History reckons days in (Processing's default for its periods too).</summary>
    public const string TimeZone = "Europe/Vienna";

    /// <summary>The fixture's virtual host, for a test's own queues on <c>nop.noise</c>.</summary>
    public Uri BrokerUri => _vhost!.Uri;

    /// <summary>
    /// The sensors the simulator posts for: 12 spread over the 50 of the catalogue (dev-001, dev-005, …, dev-046).
    /// </summary>
    public static IReadOnlyList<string> SimulatedSensors { get; } =
        Enumerable.Range(0, SimulatedCount).Select(i => $"dev-{i * 50 / SimulatedCount + 1:000}").ToList();

    private const int SimulatedCount = 12;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>A client of the broker, to talk to Alerting the way the Dashboard does.</summary>
    public RequestClient Requests => _broker!.Services.GetRequiredService<RequestClient>();

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium.Path))
        {
            throw new InvalidOperationException(
                $"{Chromium.Path} is missing: apt-get install -y chromium (./nop test does it).");
        }
        try
        {
            await StartAsync();
        }
        catch
        {
            // xunit does not dispose a fixture whose start failed: stop the processes started so far.
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync()
    {
        _vhost = await TestBroker.CreateVirtualHostAsync("e2e");
        var broker = _vhost.Uri.ToString();
        var common = new Dictionary<string, string> { ["RabbitMq:Uri"] = broker, ["Logging:Console:Format"] = "text" };

        // Alerting and Processing first: they declare the queues the readings and noise events go to.
        var alerting = ServiceProcess.StartServiceAsync("Nop.Alerting", With(common, new()
        {
            ["ConnectionStrings:Alerting"] = $"Data Source={Path.Combine(_data.FullName, "alerting.db")}",
            ["Alerting:Outbox:PollInterval"] = "00:00:01",
        }));
        var processing = ServiceProcess.StartServiceAsync("Nop.Processing", With(common, new Dictionary<string, string>
        {
            ["ConnectionStrings:Processing"] = $"Data Source={Path.Combine(_data.FullName, "processing.db")}",
            ["Processing:Partitions"] = "2",
            ["Processing:Windows:Size"] = "00:00:05",
            ["Processing:Windows:AllowedLateness"] = "00:00:01",
            ["Processing:Windows:IdleGrace"] = "00:00:03",
            ["Processing:Rules:ExceedAfterWindows"] = "2",
            ["Processing:Rules:ClearAfterWindows"] = "1000",
        }.Concat(Thresholds(("Commercial", 42), ("Residential", 40), ("Industrial", 120), ("Quiet", 120)))
            .ToDictionary()));
        // History's queue on nop.noise exists before the simulator posts, so it keeps every window from the first.
        var history = ServiceProcess.StartServiceAsync("Nop.History", With(common, new()
        {
            ["ConnectionStrings:History"] = $"Data Source={Path.Combine(_data.FullName, "history.db")}",
            ["History:TimeZone"] = TimeZone,
            ["History:Writer:FlushInterval"] = "00:00:00.100",
        }));
        try
        {
            await Task.WhenAll(alerting, processing, history);
        }
        finally
        {
            _processes.AddRange(new[] { alerting, processing, history }.Where(t => t.IsCompletedSuccessfully)
                .Select(t => t.Result));
        }
        Alerting = alerting.Result;
        History = history.Result;
        // Notifier's queue on nop.alerts exists before the first alert. Environment "Testing": the development
        // subscriptions (smtp4dev, a webhook nothing listens on) stay out.
        Mail = await MailServer.StartAsync();
        await Track(ServiceProcess.StartServiceAsync("Nop.Notifier", With(common, new()
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Testing",
            ["DOTNET_ENVIRONMENT"] = "Testing",
            ["ConnectionStrings:Notifier"] = $"Data Source={Path.Combine(_data.FullName, "notifier.db")}",
            ["Notifier:Outbox:PollInterval"] = "00:00:01",
            ["Notifier:Smtp:Host"] = "127.0.0.1",
            ["Notifier:Smtp:Port"] = Mail.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Notifier:Smtp:Security"] = "None",
            ["Notifier:Subscriptions:0:Id"] = "e2e-operator",
            ["Notifier:Subscriptions:0:Email"] = OperatorEmail,
        })));
        Ingest = await Track(ServiceProcess.StartServiceAsync("Nop.Ingest", common));
        var ingest = Ingest;
        Dashboard = await Track(ServiceProcess.StartServiceAsync("Nop.Dashboard", With(common, new()
        {
            ["Dashboard:PushInterval"] = "00:00:00.500",
            ["Dashboard:KibanaUrl"] = "http://kibana.local:5601",
        })));

        await Track(ServiceProcess.StartProgramAsync("Nop.Simulator",
        [
            "--url", ingest.Address!.ToString().TrimEnd('/'),
            "--catalogue", Path.Combine(Repository.Root, "deploy", "sensors.dev.json"),
            "--sensors", $"{SimulatedCount}", "--rate", "2", "--profile", "city", "--seed", "20261123",
            "--duration", "20m",
            // Packets every second instead of every minute, so the page has something to show at once.
            "--packet-interval", "1s", "--first-packet-now",
        ], common));

        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["RabbitMq:Uri"] = broker;
        builder.Services.AddSerilog(new LoggerConfiguration().CreateLogger(), dispose: true);
        builder.AddNopMessaging();
        _broker = builder.Build();
        await _broker.StartAsync();

        _playwright = await Playwright.CreateAsync();
        Browser = await Chromium.LaunchAsync(_playwright);
    }

    /// <summary>A new browser page on the Dashboard (its own cookies), waiting until it is live.</summary>
    public async Task<IPage> OpenDashboardAsync(int width = 1440, int height = 900, bool isMobile = false)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            IsMobile = isMobile,
            HasTouch = isMobile,
            DeviceScaleFactor = 1,
            TimezoneId = "UTC",
            Locale = "en-GB",
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync(Dashboard.Address!.ToString());
        await Assertions.Expect(page.GetByTestId("connection-state"))
            .ToHaveAttributeAsync("data-state", "live", new() { Timeout = 30_000 });
        return page;
    }

    /// <summary>A screenshot under artifacts/screenshots.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name, bool fullPage = false)
    {
        var path = Path.Combine(Repository.Root, "artifacts", "screenshots", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = fullPage });
        return path;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
            Browser = null!;
        }
        _playwright?.Dispose();
        _playwright = null;
        for (var i = _processes.Count - 1; i >= 0; i--)
        {
            await _processes[i].DisposeAsync();
        }
        _processes.Clear();
        if (_broker is not null)
        {
            await _broker.StopAsync();
            _broker.Dispose();
            _broker = null;
        }
        if (_vhost is not null)
        {
            await _vhost.DisposeAsync();
            _vhost = null;
        }
        if (Mail is not null)
        {
            await Mail.DisposeAsync();
            Mail = null!;
        }
        try
        {
            _data.Delete(recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold a file for a moment; the folder is in the temp directory.
        }
    }

    private async Task<ServiceProcess> Track(Task<ServiceProcess> starting)
    {
        var process = await starting;
        _processes.Add(process);
        return process;
    }

    /// <summary>
    /// The same limit day, evening and night, so the result does not depend on the time the tests run.
    /// </summary>
    private static IEnumerable<KeyValuePair<string, string>> Thresholds(params (string Zone, int Limit)[] zones) =>
        from zone in zones
        from period in new[] { "Day", "Evening", "Night" }
        select KeyValuePair.Create($"Processing:Thresholds:{zone.Zone}:{period}",
            zone.Limit.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static Dictionary<string, string> With(Dictionary<string, string> common,
        Dictionary<string, string> extra) =>
        common.Concat(extra).ToDictionary();
}
