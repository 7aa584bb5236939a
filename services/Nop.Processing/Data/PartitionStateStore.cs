using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Nop.Processing.Aggregation;

namespace Nop.Processing.Data;

// What one checkpoint writes: its state blob, the events to publish, and the version it started
// from.
internal sealed record CheckpointWrite(
    int Partition,
    long ExpectedVersion,
    byte[] Blob,
    bool IsSnapshot,
    IReadOnlyList<AggregatorOutput> Outputs,
    DateTimeOffset At);

// A partition's state as loaded: the sensors, and what the snapshot policy needs to know of the
// rows.
internal sealed record LoadedPartition(
    long Version,
    IReadOnlyCollection<SensorAggregate> Sensors,
    long SnapshotBytes,
    long DeltaBytes,
    int Deltas,
    bool Legacy);

// Reads and writes a partition's checkpoints (PartitionStateRows). Every transaction runs through the
// provider's execution strategy: SQL Server's EnableRetryOnFailure (and SQLite's
// Persistence.SqliteRetryingExecutionStrategy) refuse a user-initiated transaction outside it, and may
// run the body again after a transient failure, so the body starts from a clean change tracker every time.
internal static class PartitionStateStore
{
    // The statements of every checkpoint (and the version read of every round) as plain commands: through EF's
    // LINQ (ExecuteUpdate, SaveChanges, FirstOrDefault) each cost several times the statement itself, at ten
    // checkpoints a second per partition. Standard SQL with double-quoted names, as in OutboxInserts.
    private const string VersionSql =
        """SELECT "Version" FROM "aggregator_partitions" WHERE "Partition" = @partition""";

    private const string ClaimSql =
        """
        UPDATE "aggregator_partitions" SET "Version" = @next, "UpdatedAt" = @at
        WHERE "Partition" = @partition AND "Version" = @expected
        """;

    private const string InsertStateSql =
        """
        INSERT INTO "aggregator_states" ("Partition", "Version", "IsSnapshot", "Blob")
        VALUES (@partition, @version, @snapshot, @blob)
        """;

    // The partition's checkpoint version, null when it has no row yet.
    public static async Task<long?> VersionAsync(ProcessingDbContext db, int partition,
        CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var command = ContextCommands.Create(db, VersionSql, ("@partition", partition));
        var version = await command.ExecuteScalarAsync(cancellationToken);
        return version is null or DBNull ? null : Convert.ToInt64(version, CultureInfo.InvariantCulture);
    }

    public static async Task<LoadedPartition> LoadAsync(IDbContextFactory<ProcessingDbContext> databases, int partition,
        ProcessingOptions options, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            // One read transaction: the version and the rows it covers belong together.
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            // No row yet: nothing was ever checkpointed (the partition creates its row before its first checkpoint).
            var version = await db.Partitions.AsNoTracking().Where(p => p.Partition == partition)
                .Select(p => (long?)p.Version).FirstOrDefaultAsync(ct) ?? 0;
            var rows = await db.PartitionStates.AsNoTracking().Where(r => r.Partition == partition)
                .OrderBy(r => r.Version).ToListAsync(ct);
            var sensors = new Dictionary<string, SensorAggregate>(StringComparer.Ordinal);
            long snapshotBytes = 0, deltaBytes = 0;
            var deltas = 0;
            foreach (var row in rows)
            {
                if (row.IsSnapshot)
                {
                    sensors.Clear();
                    (snapshotBytes, deltaBytes, deltas) = (row.Blob.Length, 0, 0);
                }
                else
                {
                    deltaBytes += row.Blob.Length;
                    deltas++;
                }
                SensorAggregateCodec.Apply(row.Blob, sensors);
            }
            var legacy = rows.Count == 0 && await LegacyStateStore.LoadAsync(db, partition, options, sensors, ct);
            await transaction.CommitAsync(ct);
            return new LoadedPartition(version, sensors.Values, snapshotBytes, deltaBytes, deltas, legacy);
        }, cancellationToken);
    }

    // Writes one checkpoint in one transaction; false (nothing written) when another instance has
    // checkpointed the partition since CheckpointWrite.ExpectedVersion.
    public static async Task<bool> WriteAsync(IDbContextFactory<ProcessingDbContext> databases, CheckpointWrite write,
        CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            // The version guard first: it takes the write lock, and a stale instance stops here. A retry after a commit
            // whose acknowledgement was lost stops here too, and the caller reloads what it wrote.
            var (partition, expected) = (write.Partition, write.ExpectedVersion);
            var claimed = await ExecuteAsync(db, ClaimSql, ct, ("@partition", partition), ("@expected", expected),
                ("@next", expected + 1), ("@at", write.At));
            if (claimed == 0)
            {
                await transaction.RollbackAsync(ct);
                return false;
            }
            if (write.IsSnapshot)
            {
                await db.PartitionStates.Where(r => r.Partition == partition).ExecuteDeleteAsync(ct);
                await LegacyStateStore.DeleteAsync(db, partition, ct);
            }
            await ExecuteAsync(db, InsertStateSql, ct, ("@partition", partition), ("@version", expected + 1),
                ("@snapshot", write.IsSnapshot), ("@blob", write.Blob));
            await OutboxInserts.InsertAsync(db, write.Outputs, write.At, ct);
            await transaction.CommitAsync(ct);
            return true;
        }, cancellationToken);
    }

    private static async Task<int> ExecuteAsync(ProcessingDbContext db, string sql,
        CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = ContextCommands.Create(db, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
