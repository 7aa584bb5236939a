using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Nop.Dashboard.Operators;

// The operators of the Dashboard:OperatorsPath file (a mounted secret: [{"name": "...", "passwordHash": "..."}]).
// Read again whenever its time stamp or size changes: a stat per sign-in or authenticated request, and it also
// sees a Kubernetes secret update (a symbolic link swapped), which file watchers miss. A file that cannot be read
// at start stops the service; later, the last good list is kept and the error logged.
public sealed class OperatorsFile
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private readonly string? _path;
    private readonly ILogger<OperatorsFile> _logger;
    private readonly Lock _lock = new();
    private (DateTime WrittenAt, long Length) _version;
    private OperatorAccount[] _current = [];

    public OperatorsFile(IOptions<DashboardOptions> options, IHostEnvironment environment,
        ILogger<OperatorsFile> logger)
    {
        _logger = logger;
        if (options.Value.OperatorsPath is { Length: > 0 } path)
        {
            _path = Path.GetFullPath(path, environment.ContentRootPath);
            _version = Version(_path);
            _current = Read(_path);
            logger.LogInformation("Loaded {OperatorCount} operators from {OperatorsPath}", _current.Length, _path);
        }
    }

    public IReadOnlyList<OperatorAccount> Current
    {
        get
        {
            if (_path is null)
            {
                return [];
            }
            lock (_lock)
            {
                try
                {
                    var version = Version(_path);
                    if (version != _version)
                    {
                        _current = Read(_path);
                        _version = version;
                        _logger.LogInformation("Reloaded {OperatorCount} operators from {OperatorsPath}",
                            _current.Length, _path);
                    }
                }
                catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException
                    or InvalidDataException)
                {
                    _logger.LogError("Operators file {OperatorsPath} unreadable, keeping the last good list: {Error}",
                        _path, ex.Message);
                }
                return _current;
            }
        }
    }

    private static (DateTime, long) Version(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? (info.LastWriteTimeUtc, info.Length) : throw new FileNotFoundException(path);
    }

    private static OperatorAccount[] Read(string path)
    {
        using var stream = File.OpenRead(path);
        var accounts = JsonSerializer.Deserialize<OperatorAccount[]>(stream, Json) ?? [];
        return accounts.Any(a => string.IsNullOrWhiteSpace(a.Name) || string.IsNullOrWhiteSpace(a.PasswordHash))
            ? throw new InvalidDataException($"{path}: every operator needs a name and a passwordHash.")
            : accounts;
    }
}
