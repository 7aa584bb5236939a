using Nop.Persistence;

namespace Nop.Notifier.Data;

public static class NotifierDatabase
{
    // ConnectionStrings:Notifier, Notifier:Database:Provider. Handlers wait out outages through DatabaseResilience.
    public static readonly NopDatabase Settings = new("Notifier") { WriteAheadLog = true };

    public static IHostApplicationBuilder AddNotifierDatabase(this IHostApplicationBuilder builder) =>
        builder.AddNopDatabase<NotifierDbContext, SqliteNotifierDbContext, SqlServerNotifierDbContext>(Settings);
}
