using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Nop.Processing.Aggregation;

namespace Nop.Processing.Persistence;

/// <summary>
/// A checkpoint's per-row writes as plain commands, each created once per checkpoint and executed for every row with
/// new parameter values, in the checkpoint's transaction. A checkpoint writes a row per reading and per changed sensor;
/// through EF's change tracker each row cost more than the write itself (see README "Benchmark"). Standard SQL with
/// double-quoted names (<c>Partition</c> is a keyword in T-SQL), so SQLite and SQL Server run it unchanged; the names are
/// those of <see cref="ProcessingDbContext"/>'s model.
/// </summary>
internal sealed class CheckpointCommands : IAsyncDisposable
{
    private readonly DbCommand _update;
    private readonly DbCommand _insert;
    private readonly DbCommand _delete;

    private CheckpointCommands(DbConnection connection, DbTransaction transaction)
    {
        _update = Command(connection, transaction,
            """UPDATE "sensor_states" SET "State" = @state, "Partition" = @partition, "UpdatedAt" = @at WHERE "SensorId" = @sensor AND "Partition" = @seen""",
            "@state", "@partition", "@at", "@sensor", "@seen");
        _insert = Command(connection, transaction,
            """INSERT INTO "window_readings" ("SensorId", "ReadingId", "WindowStart", "Laeq", "Lamax", "Duration") VALUES (@sensor, @reading, @start, @laeq, @lamax, @duration)""",
            "@sensor", "@reading", "@start", "@laeq", "@lamax", "@duration");
        _delete = Command(connection, transaction,
            """DELETE FROM "window_readings" WHERE "SensorId" = @sensor AND "WindowStart" = @start""",
            "@sensor", "@start");
    }

    public static CheckpointCommands For(ProcessingDbContext db, IDbContextTransaction transaction) =>
        new(db.Database.GetDbConnection(), transaction.GetDbTransaction());

    /// <summary>Writes a sensor's state back, but only while its row is still in <paramref name="partitionSeen"/>:
    /// false when another partition has taken the sensor over since.</summary>
    public async Task<bool> UpdateSensorAsync(string sensorId, int partitionSeen, int partition, string state, DateTimeOffset at, CancellationToken cancellationToken)
    {
        Set(_update, state, partition, at, sensorId, partitionSeen);
        return await _update.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public Task InsertReadingAsync(StoredReading stored, CancellationToken cancellationToken)
    {
        var r = stored.Reading;
        Set(_insert, stored.SensorId, r.Id, stored.WindowStart, r.Laeq, r.Lamax, r.Duration);
        return _insert.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task DeleteWindowAsync(string sensorId, DateTimeOffset windowStart, CancellationToken cancellationToken)
    {
        Set(_delete, sensorId, windowStart);
        return _delete.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _update.DisposeAsync();
        await _insert.DisposeAsync();
        await _delete.DisposeAsync();
    }

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    private static void Set(DbCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }
}
