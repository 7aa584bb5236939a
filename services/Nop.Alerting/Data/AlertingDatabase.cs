using Nop.Persistence;

namespace Nop.Alerting.Data;

public static class AlertingDatabase
{
    // ConnectionStrings:Alerting, Alerting:Database:Provider. No retrying execution strategy: the
    // handlers retry through DatabaseResilience and requests must fail fast. No WAL either: a locked
    // file is an outage readers must see too.
    public static readonly NopDatabase Settings = new("Alerting");

    // Registers AlertingDbContext on the configured provider, migrated at start-up.
    public static IHostApplicationBuilder AddAlertingDatabase(this IHostApplicationBuilder builder) =>
        builder.AddNopDatabase<AlertingDbContext, SqliteAlertingDbContext, SqlServerAlertingDbContext>(Settings);
}
