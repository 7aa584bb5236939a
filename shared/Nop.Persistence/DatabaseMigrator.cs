using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Nop.ServiceDefaults;

namespace Nop.Alerting.Data;

/// <summary>Applies the provider's migrations at start-up, before any consumer starts (hosted services start in order).</summary>
public sealed class DatabaseMigrator(IServiceScopeFactory scopes, DatabaseResilience resilience, ILogger<DatabaseMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AlertingDbContext>();
        await MigrateAsync(db, resilience, cancellationToken);
        logger.LogInformation("Database ready ({Provider})", db.Database.ProviderName);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Creates the SQLite file's folder if needed and applies pending migrations (waiting for the database).</summary>
    public static async Task MigrateAsync(AlertingDbContext db, DatabaseResilience resilience, CancellationToken cancellationToken)
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
            return true;
        }, cancellationToken);
    }
}

/// <summary>Ready only while the database takes writes: a database that can be read but not written is not ready.</summary>
public sealed class DatabaseHealthCheck(AlertingDbContext db, DatabaseResilience resilience) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            db.Database.SetCommandTimeout(TimeSpan.FromSeconds(2));
            // On SQLite this is BEGIN IMMEDIATE, which takes the write lock; rolled back straight away.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.Inbox.AsNoTracking().Take(1).CountAsync(cancellationToken);
            await transaction.RollbackAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            resilience.Report(available: false);
            return HealthCheckResult.Unhealthy($"database unavailable since {resilience.UnavailableSince:O}", ex);
        }
        resilience.Report(available: true);
        return HealthCheckResult.Healthy(db.Database.ProviderName);
    }
}

public static class DatabaseExtensions
{
    /// <summary>
    /// Registers <see cref="AlertingDbContext"/> on the provider named by <c>Alerting:Database:Provider</c>
    /// (<c>Sqlite</c>, the default, or <c>SqlServer</c>) with <c>ConnectionStrings:Alerting</c>.
    /// </summary>
    public static IHostApplicationBuilder AddAlertingDatabase(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<DatabaseOptions>(DatabaseOptions.Section);
        // Provider and connection string are read when the first context is created, not while registering,
        // so configuration added late (test hosts, command-line) counts too.
        services.AddDbContext<SqliteAlertingDbContext>((provider, options) =>
            options.UseSqlite(SqliteConnectionString(ConnectionString(provider) ?? "Data Source=alerting.db")));
        services.AddDbContext<SqlServerAlertingDbContext>((provider, options) =>
            options.UseSqlServer(ConnectionString(provider) ?? throw new InvalidOperationException(
                "ConnectionStrings:Alerting is required with Alerting:Database:Provider=SqlServer.")));
        services.AddScoped<AlertingDbContext>(provider => provider.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider switch
        {
            DatabaseProvider.SqlServer => provider.GetRequiredService<SqlServerAlertingDbContext>(),
            _ => provider.GetRequiredService<SqliteAlertingDbContext>(),
        });
        services.AddSingleton<DatabaseResilience>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", HealthStatus.Unhealthy, [ServiceDefaultsExtensions.ReadyTag],
            TimeSpan.FromSeconds(10));
        return builder;
    }

    /// <summary>
    /// SQLite waits up to the busy timeout for a lock before failing; the 30 s default would hide an outage from the
    /// logs and readiness for that long, so unless the connection string says otherwise it is 5 s.
    /// </summary>
    private static string SqliteConnectionString(string connectionString) =>
        connectionString.Contains("timeout", StringComparison.OrdinalIgnoreCase)
            ? connectionString
            : new SqliteConnectionStringBuilder(connectionString) { DefaultTimeout = 5 }.ToString();

    private static string? ConnectionString(IServiceProvider provider) =>
        provider.GetRequiredService<IConfiguration>().GetConnectionString("Alerting");
}

/// <summary>For <c>dotnet ef migrations add X --context SqliteAlertingDbContext --output-dir Data/Migrations/Sqlite</c>.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteAlertingDbContext>
{
    public SqliteAlertingDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteAlertingDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

/// <summary>For <c>dotnet ef migrations add X --context SqlServerAlertingDbContext --output-dir Data/Migrations/SqlServer</c> (no server needed).</summary>
public sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerAlertingDbContext>
{
    public SqlServerAlertingDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlServerAlertingDbContext>().UseSqlServer("Server=localhost;Database=nop_alerting;Trusted_Connection=True;TrustServerCertificate=True").Options);
}
