using Nop.Contracts;
using Nop.Notifier.Tests.Support;
using Nop.Testing;

namespace Nop.Notifier.Tests;

/// <summary>/metrics after a known set of attempts: nop_notifier_delivery_attempts_total by channel and outcome.
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed class MetricsTests
{
    // TestServer has no remote address, so /metrics takes the scraper's token instead of loopback.
    private const string Token = "metrics-test-token-0123456789abcdef";

    [Fact]
    public async Task Each_attempt_is_counted_by_channel_and_outcome()
    {
        await using var bed = await NotifierTestBed.CreateAsync("notifier-metrics");
        var flaky = bed.Hooks.Add("flaky", "flaky-secret");
        flaky.Answer(500);
        var strict = bed.Hooks.Add("strict", "strict-secret");
        strict.Answer(400);
        var app = await bed.StartNotifierAsync(
            [Subscribe.Email("mail", "ops@nop.test"), Subscribe.Webhook("flaky", flaky),
                Subscribe.Webhook("strict", strict)],
            new Dictionary<string, string?> { ["Metrics:Token"] = Token });
        using var http = app.CreateClient();
        var alertId = Guid.NewGuid();

        await bed.PublishAsync(AlertEvents.Raised(alertId));
        await bed.SettledAsync(alertId, 3, NotificationStatus.Delivered, NotificationStatus.Failed);

        PrometheusText? metrics = null;
        await Eventually.TrueAsync(async () =>
        {
            metrics = await PrometheusText.ScrapeAsync(http, Token);
            return Attempts(metrics, "email", "delivered") == 1
                && Attempts(metrics, "webhook", "retried") == 1
                && Attempts(metrics, "webhook", "delivered") == 1
                && Attempts(metrics, "webhook", "failed") == 1;
        }, TimeSpan.FromSeconds(10), () => $"the four attempts are on /metrics:\n{metrics?.Text}");
        Attempts(metrics!, "email", "retried").ShouldBeNull();
    }

    private static double? Attempts(PrometheusText metrics, string channel, string outcome) =>
        metrics.Value("nop_notifier_delivery_attempts_total", ("channel", channel), ("outcome", outcome));
}

/// <summary>
/// Metrics tests run alone: the OpenTelemetry SDK tells instruments apart by meter and instrument name only, so with
/// other hosts of this service alive in the test process a host's /metrics may show their series.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "Metrics";
}
