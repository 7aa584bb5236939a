using Nop.Persistence;

namespace Nop.History.Data;

// For dotnet ef migrations add X --context SqliteHistoryDbContext --output-dir Data/Migrations/Sqlite.
public sealed class SqliteDesignTimeFactory()
    : SqliteDesignTimeFactory<SqliteHistoryDbContext>(options => new(options), "design-time.db");

// For dotnet ef migrations add X --context SqlServerHistoryDbContext --output-dir Data/Migrations/SqlServer.
public sealed class SqlServerDesignTimeFactory()
    : SqlServerDesignTimeFactory<SqlServerHistoryDbContext>(options => new(options), "nop_history");
