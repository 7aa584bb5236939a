using Nop.Persistence;

namespace Nop.Alerting.Data;

public static class AlertingDatabase
{
    // ConnectionStrings:Alerting, Alerting:Database:Provider. No retrying execution strategy: the
    // handlers retry through DatabaseResilience and requests must fail fast. WAL: the outbox relay, the
    // queries and the inbox look-ups read while a handler commits instead of waiting for it, and a commit
    // syncs the log once instead of the journal and the file (synchronous stays FULL: a commit is on disk
    // before its delivery is acked). A locked file still fails every commit and readiness (BEGIN IMMEDIATE).
    public static readonly NopDatabase Settings = new("Alerting") { WriteAheadLog = true };

    // Registers AlertingDbContext on the configured provider, migrated at start-up.
    public static IHostApplicationBuilder AddAlertingDatabase(this IHostApplicationBuilder builder) =>
        builder.AddNopDatabase<AlertingDbContext, SqliteAlertingDbContext, SqlServerAlertingDbContext>(Settings);
}
