using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Nop.Messaging;

/// <summary>Connects at start-up in the background, so the service starts (and reports not ready) while the broker is
/// down.</summary>
internal sealed class BrokerConnector(RabbitMqConnection connection, ILogger<BrokerConnector> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await connection.GetConnectionAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            logger.LogInformation("Stopped before the broker answered");
        }
    }
}
