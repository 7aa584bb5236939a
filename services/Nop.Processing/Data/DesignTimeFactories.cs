using Nop.Persistence;

namespace Nop.Processing.Data;

// For dotnet ef migrations add X --context SqliteProcessingDbContext --output-dir
// Data/Migrations/Sqlite.
internal sealed class SqliteDesignTimeFactory()
    : SqliteDesignTimeFactory<SqliteProcessingDbContext>(options => new(options), "processing.db");

// For dotnet ef migrations add X --context SqlServerProcessingDbContext --output-dir
// Data/Migrations/SqlServer.
internal sealed class SqlServerDesignTimeFactory()
    : SqlServerDesignTimeFactory<SqlServerProcessingDbContext>(options => new(options), "nop_processing");
