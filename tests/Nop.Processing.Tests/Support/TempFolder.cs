namespace Nop.Processing.Tests.Support;

/// <summary>A temp folder for a test's SQLite files.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("nop-processing-").FullName;

    public string Database(string name = "processing") => $"Data Source={System.IO.Path.Combine(Path, name + ".db")}";

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still hold a file for a moment; the OS cleans temp folders.
        }
    }
}
