using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Nop.Alerting.Data;

/// <summary>For <c>dotnet ef migrations add X --context SqliteAlertingDbContext --output-dir
/// Data/Migrations/Sqlite</c>.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteAlertingDbContext>
{
    public SqliteAlertingDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteAlertingDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

/// <summary>For <c>dotnet ef migrations add X --context SqlServerAlertingDbContext --output-dir
/// Data/Migrations/SqlServer</c> (no server needed).</summary>
public sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerAlertingDbContext>
{
    public SqlServerAlertingDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlServerAlertingDbContext>().UseSqlServer(
            "Server=localhost;Database=nop_alerting;Trusted_Connection=True;TrustServerCertificate=True").Options);
}
