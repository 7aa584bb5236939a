using Nop.Processing.Aggregation;

namespace Nop.Processing.Data;

// A checkpoint's events into outbox_messages through one command prepared per checkpoint and executed per
// event, in the checkpoint's transaction. A busy partition closes a window per sensor-minute, hundreds per
// checkpoint; through EF's change tracker each row cost several times the insert itself. Standard SQL with
// double-quoted names, so SQLite and SQL Server run it unchanged; the names are those of
// ProcessingDbContext's model.
internal static class OutboxInserts
{
    private const string Sql =
        """
        INSERT INTO "outbox_messages"
            ("MessageId", "MessageType", "RoutingKey", "SensorId", "CorrelationId", "Body", "CreatedAt")
        VALUES (@id, @type, @key, @sensor, @correlation, @body, @at)
        """;

    private static readonly string[] Names = ["@id", "@type", "@key", "@sensor", "@correlation", "@body", "@at"];

    public static async Task InsertAsync(ProcessingDbContext db, IReadOnlyList<AggregatorOutput> outputs,
        DateTimeOffset at,
        CancellationToken cancellationToken)
    {
        if (outputs.Count == 0)
        {
            return;
        }
        await using var command = ContextCommands.Create(db, Sql);
        var parameters = Array.ConvertAll(Names, name => ContextCommands.AddParameter(command, name));
        parameters[6].Value = at;
        foreach (var output in outputs)
        {
            var (type, body) = OutputJson.Serialize(output.Message);
            parameters[0].Value = output.MessageId;
            parameters[1].Value = type;
            parameters[2].Value = output.RoutingKey;
            parameters[3].Value = output.SensorId;
            parameters[4].Value = (object?)output.CorrelationId ?? DBNull.Value;
            parameters[5].Value = body;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
