using Nop.Persistence;

namespace Nop.Processing.Data;

public static class ProcessingDatabase
{
    // ConnectionStrings:Processing, Processing:Database:Provider. Checkpoints run through the retrying
    // execution strategy (see PartitionStateStore); WAL lets the relay and the health check read while
    // partitions write.
    public static readonly NopDatabase Settings = new("Processing") { RetryOnFailure = true, WriteAheadLog = true };

    // Registers ProcessingDbContext on the configured provider, migrated at start-up.
    public static IHostApplicationBuilder AddProcessingDatabase(this IHostApplicationBuilder builder) =>
        builder.AddNopDatabase<ProcessingDbContext, SqliteProcessingDbContext, SqlServerProcessingDbContext>(Settings);
}
