namespace Nop.Persistence;

/// <summary>The database a service runs on.</summary>
public enum DatabaseProvider
{
    /// <summary>Embedded default (<c>./nop up</c> without Docker, tests): a file next to the service.</summary>
    Sqlite,

    /// <summary>docker compose and Kubernetes.</summary>
    SqlServer,
}
