using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Nop.Persistence;

/// <summary>
/// Ready only while the database takes writes: a database that accepts a connection or a read but not a write (a
/// locked SQLite file) is not ready. Reports what it finds to <see cref="DatabaseResilience"/>.
/// </summary>
/// <typeparam name="TContext">The service's context, migrated at start-up.</typeparam>
public sealed class DatabaseHealthCheck<TContext>(IDbContextFactory<TContext> databases, DatabaseResilience resilience)
    : IHealthCheck where TContext : DbContext
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context,
        CancellationToken cancellationToken = default)
    {
        string provider;
        try
        {
            await using var db = await databases.CreateDbContextAsync(cancellationToken);
            provider = db.Database.ProviderName ?? "database";
            // On the connection itself, past EF Core's execution strategy: a retrying one refuses a user-initiated
            // transaction, and a probe must answer now rather than retry.
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync(cancellationToken);
            // On SQLite this is BEGIN IMMEDIATE, which takes the write lock; rolled back straight away.
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandTimeout = 2;
            // EF Core's own table: every migrated database has it, whatever tables the service maps (History has no
            // leases).
            command.CommandText = "SELECT COUNT(*) FROM __EFMigrationsHistory";
            await command.ExecuteScalarAsync(cancellationToken);
            await transaction.RollbackAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            resilience.Report(available: false);
            return HealthCheckResult.Unhealthy($"database unavailable since {resilience.UnavailableSince:O}", ex);
        }
        resilience.Report(available: true);
        return HealthCheckResult.Healthy(provider);
    }
}
