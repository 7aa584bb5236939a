using Microsoft.EntityFrameworkCore;
using Nop.History.Data;

namespace Nop.History.Tests;

/// <summary>
/// The schema comes from migrations, one set per provider; a model change without a migration fails here.
/// </summary>
public sealed class MigrationTests
{
    [Fact]
    public void The_sqlite_migrations_cover_the_model()
    {
        using var db = new SqliteHistoryDbContext(new DbContextOptionsBuilder<SqliteHistoryDbContext>()
            .UseSqlite("Data Source=:memory:").Options);

        db.Database.HasPendingModelChanges().ShouldBeFalse("run: dotnet ef migrations add <Name> --context " +
            "SqliteHistoryDbContext --output-dir Data/Migrations/Sqlite");
    }

    [Fact]
    public void The_sql_server_migrations_cover_the_model()
    {
        // Needs no server: the model is compared with the migrations' snapshot.
        using var db = new SqlServerHistoryDbContext(new DbContextOptionsBuilder<SqlServerHistoryDbContext>()
            .UseSqlServer("Server=127.0.0.1,1;Database=unused;Connect Timeout=1").Options);

        db.Database.HasPendingModelChanges().ShouldBeFalse("run: dotnet ef migrations add <Name> --context " +
            "SqlServerHistoryDbContext --output-dir Data/Migrations/SqlServer");
    }
}
