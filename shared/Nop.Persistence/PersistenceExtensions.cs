using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Nop.Messaging;
using Nop.Persistence.Inbox;
using Nop.Persistence.Outbox;
using Nop.ServiceDefaults;

namespace Nop.Persistence;

/// <summary>Registers a service's database and the outbox and inbox on it.</summary>
public static class PersistenceExtensions
{
    /// <summary>
    /// Registers <see cref="IDbContextFactory{TContext}"/> and a scoped <typeparamref name="TContext"/> on the
    /// provider named by <c>&lt;Name&gt;:Database:Provider</c> (each provider has its own context subclass and
    /// migrations), <see cref="DatabaseResilience"/>, the migrator (registered now, so call this before adding
    /// consumers) and the <c>database</c> readiness check.
    /// </summary>
    /// <typeparam name="TContext">The provider-neutral context.</typeparam>
    /// <typeparam name="TSqlite">Its SQLite flavour.</typeparam>
    /// <typeparam name="TSqlServer">Its SQL Server flavour.</typeparam>
    /// <param name="builder">The service's builder.</param>
    /// <param name="database">What the service decides about its database.</param>
    /// <returns>The builder.</returns>
    public static IHostApplicationBuilder AddNopDatabase<TContext, TSqlite, TSqlServer>(
        this IHostApplicationBuilder builder, NopDatabase database)
        where TContext : DbContext where TSqlite : TContext where TSqlServer : TContext
    {
        var services = builder.Services;
        services.AddSingleton(database);
        services.AddValidatedOptions<DatabaseOptions>(database.Section);
        // The connection string is read when the first context is created, not while registering, so configuration
        // added late (test hosts, command line) counts too. Pooled: a context is reset and reused instead of built
        // with its own service scope each time (a checkpoint, a relay batch, a handled message each take one; building
        // them was about 5 % of Processing's CPU under load, in a profile).
        services.AddPooledDbContextFactory<TSqlite>((provider, options) => options.UseSqlite(
            SqliteConnectionString(ConnectionString(provider, database) ?? database.DefaultSqliteConnectionString),
            sqlite =>
            {
                if (database.RetryOnFailure)
                {
                    sqlite.ExecutionStrategy(d => new SqliteRetryingExecutionStrategy(d));
                }
            }).AddInterceptors(SqliteBusyTimeout.Instance));
        services.AddPooledDbContextFactory<TSqlServer>((provider, options) => options.UseSqlServer(
            ConnectionString(provider, database) ?? throw new InvalidOperationException(
                $"ConnectionStrings:{database.Name} is required with {database.Section}:Provider=SqlServer."),
            sql =>
            {
                if (database.RetryOnFailure)
                {
                    sql.EnableRetryOnFailure();
                }
            }));
        services.AddSingleton<IDbContextFactory<TContext>>(provider =>
            provider.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider == DatabaseProvider.SqlServer
                ? new UpcastFactory<TContext, TSqlServer>(provider.GetRequiredService<IDbContextFactory<TSqlServer>>())
                : new UpcastFactory<TContext, TSqlite>(provider.GetRequiredService<IDbContextFactory<TSqlite>>()));
        services.AddScoped(provider => provider.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContext());
        services.AddSingleton<DatabaseResilience>();
        services.AddHostedService<DatabaseMigrator<TContext>>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck<TContext>>("database", HealthStatus.Unhealthy,
            [ServiceDefaultsExtensions.ReadyTag], TimeSpan.FromSeconds(10));
        return builder;
    }

    /// <summary>
    /// Registers the <see cref="OutboxRelay{TContext}"/> (as itself too, for tests) publishing to
    /// <paramref name="exchange"/>, and the <see cref="OutboxSignal"/> that commits wake it with. Call it after the
    /// consumers: hosted services stop in reverse order, so the relay still publishes what their last commits wrote.
    /// </summary>
    /// <returns>The relay's options, to bind or configure further.</returns>
    public static OptionsBuilder<OutboxOptions> AddNopOutbox<TContext>(this IServiceCollection services,
        string exchange) where TContext : DbContext
    {
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<OutboxRelay<TContext>>();
        services.AddHostedService(provider => provider.GetRequiredService<OutboxRelay<TContext>>());
        return services.AddOptions<OutboxOptions>()
            .Configure(o => o.Exchange = exchange)
            .ValidateDataAnnotations()
            .ValidateOnStart();
    }

    /// <summary>Registers <see cref="EfInbox"/> on the scoped <typeparamref name="TContext"/> as the consumers'
    /// <see cref="IInbox"/>; the context's model maps <see cref="InboxEntry"/>.</summary>
    public static IServiceCollection AddNopInbox<TContext>(this IServiceCollection services)
        where TContext : DbContext
    {
        services.AddScoped(provider => new EfInbox(provider.GetRequiredService<TContext>(),
            provider.GetRequiredService<DatabaseResilience>(), provider.GetRequiredService<TimeProvider>()));
        services.AddScoped<IInbox>(provider => provider.GetRequiredService<EfInbox>());
        return services;
    }

    /// <summary>
    /// SQLite waits up to the busy timeout for a lock before failing; the 30 s default would hide an outage from the
    /// logs and readiness for that long, so unless the connection string says otherwise it is 5 s.
    /// </summary>
    private static string SqliteConnectionString(string connectionString) =>
        connectionString.Contains("timeout", StringComparison.OrdinalIgnoreCase)
            ? connectionString
            : new SqliteConnectionStringBuilder(connectionString) { DefaultTimeout = 5 }.ToString();

    private static string? ConnectionString(IServiceProvider provider, NopDatabase database) =>
        provider.GetRequiredService<IConfiguration>().GetConnectionString(database.Name);

    private sealed class UpcastFactory<TContext, T>(IDbContextFactory<T> inner) : IDbContextFactory<TContext>
        where TContext : DbContext where T : TContext
    {
        public TContext CreateDbContext() => inner.CreateDbContext();
    }
}
