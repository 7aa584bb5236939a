using Nop.Persistence;

namespace Nop.History.Data;

public static class HistoryDatabase
{
    // ConnectionStrings:History, History:Database:Provider. WAL: queries read while the levels writer commits its
    // batches. No retrying execution strategy: the writer retries through DatabaseResilience, queries fail fast.
    public static readonly NopDatabase Settings = new("History") { WriteAheadLog = true };

    // Registers HistoryDbContext on the configured provider, migrated at start-up.
    public static IHostApplicationBuilder AddHistoryDatabase(this IHostApplicationBuilder builder) =>
        builder.AddNopDatabase<HistoryDbContext, SqliteHistoryDbContext, SqlServerHistoryDbContext>(Settings);
}
