using Nop.Contracts;
using Nop.Messaging;
using Nop.Persistence.Inbox;

namespace Nop.Alerting.Alerts;

// Runs a noise event's queries and the commit path once at start-up, before the consumers start (hosted services start
// in order): EF Core compiles each query on its first use and the runtime compiles the code, which cost the first alert
// after a start seconds on a loaded machine. Nothing is kept: the transaction is rolled back.
public sealed class AlertingWarmUp(IServiceScopeFactory scopes, ILogger<AlertingWarmUp> logger) : IHostedService
{
    private const string Sensor = "warm-up";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // A database that does not answer is the consumers' to wait for (they are not started before this ends).
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var ct = timeout.Token;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var ledger = scope.ServiceProvider.GetRequiredService<AlertLedger>();
            var now = DateTimeOffset.UtcNow;
            var envelope = new MessageEnvelope(Sensor, Sensor, null, NoiseSpikeDetected.MessageType, now, null,
                Exchanges.Noise, Sensor, false, 1);
            await scope.ServiceProvider.GetRequiredService<EfInbox>()
                .TryBeginAsync(Topology.AlertingNoise.Name, envelope, ct);
            await ledger.AdvanceThresholdAsync(Sensor, AlertRule.Level, now, ct);
            await ledger.SuppressedAsync(Sensor, AlertRule.Spike, now, ct);
            await ledger.FindOpenAsync(Sensor, AlertRule.Spike, ct);
            await using var transaction = await ledger.Db.Database.BeginTransactionAsync(ct);
            await ledger.Db.SaveChangesAsync(ct);
            await transaction.RollbackAsync(ct);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Skipped the warm-up: {Error}", ex.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
