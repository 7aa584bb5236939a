using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Nop.Alerting.Extensions;
using Nop.Contracts;
using Nop.Dashboard.Extensions;
using Nop.Ingest.Extensions;
using Nop.Messaging;
using Nop.Processing.Extensions;
using Nop.ServiceDefaults;
using Nop.Testing;
using OpenTelemetry.Trace;

namespace Nop.Tracing.Tests;

/// <summary>
/// One reading is one trace: Ingest, Processing, Alerting and the Dashboard run in this process (each its own web
/// host, composed as its Program.cs composes it, with the service defaults' OpenTelemetry) on a fresh virtual host;
/// a spike posted to Ingest is classified, raises an alert (through Alerting's outbox) and is pushed by the Dashboard.
/// Every host's tracer provider sees every span of the process, so each span is told apart by what it is: Ingest's
/// HTTP request, and the process span of each service's own queue.
/// </summary>
public sealed class ReadingTraceTests : IAsyncLifetime
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("nop-trace-");
    private readonly List<WebApplication> _apps = [];
    private readonly SpanList _spans = new();
    private VirtualHost? _vhost;

    public async Task InitializeAsync() => _vhost = await TestBroker.CreateVirtualHostAsync("trace");

    [Fact]
    public async Task A_spike_posted_to_Ingest_is_one_trace_through_Processing_and_Alerting_to_the_Dashboard_push()
    {
        // The consumers first: they declare the queues the reading and its events go to.
        await StartAsync("Nop.Alerting", new()
        {
            ["ConnectionStrings:Alerting"] = $"Data Source={Path.Combine(_data.FullName, "alerting.db")}",
            ["Alerting:Outbox:PollInterval"] = "00:00:00.200",
        }, b => b.AddAlerting(), app => app.UseAlerting().MapAlerting());
        await StartAsync("Nop.Processing", new()
        {
            ["ConnectionStrings:Processing"] = $"Data Source={Path.Combine(_data.FullName, "processing.db")}",
            ["Processing:Partitions"] = "1",
        }, b => b.AddProcessing(), app => app.MapProcessing());
        await StartAsync("Nop.Dashboard", new()
        {
            ["Dashboard:KibanaUrl"] = "http://kibana.test:5601/",
        }, b => b.AddDashboard(), app => app.UseDashboard().MapDashboard());
        var ingest = await StartAsync("Nop.Ingest", new()
        {
            ["Ingest:CatalogPath"] = Path.Combine(Repository.Root, "deploy", "sensors.dev.json"),
        }, b => b.AddIngest(), app => app.UseIngest().MapIngest());

        // Above Processing's default spike level (100 dB(A)): a spike, which Alerting turns into an alert.
        var readingId = "trace-" + Guid.NewGuid().ToString("N");
        var measuredAt = DateTimeOffset.UtcNow.AddSeconds(-5).ToString("yyyy-MM-ddTHH:mm:ss.fffZ",
            System.Globalization.CultureInfo.InvariantCulture);
        using var client = new HttpClient { BaseAddress = new Uri(ingest.Urls.First()) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/readings")
        {
            Content = new StringContent($$"""
                {"readings":[{"sensorId":"dev-001","readingId":"{{readingId}}","measuredAt":"{{measuredAt}}",
                "laeq":95,"lamax":106}]}
                """, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Api-Key", "dev-key-dev-001");
        using var response = await client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());

        var post = await SpanAsync(s => s.Kind == ActivityKind.Server && s.DisplayName.Contains("/api/readings"),
            "Ingest's POST span");
        var trace = post.TraceId;
        await SpanAsync(s => s.TraceId == trace && s.DisplayName == $"process {Queues.ProcessingClassifier}",
            "Processing classifies the reading in the POST's trace");
        await SpanAsync(s => s.TraceId == trace && s.DisplayName == $"process {Queues.AlertingNoise}",
            "Alerting handles the spike in the POST's trace");
        var push = await SpanAsync(s => s.TraceId == trace && s.DisplayName == "process dashboard.live.alerts",
            "the Dashboard pushes the alert in the POST's trace");

        // One tree: every span of the trace hangs off the POST's, through its parents.
        var byId = _spans.Snapshot().Where(s => s.TraceId == trace).ToDictionary(s => s.SpanId);
        var chain = new List<string>();
        for (var span = push; span is not null; span = byId.GetValueOrDefault(span.ParentSpanId))
            chain.Add(span.DisplayName);
        chain.ShouldBe(
        [
            "process dashboard.live.alerts", $"publish {Exchanges.Alerts}",
            $"process {Queues.AlertingNoise}", $"publish {Exchanges.Noise}",
            $"process {Queues.ProcessingClassifier}", $"publish {Exchanges.Readings}",
            post.DisplayName, "POST", // the last: this test's own HttpClient request
        ], string.Join(" <- ", chain));
    }

    private async Task<Activity> SpanAsync(Func<Activity, bool> match, string what)
    {
        Activity? found = null;
        await Eventually.TrueAsync(() => (found = _spans.Snapshot().FirstOrDefault(match)) is not null,
            TimeSpan.FromSeconds(30), () => $"{what}; spans so far: " +
                string.Join(", ", _spans.Snapshot().Select(s => $"{s.DisplayName} ({s.TraceId})")));
        return found!;
    }

    private async Task<WebApplication> StartAsync(string service, Dictionary<string, string?> settings,
        Action<WebApplicationBuilder> add, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = service,
            EnvironmentName = "Development",
            ContentRootPath = Path.Combine(Repository.Root, "services", service),
        });
        settings["RabbitMq:Uri"] = _vhost!.Uri.ToString();
        settings["Urls"] = "http://127.0.0.1:0";
        settings["Logging:Console:Format"] = "none";
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults();
        builder.AddNopMessaging();
        add(builder);
        // Each host's provider listens to every source of the process: one exporter is enough, the others would
        // only record the same spans again.
        if (_apps.Count == 0)
            builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_spans));
        var app = builder.Build();
        map(app);
        _apps.Add(app);
        await app.StartAsync();
        // Ready: its queues are declared and consumed (Ingest would answer 503 to a reading nobody can take yet).
        using var probe = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        await Eventually.TrueAsync(async () =>
        {
            using var ready = await probe.GetAsync(new Uri("/health/ready", UriKind.Relative));
            return ready.IsSuccessStatusCode;
        }, TimeSpan.FromSeconds(30), $"{service} is ready");
        return app;
    }

    public async Task DisposeAsync()
    {
        for (var i = _apps.Count - 1; i >= 0; i--)
        {
            await _apps[i].StopAsync();
            await _apps[i].DisposeAsync();
        }
        if (_vhost is not null)
            await _vhost.DisposeAsync();
        try
        {
            _data.Delete(recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold a file for a moment; the temporary folder is cleaned up eventually anyway.
        }
    }
}
