using Nop.Persistence;

namespace Nop.Alerting.Data;

/// <summary>For <c>dotnet ef migrations add X --context SqliteAlertingDbContext --output-dir
/// Data/Migrations/Sqlite</c>.</summary>
public sealed class SqliteDesignTimeFactory()
    : SqliteDesignTimeFactory<SqliteAlertingDbContext>(options => new(options), "design-time.db");

/// <summary>For <c>dotnet ef migrations add X --context SqlServerAlertingDbContext --output-dir
/// Data/Migrations/SqlServer</c>.</summary>
public sealed class SqlServerDesignTimeFactory()
    : SqlServerDesignTimeFactory<SqlServerAlertingDbContext>(options => new(options), "nop_alerting");
