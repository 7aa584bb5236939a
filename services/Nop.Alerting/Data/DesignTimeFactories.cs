using Nop.Persistence;

namespace Nop.Alerting.Data;

// For dotnet ef migrations add X --context SqliteAlertingDbContext --output-dir
// Data/Migrations/Sqlite.
public sealed class SqliteDesignTimeFactory()
    : SqliteDesignTimeFactory<SqliteAlertingDbContext>(options => new(options), "design-time.db");

// For dotnet ef migrations add X --context SqlServerAlertingDbContext --output-dir
// Data/Migrations/SqlServer.
public sealed class SqlServerDesignTimeFactory()
    : SqlServerDesignTimeFactory<SqlServerAlertingDbContext>(options => new(options), "nop_alerting");
