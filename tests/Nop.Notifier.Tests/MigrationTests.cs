using Microsoft.EntityFrameworkCore;
using Nop.Notifier.Data;

namespace Nop.Notifier.Tests;

/// <summary>The schema comes from migrations, one set per provider; a model change without a migration fails here.
/// </summary>
[Trait("Category", "Unit")]
public sealed class MigrationTests
{
    [Fact]
    public void The_sqlite_migrations_cover_the_model()
    {
        using var db = new SqliteNotifierDbContext(new DbContextOptionsBuilder<SqliteNotifierDbContext>()
            .UseSqlite("Data Source=:memory:").Options);

        db.Database.HasPendingModelChanges().ShouldBeFalse("run: dotnet ef migrations add <Name> --context " +
            "SqliteNotifierDbContext --output-dir Data/Migrations/Sqlite");
        db.Database.GetMigrations().ShouldNotBeEmpty();
    }

    [Fact]
    public void The_sql_server_migrations_cover_the_model()
    {
        // Needs no server: the model is compared with the migrations' snapshot.
        using var db = new SqlServerNotifierDbContext(new DbContextOptionsBuilder<SqlServerNotifierDbContext>()
            .UseSqlServer("Server=127.0.0.1,1;Database=unused;Connect Timeout=1").Options);

        db.Database.HasPendingModelChanges().ShouldBeFalse("run: dotnet ef migrations add <Name> --context " +
            "SqlServerNotifierDbContext --output-dir Data/Migrations/SqlServer");
        db.Database.GetMigrations().ShouldNotBeEmpty();
    }
}
