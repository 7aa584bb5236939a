using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Nop.Persistence;

/// <summary>
/// Recognises a write that lost a race with a concurrent change, so the unit of work is reloaded and decided again.
/// A stale version does not always show up as a <see cref="DbUpdateConcurrencyException"/>: EF Core may insert a row
/// before it updates the versioned one (in Alerting, the <c>alert_events</c> row before the <c>alerts</c> row), so
/// the loser usually fails on a key or unique index first (there: the event's (alert id, sequence) key, the
/// one-open-alert-per-sensor-and-rule index, or the inbox key). Other constraint failures (NOT NULL, foreign keys,
/// CHECK) are bugs, not races.
/// </summary>
public static class WriteConflict
{
    /// <summary>True for an optimistic-concurrency failure or a primary-key / unique-index violation.</summary>
    public static bool IsConflict(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case DbUpdateConcurrencyException:
                case SqliteException sqlite when IsSqliteKeyViolation(sqlite.SqliteExtendedErrorCode):
                case SqlException sql when IsSqlServerKeyViolation(sql.Number):
                    return true;
            }
        }
        return false;
    }

    /// <summary>SQLITE_CONSTRAINT_PRIMARYKEY (1555) or SQLITE_CONSTRAINT_UNIQUE (2067), SQLite's extended result
    /// codes.</summary>
    public static bool IsSqliteKeyViolation(int extendedErrorCode) => extendedErrorCode is 1555 or 2067;

    /// <summary>2627: violation of a PRIMARY KEY or UNIQUE constraint; 2601: duplicate key row in a unique
    /// index.</summary>
    public static bool IsSqlServerKeyViolation(int errorNumber) => errorNumber is 2627 or 2601;
}
