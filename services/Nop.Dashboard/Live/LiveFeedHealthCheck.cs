using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Nop.Dashboard.Live;

// Ready once this instance's live queues are consumed: before that, a page would miss events.
internal sealed class LiveFeedHealthCheck(LiveFeed feed) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context,
        CancellationToken cancellationToken = default) =>
        Task.FromResult(feed.IsConsuming
            ? HealthCheckResult.Healthy($"consuming {string.Join(", ", feed.QueueNames)}")
            : HealthCheckResult.Unhealthy("live queues not consumed"));
}
