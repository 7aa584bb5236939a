using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Nop.Messaging;

/// <summary>Ready while the service's broker connection is open.</summary>
internal sealed class RabbitMqHealthCheck(RabbitMqConnection connection) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context,
        CancellationToken cancellationToken = default) =>
        Task.FromResult(connection.IsOpen
            ? HealthCheckResult.Healthy("connected")
            : HealthCheckResult.Unhealthy("not connected to RabbitMQ"));
}
