namespace Nop.Persistence;

/// <summary>
/// A service's database, bound from <c>&lt;Service&gt;:Database</c> (e.g. <c>Alerting:Database</c>); the connection
/// string is <c>ConnectionStrings:&lt;Service&gt;</c>.
/// </summary>
public sealed class DatabaseOptions
{
    /// <summary><c>Sqlite</c> (default; without a connection string, <c>Data Source=&lt;service&gt;.db</c>) or
    /// <c>SqlServer</c> (a connection string is then required).</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
}
