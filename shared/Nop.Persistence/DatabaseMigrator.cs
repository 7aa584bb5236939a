using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Nop.Persistence;

/// <summary>Applies the provider's migrations at start-up, before any consumer starts (hosted services start in
/// order, and <see cref="PersistenceExtensions.AddNopDatabase{TContext, TSqlite, TSqlServer}"/> registers it before
/// them).</summary>
/// <typeparam name="TContext">The service's context.</typeparam>
public sealed class DatabaseMigrator<TContext>(
    IDbContextFactory<TContext> databases,
    DatabaseResilience resilience,
    NopDatabase database,
    ILogger<DatabaseMigrator<TContext>> logger) : IHostedService where TContext : DbContext
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await DatabaseMigration.MigrateAsync(db, resilience, database, cancellationToken);
        logger.LogInformation("{Service} database ready ({Provider})", database.Name, db.Database.ProviderName);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>What <see cref="DatabaseMigrator{TContext}"/> does, for commands that run without the host.</summary>
public static class DatabaseMigration
{
    /// <summary>Creates the SQLite file's folder if needed and applies pending migrations, waiting for the database
    /// to answer; also for commands that run without the host (e.g. Alerting's <c>rebuild-read-model</c>).</summary>
    public static async Task MigrateAsync(DbContext db, DatabaseResilience resilience, NopDatabase database,
        CancellationToken cancellationToken)
    {
        if (db.Database.IsSqlite()
            && new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource is { Length: > 0 } file
            && file != ":memory:"
            && Path.GetDirectoryName(Path.GetFullPath(file)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }
        await resilience.UntilAvailableAsync(async ct =>
        {
            await db.Database.MigrateAsync(ct);
            if (database.WriteAheadLog && db.Database.IsSqlite())
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            }
            return true;
        }, cancellationToken);
    }
}
