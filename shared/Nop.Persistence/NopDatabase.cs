namespace Nop.Persistence;

/// <summary>
/// What a service decides in code about its database (configuration decides the provider and connection string,
/// see <see cref="DatabaseOptions"/>).
/// </summary>
/// <param name="Name">The service's name: it names the connection string (<c>ConnectionStrings:Name</c>), the
/// options section (<c>Name:Database</c>) and the default SQLite file (<c>name.db</c>).</param>
public sealed record NopDatabase(string Name)
{
    /// <summary>Retry transient failures inside EF Core (SQL Server's <c>EnableRetryOnFailure</c>, SQLite's
    /// <see cref="SqliteRetryingExecutionStrategy"/>). Its transactions must then run through
    /// <c>CreateExecutionStrategy().ExecuteAsync</c>.</summary>
    public bool RetryOnFailure { get; init; }

    /// <summary>Put a SQLite database in WAL mode at start-up, so readers do not wait for the writer.</summary>
    public bool WriteAheadLog { get; init; }

    /// <summary>The options section, e.g. <c>Alerting:Database</c>.</summary>
    public string Section => $"{Name}:Database";

    /// <summary>The SQLite connection string used when none is configured.</summary>
    public string DefaultSqliteConnectionString => $"Data Source={Name.ToLowerInvariant()}.db";
}
