using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Nop.Persistence;

namespace Nop.Alerting.Tests;

/// <summary>Which database failures count as a lost race (reload and decide again) and which are bugs.</summary>
public sealed class WriteConflictTests
{
    [Theory]
    [InlineData("INSERT INTO t VALUES (1, 'k', 'b', 'x')", true)] // primary key (like alert_events')
    [InlineData("INSERT INTO t VALUES (2, 'k', 'a', 'x')", true)] // unique index (like the open-alert one)
    [InlineData("INSERT INTO t VALUES (3, 'k', 'c', NULL)", false)] // NOT NULL
    [InlineData("INSERT INTO t VALUES (4, 'k', 'd', 'far too long')", false)] // CHECK
    public void SQLite_key_and_unique_index_violations_are_conflicts_other_constraint_failures_are_not(string sql,
        bool conflict)
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        Execute(connection, """
            CREATE TABLE t (id INTEGER NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL,
                note TEXT NOT NULL CHECK (length(note) < 5), PRIMARY KEY (id, kind));
            CREATE UNIQUE INDEX ux_t_name ON t (name);
            INSERT INTO t VALUES (1, 'k', 'a', 'x');
            """);

        var error = Should.Throw<SqliteException>(() => Execute(connection, sql));

        error.SqliteErrorCode.ShouldBe(19); // SQLITE_CONSTRAINT, whatever the kind
        WriteConflict.IsConflict(error).ShouldBe(conflict, $"extended code {error.SqliteExtendedErrorCode}");
        WriteConflict.IsConflict(new DbUpdateException("wrapped as EF Core does", error)).ShouldBe(conflict);
    }

    [Fact]
    public void An_optimistic_concurrency_failure_is_a_conflict_and_a_timeout_is_not()
    {
        WriteConflict.IsConflict(new DbUpdateConcurrencyException("0 rows affected")).ShouldBeTrue();
        WriteConflict.IsConflict(new DbUpdateException("failed", new TimeoutException())).ShouldBeFalse();
    }

    [Theory]
    [InlineData(2627, true)] // violation of a PRIMARY KEY or UNIQUE constraint
    [InlineData(2601, true)] // duplicate key row in a unique index
    [InlineData(547, false)] // foreign key or CHECK constraint
    [InlineData(515, false)] // NULL into a NOT NULL column
    [InlineData(1205, false)] // deadlock victim: transient, retried by the other strategy
    public void SQL_Server_error_numbers_are_classified_by_kind(int number, bool conflict) =>
        WriteConflict.IsSqlServerKeyViolation(number).ShouldBe(conflict);

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
