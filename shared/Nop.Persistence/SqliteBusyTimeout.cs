using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Nop.Persistence;

/// <summary>
/// Lets SQLite itself wait for a lock held by another connection, for up to the connection's default timeout.
/// Microsoft.Data.Sqlite sets no busy timeout and retries a busy statement every 150 ms instead, so any two
/// connections meeting on the write lock (a handler's commit and the outbox relay's mark, or any reader of a file not
/// in WAL mode) cost the loser 150 ms even when the lock is free a millisecond later. SQLite's own busy handler
/// retries within milliseconds. How long a locked file is waited for before the statement fails is unchanged.
/// </summary>
internal sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    public static readonly SqliteBusyTimeout Instance = new();

    /// <inheritdoc />
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = Pragma(connection);
        command?.ExecuteNonQuery();
    }

    /// <inheritdoc />
    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        await using var command = Pragma(connection);
        if (command is not null)
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static SqliteCommand? Pragma(DbConnection connection)
    {
        if (connection is not SqliteConnection sqlite)
        {
            return null;
        }
        var command = sqlite.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {sqlite.DefaultTimeout * 1000};";
        return command;
    }
}
