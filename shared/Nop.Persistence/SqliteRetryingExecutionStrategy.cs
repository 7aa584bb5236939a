using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage;

namespace Nop.Persistence;

/// <summary>
/// SQLite's counterpart of SQL Server's <c>EnableRetryOnFailure</c>: retries an operation that failed because the
/// file was busy or locked by another connection. Shipped for SQLite so the configuration the tests run is the one
/// the SQL Server deployments run: a retrying strategy refuses user-initiated transactions outside
/// <c>CreateExecutionStrategy().ExecuteAsync</c>, and that path is exercised on every Processing checkpoint.
/// </summary>
/// <param name="dependencies">What EF Core gives every execution strategy.</param>
public sealed class SqliteRetryingExecutionStrategy(ExecutionStrategyDependencies dependencies)
    : ExecutionStrategy(dependencies, maxRetryCount: 6, maxRetryDelay: TimeSpan.FromSeconds(5))
{
    private const int Busy = 5;
    private const int Locked = 6;

    /// <inheritdoc />
    protected override bool ShouldRetryOn(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: Busy or Locked };
}
