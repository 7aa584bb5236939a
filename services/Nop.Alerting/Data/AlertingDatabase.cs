using Nop.Persistence;

namespace Nop.Alerting.Data;

public static class AlertingDatabase
{
    /// <summary>
    /// <c>ConnectionStrings:Alerting</c>, <c>Alerting:Database:Provider</c>. No retrying execution strategy: the
    /// handlers retry through <see cref="DatabaseResilience"/> and requests must fail fast. No WAL either: a locked
    /// file is an outage readers must see too.
    /// </summary>
    public static readonly NopDatabase Settings = new("Alerting");

    /// <summary>Registers <see cref="AlertingDbContext"/> on the configured provider, migrated at start-up.</summary>
    public static IHostApplicationBuilder AddAlertingDatabase(this IHostApplicationBuilder builder) =>
        builder.AddNopDatabase<AlertingDbContext, SqliteAlertingDbContext, SqlServerAlertingDbContext>(Settings);
}
