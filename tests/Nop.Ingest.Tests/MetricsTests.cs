using System.Net;
using Nop.Testing;

namespace Nop.Ingest.Tests;

/// <summary>
/// /metrics after a known load: readings accepted and refused by reason, counted in readings (not requests).
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed class MetricsTests
{
    private const string Accepted = "nop_ingest_readings_accepted_total";
    private const string Refused = "nop_ingest_readings_refused_total";

    [Fact]
    public async Task Readings_accepted_and_refused_by_reason_are_counted_in_readings()
    {
        // Its own Ingest: the counters of a shared one hold other tests' readings.
        await using var app = await IngestApp.StartAsync("metrics",
            new Dictionary<string, string?> { ["Ingest:RateLimit:AnonymousRequestsPerSecond"] = "1" });

        await PostAsync(app, HttpStatusCode.Accepted, Readings.Json(Readings.Batch(
            Enumerable.Range(0, 3).Select(i => Readings.Valid("dev-001", $"metrics-ok-{i}")))));
        // One bad field refuses the whole batch: both readings.
        await PostAsync(app, HttpStatusCode.BadRequest, Readings.Json(Readings.Batch(
            [Readings.Valid("dev-001", "metrics-bad-0"), Readings.Valid("dev-001", "metrics-bad-1", laeq: -1)])));
        await PostAsync(app, HttpStatusCode.Forbidden, Readings.Json(Readings.Valid("dev-002", "not-mine")));
        // Callers without a key share one bucket of a request a second: post until it refuses one (429).
        var unauthorized = 0;
        while (true)
        {
            using var response = await app.PostAsync(Readings.Json(Readings.Valid()), apiKey: null);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
                break;
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            unauthorized++;
            unauthorized.ShouldBeLessThan(100, "a request a second for callers without a key");
        }
        // No Content-Type: the handler's 415. (A wrong one, e.g. text/plain, is refused by routing before Ingest's
        // code runs, and is seen only in http.server.request.duration.)
        using (var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/readings", UriKind.Relative))
        {
            Content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(Readings.Json(Readings.Valid()))),
        })
        {
            request.Headers.Add("X-Api-Key", "dev-key-dev-001");
            using var response = await app.Client.SendAsync(request);
            response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        }
        await PostAsync(app, HttpStatusCode.RequestEntityTooLarge, new string(' ', 2 * 1024 * 1024));

        // The broker gone: 503, and a batch of 2 is 2 readings refused as unavailable.
        await app.VirtualHost.DisposeAsync();
        await Eventually.TrueAsync(async () =>
        {
            using var ready = await app.Client.GetAsync(new Uri("/health/ready", UriKind.Relative));
            return ready.StatusCode == HttpStatusCode.ServiceUnavailable;
        }, TimeSpan.FromSeconds(10), "Ingest reports not ready");
        await PostAsync(app, HttpStatusCode.ServiceUnavailable, Readings.Json(Readings.Batch(
            [Readings.Valid("dev-001", "gone-0"), Readings.Valid("dev-001", "gone-1")])));

        (string, double)[] expected =
        [
            ("validation", 2), ("unknown_sensor", 1), ("unauthorized", unauthorized), ("unsupported_media_type", 1),
            ("too_large", 1), ("unavailable", 2), ("rate_limited", 1),
        ];
        PrometheusText? metrics = null;
        // The exporter caches a scrape briefly; the values show on a later one.
        await Eventually.TrueAsync(async () =>
        {
            metrics = await PrometheusText.ScrapeAsync(app.Client);
            return metrics.Value(Accepted) == 3 && metrics.Value(Refused) == 8 + unauthorized;
        }, TimeSpan.FromSeconds(10), () => $"3 accepted and {8 + unauthorized} refused readings are on /metrics:\n"
            + metrics?.Text);
        foreach (var (reason, count) in expected)
            metrics!.Value(Refused, ("reason", reason)).ShouldBe(count, reason);
    }

    private static async Task PostAsync(IngestApp app, HttpStatusCode status, string json,
        string? apiKey = "dev-key-dev-001")
    {
        using var response = await app.PostAsync(json, apiKey);
        response.StatusCode.ShouldBe(status, await response.Content.ReadAsStringAsync());
    }
}

/// <summary>
/// Metrics tests run alone: the OpenTelemetry SDK tells instruments apart by meter and instrument name only, so
/// with other hosts of this service alive in the test process a host's /metrics may show their series, and lose its
/// own when they are disposed. One host per process, as deployed, has no such problem.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "Metrics";
}
