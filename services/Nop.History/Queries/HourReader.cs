using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Nop.Contracts;
using Nop.History.Data;
using Nop.History.Indicators;

namespace Nop.History.Queries;

// Reads hour rows as LevelAggregates: with the histogram only when L10/L50/L90 are wanted (decoding is most of the
// cost of a long series), without it for the indicators, which need energy, coverage and exceedance only. Plain SQL
// reading only those columns: EF's materialisation cost more than the rows' reading (thousands of rows per query).
public sealed class HourReader(HistoryDbContext db)
{
    private readonly bool _sqlite = db.Database.IsSqlite();

    public async Task<List<(DateTimeOffset Start, LevelAggregate Aggregate)>> WithHistogramsAsync(string sensorId,
        DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var command = await CommandAsync("""
            SELECT hour_start, energy, covered_seconds, lamax, exceedance_seconds, histogram FROM hours
            WHERE sensor_id = @sensor AND hour_start >= @from AND hour_start < @to ORDER BY hour_start
            """, sensorId, from, to, cancellationToken);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<(DateTimeOffset, LevelAggregate)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var aggregate = Aggregate(reader, 1);
            aggregate.Histogram = LevelHistogram.Decode((byte[])reader.GetValue(5));
            rows.Add((Time(reader, 0), aggregate));
        }
        return rows;
    }

    // One sensor's hours as points, L10/L50/L90 read straight from the encoded histograms into one reused buffer
    // (the hourly series: 720 rows for a month, which the dictionaries of decoded histograms made slow and garbage).
    public async Task<List<LevelPoint>> PointsAsync(string sensorId, DateTimeOffset from, DateTimeOffset to,
        CancellationToken cancellationToken)
    {
        await using var command = await CommandAsync("""
            SELECT hour_start, energy, covered_seconds, lamax, exceedance_seconds, histogram FROM hours
            WHERE sensor_id = @sensor AND hour_start >= @from AND hour_start < @to ORDER BY hour_start
            """, sensorId, from, to, cancellationToken);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var points = new List<LevelPoint>();
        var buffer = new byte[1024];
        while (await reader.ReadAsync(cancellationToken))
        {
            var length = (int)reader.GetBytes(5, 0, null, 0, 0);
            if (length > buffer.Length)
            {
                buffer = new byte[length];
            }
            reader.GetBytes(5, 0, buffer, 0, length);
            var start = Time(reader, 0);
            points.Add(Aggregate(reader, 1).ToPoint(start, start.AddHours(1),
                LevelHistogram.Exceeded(buffer.AsSpan(0, length), 10, 50, 90)));
        }
        return points;
    }

    // Every sensor's hours in [from, to), or one sensor's; oldest first.
    public async Task<List<SensorHour>> WithoutHistogramsAsync(string? sensorId, DateTimeOffset from,
        DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var command = await CommandAsync($"""
            SELECT hour_start, energy, covered_seconds, lamax, exceedance_seconds, sensor_id, zone FROM hours
            WHERE hour_start >= @from AND hour_start < @to {(sensorId is null ? "" : "AND sensor_id = @sensor")}
            ORDER BY hour_start
            """, sensorId, from, to, cancellationToken);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<SensorHour>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new SensorHour(reader.GetString(5), Time(reader, 0), Enum.Parse<Zone>(reader.GetString(6)),
                Aggregate(reader, 1)));
        }
        return rows;
    }

    private async Task<DbCommand> CommandAsync(string sql, string? sensorId, DateTimeOffset from, DateTimeOffset to,
        CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        Add(command, "@sensor", sensorId);
        Add(command, "@from", _sqlite ? from.ToUnixTimeMilliseconds() : from);
        Add(command, "@to", _sqlite ? to.ToUnixTimeMilliseconds() : to);
        return command;
    }

    private static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    // SQLite holds instants as Unix milliseconds (the model's converter), SQL Server as datetimeoffset.
    private DateTimeOffset Time(DbDataReader reader, int column) => _sqlite
        ? DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(column))
        : reader.GetFieldValue<DateTimeOffset>(column);

    private static LevelAggregate Aggregate(DbDataReader reader, int first) => new()
    {
        Energy = reader.GetDouble(first),
        CoveredSeconds = reader.GetDouble(first + 1),
        Lamax = reader.IsDBNull(first + 2) ? null : reader.GetDouble(first + 2),
        ExceedanceSeconds = reader.GetDouble(first + 3),
    };
}

public sealed record SensorHour(string SensorId, DateTimeOffset Start, Zone Zone, LevelAggregate Aggregate);
