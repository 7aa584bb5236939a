using System.Data;
using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Nop.Contracts;
using Nop.History.Data;
using Nop.History.Indicators;

namespace Nop.History.Levels;

// The levels writer's statements, in plain SQL on the context's connection and transaction: the hot path writes
// thousands of rows a second, which EF's change tracking would spend most of its time on. The SQL is the same for
// both providers; only how a time and a date are passed differs (SQLite stores them as the model's converters do).
internal sealed class LevelStore : IAsyncDisposable
{
    private readonly bool _sqlite;
    private readonly DbCommand _insertMinute;
    private readonly DbCommand _selectHour;
    private readonly DbCommand _insertHour;
    private readonly DbCommand _updateHour;
    private readonly DbCommand _insertEpisode;
    private readonly DbCommand _updateOffset;
    private readonly DbCommand _insertOffset;

    public LevelStore(HistoryDbContext db)
    {
        _sqlite = db.Database.IsSqlite();
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("The levels writer writes inside a transaction.");
        // Inserts the window unless its key is there already: the natural key is the inbox. SQLite's OR IGNORE skips
        // the extra lookup of NOT EXISTS (the key is checked by the insert itself).
        _insertMinute = Command(connection, transaction, _sqlite ? """
            INSERT OR IGNORE INTO minutes (sensor_id, window_start, window_end, zone, laeq, lamax, l10, l50, l90,
                coverage, exceedance_seconds, threshold, period, maintenance, distribution)
            VALUES (@sensor, @start, @end, @zone, @laeq, @lamax, @l10, @l50, @l90, @coverage, @exceedance, @threshold,
                @period, @maintenance, @distribution)
            """ : """
            INSERT INTO minutes (sensor_id, window_start, window_end, zone, laeq, lamax, l10, l50, l90, coverage,
                exceedance_seconds, threshold, period, maintenance, distribution)
            SELECT @sensor, @start, @end, @zone, @laeq, @lamax, @l10, @l50, @l90, @coverage, @exceedance, @threshold,
                @period, @maintenance, @distribution
            WHERE NOT EXISTS (SELECT 1 FROM minutes WHERE sensor_id = @sensor AND window_start = @start)
            """, "sensor", "start", "end", "zone", "laeq", "lamax", "l10", "l50", "l90", "coverage", "exceedance",
            "threshold", "period", "maintenance", "distribution");
        // Typed, so a null distribution is a binary null (SQL Server converts no nvarchar null to varbinary).
        _insertMinute.Parameters["@distribution"].DbType = DbType.Binary;
        _selectHour = Command(connection, transaction, """
            SELECT zone, energy, covered_seconds, lamax, exceedance_seconds, histogram, version FROM hours
            WHERE sensor_id = @sensor AND hour_start = @start
            """, "sensor", "start");
        _insertHour = Command(connection, transaction, """
            INSERT INTO hours (sensor_id, hour_start, zone, energy, covered_seconds, lamax, exceedance_seconds,
                histogram, version)
            VALUES (@sensor, @start, @zone, @energy, @covered, @lamax, @exceedance, @histogram, 1)
            """, "sensor", "start", "zone", "energy", "covered", "lamax", "exceedance", "histogram");
        _updateHour = Command(connection, transaction, """
            UPDATE hours SET zone = @zone, energy = @energy, covered_seconds = @covered, lamax = @lamax,
                exceedance_seconds = @exceedance, histogram = @histogram, version = @version + 1
            WHERE sensor_id = @sensor AND hour_start = @start AND version = @version
            """, "sensor", "start", "zone", "energy", "covered", "lamax", "exceedance", "histogram", "version");
        _insertEpisode = Command(connection, transaction, """
            INSERT INTO level_alert_events (sensor_id, window_start, local_date, cleared)
            SELECT @sensor, @start, @date, @cleared
            WHERE NOT EXISTS (SELECT 1 FROM level_alert_events WHERE sensor_id = @sensor AND window_start = @start)
            """, "sensor", "start", "date", "cleared");
        _updateOffset = Command(connection, transaction,
            "UPDATE stream_offsets SET next_offset = @next, replay_from = NULL WHERE stream = @stream",
            "stream", "next");
        _insertOffset = Command(connection, transaction,
            "INSERT INTO stream_offsets (stream, next_offset) VALUES (@stream, @next)", "stream", "next");
    }

    // Where the reader is in the stream: the offset after the last message this transaction applies. Only the lease
    // holder writes it, so update-else-insert does not race.
    public async Task SaveOffsetAsync(string stream, long nextOffset, CancellationToken cancellationToken)
    {
        Set(_updateOffset, stream, nextOffset);
        if (await _updateOffset.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            Set(_insertOffset, stream, nextOffset);
            await _insertOffset.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    // True if the window was new (and is now counted); false if its key was already there.
    public async Task<bool> InsertMinuteAsync(NoiseLevelMeasured window, double exceedanceSeconds,
        CancellationToken cancellationToken)
    {
        Set(_insertMinute, window.SensorId, Time(window.WindowStart), Time(window.WindowEnd), window.Zone.ToString(),
            window.Laeq, window.Lamax, window.L10, window.L50, window.L90, window.Coverage ?? 1.0,
            exceedanceSeconds, window.Threshold, window.Period.ToString(), window.Maintenance,
            window.Distribution is { Count: > 0 } classes ? LevelHistogram.From(classes).Encode() : null);
        return await _insertMinute.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    // The hour row, or null if there is none yet.
    public async Task<HourState?> LoadHourAsync(string sensorId, DateTimeOffset hourStart,
        CancellationToken cancellationToken)
    {
        Set(_selectHour, sensorId, Time(hourStart));
        await using var reader = await _selectHour.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        var aggregate = new LevelAggregate
        {
            Energy = reader.GetDouble(1),
            CoveredSeconds = reader.GetDouble(2),
            Lamax = reader.IsDBNull(3) ? null : reader.GetDouble(3),
            ExceedanceSeconds = reader.GetDouble(4),
            Histogram = LevelHistogram.Decode((byte[])reader.GetValue(5)),
        };
        return new HourState(Enum.Parse<Zone>(reader.GetString(0)), aggregate, reader.GetInt32(6));
    }

    // Writes a changed hour: inserted at version 1, or updated if its version is still the one loaded. A lost race
    // (the key taken, the version moved on) fails as a write conflict, and the batch is written again from the
    // database's state.
    public async Task SaveHourAsync(string sensorId, DateTimeOffset hourStart, HourState hour,
        CancellationToken cancellationToken)
    {
        var a = hour.Aggregate;
        var histogram = a.Histogram.Encode();
        if (hour.Version == 0)
        {
            Set(_insertHour, sensorId, Time(hourStart), hour.Zone.ToString(), a.Energy, a.CoveredSeconds, a.Lamax,
                a.ExceedanceSeconds, histogram);
            await _insertHour.ExecuteNonQueryAsync(cancellationToken);
        }
        else
        {
            Set(_updateHour, sensorId, Time(hourStart), hour.Zone.ToString(), a.Energy, a.CoveredSeconds, a.Lamax,
                a.ExceedanceSeconds, histogram, hour.Version);
            if (await _updateHour.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                throw new DbUpdateConcurrencyException(
                    $"Hour {hourStart:O} of {sensorId} changed since it was read (version {hour.Version})");
            }
        }
    }

    // Records an event of the level rule unless its key is there already.
    // True if the episode was new; false if it was stored already.
    public async Task<bool> InsertLevelAlertEventAsync(LevelAlertEvent alertEvent, DateOnly localDate,
        CancellationToken cancellationToken)
    {
        Set(_insertEpisode, alertEvent.SensorId, Time(alertEvent.WindowStart), _sqlite
            ? localDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : localDate.ToDateTime(TimeOnly.MinValue), alertEvent.Cleared);
        return await _insertEpisode.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in new[]
        {
            _insertMinute, _selectHour, _insertHour, _updateHour, _insertEpisode, _updateOffset, _insertOffset,
        })
        {
            await command.DisposeAsync();
        }
    }

    private object Time(DateTimeOffset instant) => _sqlite ? instant.ToUnixTimeMilliseconds() : instant;

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql,
        params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    private static void Set(DbCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            var parameter = command.Parameters[i];
            parameter.Value = values[i] ?? DBNull.Value;
            if (values[i] is byte[])
            {
                parameter.DbType = DbType.Binary;
            }
        }
    }
}
