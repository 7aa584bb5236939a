namespace Nop.Benchmarks;

/// <summary>Where the repository and the services' build output are.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>A service's own build output, in the configuration this program was built in (Release under ./nop bench).</summary>
    public static string ServiceAssembly(string project)
    {
        var bin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var dll = Path.Combine(Root, "services", project, "bin", bin.Parent!.Name, bin.Name, project + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"{dll} is not built: build tests/Nop.Benchmarks (it builds the services).", dll);
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "NOP.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("NOP.sln not found above " + AppContext.BaseDirectory);
    }
}
