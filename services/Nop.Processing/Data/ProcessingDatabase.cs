using Nop.Persistence;

namespace Nop.Processing.Data;

public static class ProcessingDatabase
{
    /// <summary>
    /// <c>ConnectionStrings:Processing</c>, <c>Processing:Database:Provider</c>. Checkpoints run through the retrying
    /// execution strategy (see <see cref="PartitionStateStore"/>); WAL lets the relay and the health check read while
    /// partitions write.
    /// </summary>
    public static readonly NopDatabase Settings = new("Processing") { RetryOnFailure = true, WriteAheadLog = true };

    /// <summary>Registers <see cref="ProcessingDbContext"/> on the configured provider, migrated at start-up.</summary>
    public static IHostApplicationBuilder AddProcessingDatabase(this IHostApplicationBuilder builder) =>
        builder.AddNopDatabase<ProcessingDbContext, SqliteProcessingDbContext, SqlServerProcessingDbContext>(Settings);
}
