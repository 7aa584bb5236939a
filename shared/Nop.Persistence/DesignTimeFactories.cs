using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Nop.Persistence;

/// <summary>Lets <c>dotnet ef migrations add X --context &lt;the SQLite context&gt;</c> build a service's SQLite
/// context without the host. A service derives one per SQLite context.</summary>
/// <param name="create">The context's constructor.</param>
/// <param name="file">The SQLite file the tool may create.</param>
public abstract class SqliteDesignTimeFactory<TContext>(Func<DbContextOptions<TContext>, TContext> create, string file)
    : IDesignTimeDbContextFactory<TContext> where TContext : DbContext
{
    /// <inheritdoc />
    public TContext CreateDbContext(string[] args) =>
        create(new DbContextOptionsBuilder<TContext>().UseSqlite($"Data Source={file}").Options);
}

/// <summary>Lets <c>dotnet ef migrations add X --context &lt;the SQL Server context&gt;</c> build a service's SQL
/// Server context without a server. A service derives one per SQL Server context.</summary>
/// <param name="create">The context's constructor.</param>
/// <param name="database">The database name in the (unused) connection string.</param>
public abstract class SqlServerDesignTimeFactory<TContext>(Func<DbContextOptions<TContext>, TContext> create,
    string database) : IDesignTimeDbContextFactory<TContext> where TContext : DbContext
{
    /// <inheritdoc />
    public TContext CreateDbContext(string[] args) => create(new DbContextOptionsBuilder<TContext>().UseSqlServer(
        $"Server=localhost;Database={database};Trusted_Connection=True;TrustServerCertificate=True").Options);
}
