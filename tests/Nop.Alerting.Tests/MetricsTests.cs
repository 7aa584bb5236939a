using Nop.Alerting.Tests.Support;
using Nop.Contracts;
using Nop.Testing;

namespace Nop.Alerting.Tests;

/// <summary>/metrics after a known load: alerts raised, acknowledged and open by rule; outbox depth and age.</summary>
[Collection(MetricsCollection.Name)]
public sealed class MetricsTests
{
    // TestServer has no remote address, so /metrics takes the scraper's token instead of loopback.
    private const string Token = "metrics-test-token-0123456789abcdef";

    [Fact]
    public async Task Alerts_by_rule_and_the_outbox_depth_and_age_are_on_metrics()
    {
        await using var bed = await AlertingTestBed.CreateAsync("metrics");
        var app = await bed.StartAlertingAsync(settings: new Dictionary<string, string?>
        {
            ["Metrics:Token"] = Token,
            ["Alerting:GaugeInterval"] = "00:00:00.100",
        });
        using var http = app.CreateClient();

        // The broker refuses every publish to nop.alerts (before the relay's channel has written there: the broker
        // caches a channel's permission checks): the alert's event stays in the outbox, and ages.
        await bed.SetWritePermissionAsync(@"^(?!nop\.alerts$).*");
        await bed.PublishAsync(Noise.Exceeded("s-met-1", level: 67));
        await ScrapeUntilAsync(http, m =>
            m.Value("nop_alerting_alerts_raised_total", ("rule", "level")) == 1
            && m.Value("nop_alerting_alerts_open", ("rule", "level")) == 1
            && m.Value("nop_alerting_outbox_depth") == 1
            && m.Value("nop_alerting_outbox_age_seconds") > 0,
            "a level alert raised and open, its event unsent and ageing in the outbox");
        bed.Alerts.ShouldBeEmpty();

        await bed.SetWritePermissionAsync(".*");
        await bed.PublishedAsync(1);
        var raised = (await bed.AlertsWhenAsync(a => a.Count == 1, "the alert was raised")).Single();
        var ack = await bed.Requests.RequestAsync<AcknowledgeAlert, AcknowledgeAlertResult>(
            RoutingKeys.AcknowledgeAlert, new AcknowledgeAlert(raised.Id, "olga", null));
        ack.Outcome.ShouldBe(AcknowledgeOutcome.Acknowledged);
        await bed.PublishedAsync(2); // raised and acknowledged: the relay has emptied the outbox

        var metrics = await ScrapeUntilAsync(http, m =>
            m.Value("nop_alerting_alerts_raised_total", ("rule", "level")) == 1
            && m.Value("nop_alerting_alerts_acknowledged_total", ("rule", "level")) == 1
            && m.Value("nop_alerting_alerts_open", ("rule", "level")) == 1
            && m.Value("nop_alerting_outbox_depth") == 0
            && m.Value("nop_alerting_outbox_age_seconds") == 0,
            "1 level alert raised, acknowledged and open, and an empty outbox");
        metrics.Value("nop_alerting_alerts_open", ("rule", "spike")).ShouldBe(0, "every rule has a series");
        metrics.Value("nop_alerting_alerts_raised_total", ("rule", "spike")).ShouldBeNull();
    }

    private static async Task<PrometheusText> ScrapeUntilAsync(HttpClient http, Func<PrometheusText, bool> condition,
        string what)
    {
        PrometheusText? metrics = null;
        await Eventually.TrueAsync(async () => condition(metrics = await PrometheusText.ScrapeAsync(http, Token)),
            Noise.Timeout, () => $"{what} are on /metrics:\n{metrics?.Text}");
        return metrics!;
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
