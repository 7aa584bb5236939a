using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Nop.Testing;
using Xunit.Abstractions;

namespace Nop.Faults.Tests;

/// <summary>
/// Elasticsearch unreachable: every service ships its logs to a loopback port nobody listens on, with a small buffer
/// so it overflows within seconds. Logging is off the request and message paths (a bounded queue that drops its
/// oldest events; counting those drops is tested in Nop.ServiceDefaults.Tests), so the business flow must not notice.
/// </summary>
public sealed class ElasticsearchOutageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task With_elasticsearch_unreachable_every_accepted_reading_counts_once_and_no_service_slows_or_fails()
    {
        var clock = Stopwatch.StartNew();
        await using var pipeline =
            await Pipeline.StartAsync("no-es", withAlerting: true, settings: new Dictionary<string, string>
            {
                ["Logging:Elasticsearch:Url"] = $"http://127.0.0.1:{ClosedPort()}/",
                ["Logging:Elasticsearch:QueueLimit"] = "100",
            });
        var levels = await LevelQueue.DeclareAsync(pipeline.VirtualHost);
        using var ledger = new Ledger(pipeline.Ingest.Address!, LedgerCheck.Sensors, LedgerCheck.EventTimeFrom(),
            $"no-es-{Guid.NewGuid():N}"[..20]);
        using var stop = new CancellationTokenSource();
        var load = ledger.RunAsync(TimeSpan.FromMilliseconds(20), stop.Token);
        try
        {
            await Eventually.TrueAsync(() => ledger.AcceptedCount >= 1500, TimeSpan.FromSeconds(90), () =>
                "readings flow\n" + pipeline.Diagnostics);
        }
        finally
        {
            await stop.CancelAsync();
            await load;
        }

        ledger.Unavailable.ShouldBe(0, "Ingest never answered 503: shipping logs is not on the request path");
        ledger.Unexpected.ShouldBeEmpty();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var service in new[] { pipeline.Ingest, pipeline.Processing, pipeline.Alerting! })
        {
            (await http.GetAsync(new Uri(service.Address!, "/health/ready")))
                .StatusCode.ShouldBe(HttpStatusCode.OK, $"{service.Name} stays ready");
        }
        await LedgerCheck.EveryAcceptedReadingCountedOnceAsync(ledger, levels, pipeline, output, clock);
    }

    /// <summary>A loopback port that was free a moment ago: connections to it are refused at once.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
