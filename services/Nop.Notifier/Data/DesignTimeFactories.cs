using Nop.Persistence;

namespace Nop.Notifier.Data;

// For dotnet ef migrations add X --context SqliteNotifierDbContext --output-dir Data/Migrations/Sqlite.
public sealed class SqliteDesignTimeFactory()
    : SqliteDesignTimeFactory<SqliteNotifierDbContext>(options => new(options), "design-time.db");

// For dotnet ef migrations add X --context SqlServerNotifierDbContext --output-dir Data/Migrations/SqlServer.
public sealed class SqlServerDesignTimeFactory()
    : SqlServerDesignTimeFactory<SqlServerNotifierDbContext>(options => new(options), "nop_notifier");
