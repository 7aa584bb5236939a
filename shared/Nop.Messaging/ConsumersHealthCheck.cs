using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Nop.Messaging;

/// <summary>
/// Ready while every queue of the service is consumed. A consumer the broker cancelled (its queue deleted) leaves the
/// service running but deaf: this check says so, with the reason, until the host has subscribed again.
/// </summary>
internal sealed class ConsumersHealthCheck(IEnumerable<IHostedService> hostedServices) : IHealthCheck
{
    private readonly ConsumerHost[] _consumers = [.. hostedServices.OfType<ConsumerHost>()];
    private readonly StreamReaderHost[] _readers = [.. hostedServices.OfType<StreamReaderHost>()];

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context,
        CancellationToken cancellationToken = default)
    {
        var problems = _consumers.Select(c => c.NotConsumingBecause)
            .Concat(_readers.Select(r => r.NotReadingBecause)).OfType<string>().ToList();
        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy($"{_consumers.Length} queue(s) consumed, {_readers.Length} stream(s) read " +
                "or waited for")
            : HealthCheckResult.Unhealthy(string.Join("; ", problems)));
    }
}
