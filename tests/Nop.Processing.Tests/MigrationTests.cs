using Microsoft.EntityFrameworkCore;
using Nop.Processing.Persistence;

namespace Nop.Processing.Tests;

/// <summary>The schema comes from migrations, one set per provider; a model change without a migration fails here.</summary>
public sealed class MigrationTests
{
    [Fact]
    public void The_sqlite_migrations_cover_the_model()
    {
        using var db = new SqliteProcessingDbContext(new DbContextOptionsBuilder<SqliteProcessingDbContext>().UseSqlite("Data Source=:memory:").Options);

        db.Database.HasPendingModelChanges().ShouldBeFalse("run: dotnet ef migrations add <Name> --context SqliteProcessingDbContext --output-dir Persistence/Migrations/Sqlite");
        db.Database.GetMigrations().ShouldNotBeEmpty();
    }

    [Fact]
    public void The_sql_server_migrations_cover_the_model()
    {
        // Needs no server: the model is compared with the migrations' snapshot.
        using var db = new SqlServerProcessingDbContext(new DbContextOptionsBuilder<SqlServerProcessingDbContext>()
            .UseSqlServer("Server=127.0.0.1,1;Database=unused;Connect Timeout=1").Options);

        db.Database.HasPendingModelChanges().ShouldBeFalse("run: dotnet ef migrations add <Name> --context SqlServerProcessingDbContext --output-dir Persistence/Migrations/SqlServer");
        db.Database.GetMigrations().ShouldNotBeEmpty();
    }

    [Fact]
    public async Task The_sqlite_migrations_apply_to_a_new_database_file()
    {
        var folder = Directory.CreateTempSubdirectory("nop-processing-");
        try
        {
            await using (var db = new SqliteProcessingDbContext(new DbContextOptionsBuilder<SqliteProcessingDbContext>()
                .UseSqlite($"Data Source={Path.Combine(folder.FullName, "processing.db")};Pooling=False").Options))
            {
                await db.Database.MigrateAsync();

                (await db.Database.GetPendingMigrationsAsync()).ShouldBeEmpty();
                db.SensorStates.Add(new SensorStateRow { SensorId = "s1", Partition = 3, State = "{}", UpdatedAt = DateTimeOffset.UtcNow });
                await db.SaveChangesAsync();
                (await db.SensorStates.SingleAsync()).Partition.ShouldBe(3);
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
