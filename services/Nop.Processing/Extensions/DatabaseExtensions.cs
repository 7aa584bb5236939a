using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Nop.Processing.Persistence;
using Nop.ServiceDefaults;

namespace Nop.Processing.Extensions;

public static class DatabaseExtensions
{
    public const string ConnectionStringName = "Processing";
    public const string DefaultSqliteConnectionString = "Data Source=processing.db";

    /// <summary>
    /// Registers <see cref="IDbContextFactory{ProcessingDbContext}"/> for the configured provider (each provider has
    /// its own context subclass and migrations), migrates at start-up and adds the <c>database</c> readiness check.
    /// </summary>
    public static IHostApplicationBuilder AddProcessingDatabase(this IHostApplicationBuilder builder, DatabaseProvider provider)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName);
        var services = builder.Services;
        if (provider == DatabaseProvider.SqlServer)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException("ConnectionStrings:Processing is required with Processing:Database:Provider=SqlServer.");
            }
            services.AddDbContextFactory<SqlServerProcessingDbContext>(o => o.UseSqlServer(connectionString, sql => sql.EnableRetryOnFailure()));
            services.AddSingleton<IDbContextFactory<ProcessingDbContext>, UpcastFactory<SqlServerProcessingDbContext>>();
        }
        else
        {
            services.AddDbContextFactory<SqliteProcessingDbContext>(o => o.UseSqlite(
                string.IsNullOrWhiteSpace(connectionString) ? DefaultSqliteConnectionString : connectionString,
                sqlite => sqlite.ExecutionStrategy(d => new SqliteRetryingExecutionStrategy(d))));
            services.AddSingleton<IDbContextFactory<ProcessingDbContext>, UpcastFactory<SqliteProcessingDbContext>>();
        }
        services.AddHostedService<DatabaseMigrator>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [ServiceDefaultsExtensions.ReadyTag]);
        return builder;
    }

    private sealed class UpcastFactory<T>(IDbContextFactory<T> inner) : IDbContextFactory<ProcessingDbContext> where T : ProcessingDbContext
    {
        public ProcessingDbContext CreateDbContext() => inner.CreateDbContext();
    }
}

/// <summary>Applies the provider's migrations before any consumer starts.</summary>
internal sealed class DatabaseMigrator(IDbContextFactory<ProcessingDbContext> databases, ILogger<DatabaseMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            // WAL: the relay and the health check read while partitions write.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
        logger.LogInformation("Processing database ready ({Provider})", db.Database.ProviderName);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Ready while the database answers and checkpoints commit.</summary>
internal sealed class DatabaseHealthCheck(IDbContextFactory<ProcessingDbContext> databases, DatabaseOutage outage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // A locked or failing database may still accept a connection: what counts is whether checkpoints commit.
        if (outage.UnavailableSince is { } since)
        {
            return HealthCheckResult.Unhealthy($"database unavailable since {since:O}; readings wait in the broker");
        }
        try
        {
            await using var db = await databases.CreateDbContextAsync(cancellationToken);
            return await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy("database answers")
                : HealthCheckResult.Unhealthy("database does not answer");
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("database does not answer", ex);
        }
    }
}
