using System.Net;
using Nop.Testing;

namespace Nop.Dashboard.Tests;

// History or Alerting not answering is a 503 with Retry-After, never a 500 (and never a wait without end).
public sealed class HistoryUnavailableTests
{
    [Fact]
    public async Task Without_History_every_history_endpoint_is_a_503_with_retry_after()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-no-history");
        await using var broker = await BrokerSide.StartAsync(vhost, answerHistoryQueries: false);
        await using var dashboard = await DashboardApp.StartAsync(vhost);

        foreach (var path in new[]
        {
            "/api/history/sensors/dev-001/levels", "/api/history/days/2026-11-30",
            "/api/history/sensors/dev-001/indicators",
        })
        {
            using var response = await dashboard.Client.GetAsync(new Uri(path, UriKind.Relative));
            response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, path);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json", path);
            // Dashboard:RequestTimeout is 3 s in DashboardApp.
            response.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(3), path);
        }
    }

    [Fact]
    public async Task History_answering_too_late_is_a_503()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-slow-history");
        await using var broker = await BrokerSide.StartAsync(vhost, answerHistoryQueries: true);
        broker.History.Stalled = true;
        await using var dashboard = await DashboardApp.StartAsync(vhost, new Dictionary<string, string?>
        {
            ["Dashboard:RequestTimeout"] = "00:00:01",
        });

        using var response = await dashboard.Client.GetAsync(
            new Uri("/api/history/days/2026-11-30?format=csv", UriKind.Relative));

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(1));
        broker.History.Queries.ShouldNotBeEmpty("History got the query and did not answer in time");
    }

    [Fact]
    public async Task Without_Alerting_a_sensors_alerts_are_a_503()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-no-alerting");
        await using var broker = await BrokerSide.StartAsync(vhost, answerAlertQueries: false);
        await using var dashboard = await DashboardApp.StartAsync(vhost);

        using var response = await dashboard.Client.GetAsync(new Uri("/api/alerts/sensors/dev-001",
            UriKind.Relative));

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter.ShouldNotBeNull();
    }
}
