using Nop.Persistence;

namespace Nop.Processing.Data;

/// <summary>For <c>dotnet ef migrations add X --context SqliteProcessingDbContext --output-dir
/// Data/Migrations/Sqlite</c>.</summary>
internal sealed class SqliteDesignTimeFactory()
    : SqliteDesignTimeFactory<SqliteProcessingDbContext>(options => new(options), "processing.db");

/// <summary>For <c>dotnet ef migrations add X --context SqlServerProcessingDbContext --output-dir
/// Data/Migrations/SqlServer</c>.</summary>
internal sealed class SqlServerDesignTimeFactory()
    : SqlServerDesignTimeFactory<SqlServerProcessingDbContext>(options => new(options), "nop_processing");
