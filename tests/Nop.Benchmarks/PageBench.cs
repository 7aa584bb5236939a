using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Nop.Contracts;
using Nop.Messaging;
using Nop.Testing;

namespace Nop.Benchmarks;

/// <summary>
/// The live page in headless Chromium against one Dashboard with 50 and with 5,000 sensors, each sensor posting a
/// batch every <see cref="ReadingEvery"/>: the page's frame times (requestAnimationFrame intervals) and the bytes per
/// second its WebSocket receives. Run for this build and, given <c>--baseline DIR</c> (a built older tree, see
/// <c>./nop bench --only page</c>), for that one too, so both stand in one table.
/// </summary>
public static class PageBench
{
    private static readonly TimeSpan ReadingEvery = TimeSpan.FromSeconds(2);
    private static readonly int[] SensorCounts = [50, 5000];

    public static async Task RunAsync(BenchSettings settings, BenchResults results, string? baseline)
    {
        results.Page.Clear(); // a retried run starts over
        var builds = new List<(string Name, string Root)> { ("this build", Repository.Root) };
        if (baseline is not null)
        {
            builds.Insert(0, ("baseline", Path.GetFullPath(baseline)));
        }
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        foreach (var (name, root) in builds)
        {
            foreach (var sensors in SensorCounts)
            {
                Console.WriteLine($"      page, {name}, {sensors} sensors ...");
                var figures = await MeasureAsync(browser, root, sensors, settings.PageMeasure);
                figures.Build = name;
                results.Page.Add(figures);
            }
        }
    }

    private static async Task<PageFigures> MeasureAsync(IBrowser browser, string root, int sensors, TimeSpan measure)
    {
        var vhost = await TestBroker.CreateVirtualHostAsync("bench-page");
        var catalogue = Path.Combine(Path.GetTempPath(), $"nop-bench-sensors-{sensors}.json");
        await File.WriteAllTextAsync(catalogue, Catalogue(sensors));
        try
        {
            var assembly =
                Path.Combine(root, "services", "Nop.Dashboard", "bin", "Release", "net10.0", "Nop.Dashboard.dll");
            await using var dashboard =
                await ServiceProcess.StartAssemblyAsync(assembly, Path.Combine(root, "services", "Nop.Dashboard"),
                new Dictionary<string, string>
                {
                    ["RabbitMq:Uri"] = vhost.Uri.ToString(),
                    ["Dashboard:CatalogPath"] = catalogue,
                    ["Dashboard:WebRoot"] = Path.Combine(root, "frontend", "dist"),
                    ["Dashboard:RequestTimeout"] = "00:00:01",
                    ["Dashboard:ReadingsQueueMaxLength"] = "100000",
                    ["Logging:Console:Format"] = "none",
                }, $"bench-page-dashboard-{sensors}");
            using var host = await PublisherAsync(vhost);
            using var load = new CancellationTokenSource();
            var publishing = PublishAsync(host.Services.GetRequiredService<MessagePublisher>(), sensors, load.Token);
            try
            {
                var context = await browser.NewContextAsync(
                    new BrowserNewContextOptions { ViewportSize = new() { Width = 1440, Height = 900 } });
                var page = await context.NewPageAsync();
                long bytes = 0;
                var counting = false;
                page.WebSocket += (_, socket) => socket.FrameReceived += (_, frame) =>
                {
                    if (counting)
                    {
                        Interlocked.Add(ref bytes,
                            frame.Binary?.Length ?? Encoding.UTF8.GetByteCount(frame.Text ?? ""));
                    }
                };
                await page.GotoAsync(dashboard.Address!.ToString());
                await Assertions.Expect(page.GetByTestId("connection-state"))
                    .ToHaveAttributeAsync("data-state", "live", new() { Timeout = 60_000 });
                await page.WaitForFunctionAsync("() => document.body.dataset.synced", null,
                    new() { Timeout = 120_000 });
                await Task.Delay(TimeSpan.FromSeconds(5)); // the snapshot drawn, the load steady
                counting = true;
                var started = DateTime.UtcNow;
                var frames = await page.EvaluateAsync<double[]>(FrameTimes, measure.TotalMilliseconds);
                counting = false;
                var seconds = (DateTime.UtcNow - started).TotalSeconds;
                await context.CloseAsync();
                Array.Sort(frames);
                return new PageFigures
                {
                    Sensors = sensors,
                    FrameP50Ms = Math.Round(Stats.Percentile(frames, 50), 1),
                    FrameP95Ms = Math.Round(Stats.Percentile(frames, 95), 1),
                    FrameMaxMs = Math.Round(frames.LastOrDefault(), 1),
                    Frames = frames.Length,
                    KilobytesPerS = Math.Round(Interlocked.Read(ref bytes) / 1024.0 / seconds, 1),
                };
            }
            finally
            {
                await load.CancelAsync();
                await publishing;
                await host.StopAsync();
            }
        }
        finally
        {
            await Phases.DeleteQuietlyAsync(vhost);
            File.Delete(catalogue);
        }
    }

    // Intervals between animation frames over the given time: a frame that took long to draw shows as a long interval.
    private const string FrameTimes = """
        (ms) => new Promise((done) => {
          const times = [];
          let last = 0;
          let end = 0;
          const tick = (now) => {
            if (last) times.push(now - last); else end = now + ms; // the first frame only starts the clock
            last = now;
            if (now < end) requestAnimationFrame(tick); else done(times);
          };
          requestAnimationFrame(tick);
        })
        """;

    private static string Catalogue(int sensors) => JsonSerializer.Serialize(new
    {
        sensors = Enumerable.Range(1, sensors).Select(i => new
        {
            id = $"bench-{i:D5}",
            name = $"Bench sensor {i}",
            zone = "commercial",
            location = new { lat = 48.2 + i / 100_000.0, lon = 16.37 },
        }),
    });

    private static async Task<IHost> PublisherAsync(VirtualHost vhost)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["RabbitMq:Uri"] = vhost.Uri.ToString();
        builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.AddNopMessaging();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>
    /// Every sensor a batch of one reading every <see cref="ReadingEvery"/>, spread over ten slices a period.
    /// </summary>
    private static async Task PublishAsync(MessagePublisher publisher, int sensors, CancellationToken cancellationToken)
    {
        var slice = ReadingEvery / 10;
        var random = new Random(20261130);
        for (var round = 0L; !cancellationToken.IsCancellationRequested; round++)
        {
            var started = DateTime.UtcNow;
            var part = (int)(round % 10);
            var sends = Enumerable.Range(0, sensors).Where(i => i % 10 == part).Select(i =>
            {
                var id = $"bench-{i + 1:D5}";
                var laeq = Math.Round(50 + random.NextDouble() * 25, 1);
                var reading = new SensorReading(Guid.NewGuid().ToString(), DateTimeOffset.UtcNow, laeq, laeq + 4, null);
                var batch = new ReadingBatchReceived(id, Zone.Commercial, new GeoLocation(48.2, 16.37), 1,
                    DateTimeOffset.UtcNow, [reading]);
                return publisher.PublishAsync(Exchanges.Readings, RoutingKeys.Reading(id), batch,
                    cancellationToken: cancellationToken);
            }).ToArray();
            try
            {
                await Task.WhenAll(sends);
                await Task.Delay(slice - (DateTime.UtcNow - started) is { Ticks: > 0 } rest ? rest : TimeSpan.Zero,
                    cancellationToken);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}

/// <summary>One page measurement: a build, a number of sensors, the frame times and the bytes received.</summary>
public sealed class PageFigures
{
    public string Build { get; set; } = "";

    public int Sensors { get; set; }

    public double FrameP50Ms { get; set; }

    public double FrameP95Ms { get; set; }

    public double FrameMaxMs { get; set; }

    public int Frames { get; set; }

    public double KilobytesPerS { get; set; }
}
