using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage;

namespace Nop.Processing.Persistence;

/// <summary>
/// SQLite's counterpart of SQL Server's <c>EnableRetryOnFailure</c>: retries an operation that failed because the file
/// was busy or locked by another connection. Shipped for SQLite so the configuration the tests run is the one the
/// SQL Server deployments run: a retrying strategy refuses user-initiated transactions outside
/// <c>CreateExecutionStrategy().ExecuteAsync</c>, and that path is exercised here on every checkpoint.
/// </summary>
public sealed class SqliteRetryingExecutionStrategy(ExecutionStrategyDependencies dependencies)
    : ExecutionStrategy(dependencies, maxRetryCount: 6, maxRetryDelay: TimeSpan.FromSeconds(5))
{
    private const int Busy = 5;
    private const int Locked = 6;

    protected override bool ShouldRetryOn(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: Busy or Locked };
}
