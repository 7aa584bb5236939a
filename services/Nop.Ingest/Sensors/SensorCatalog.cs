using System.Collections.Frozen;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Nop.Ingest.Readings;

namespace Nop.Ingest.Sensors;

// The sensor catalogue, loaded from the JSON file named by Ingest:CatalogPath. The file is watched: a sensor added
// with `sensors add` can post without restarting Ingest. A file that fails to load keeps the previous catalogue.
// Outside Development a catalogue with a publicly known development key fails to load (DevelopmentKeys).
public sealed partial class SensorCatalog : IDisposable
{
    private readonly ILogger<SensorCatalog> _logger;
    private readonly PhysicalFileProvider? _files;
    private readonly IDisposable? _watch;
    private readonly bool _refuseDevelopmentKeys;
    private Snapshot _snapshot;

    public SensorCatalog(IOptions<IngestOptions> options, IHostEnvironment environment, ILogger<SensorCatalog> logger)
    {
        _logger = logger;
        _refuseDevelopmentKeys = !environment.IsDevelopment();
        Path = CatalogPaths.Resolve(options.Value.CatalogPath, environment.ContentRootPath);
        _snapshot = Load(Path, _refuseDevelopmentKeys);
        _logger.LogInformation("Loaded {SensorCount} sensors from {CatalogPath}", _snapshot.Sensors.Count, Path);

        _files = new PhysicalFileProvider(System.IO.Path.GetDirectoryName(Path)!);
        var name = System.IO.Path.GetFileName(Path);
        _watch = ChangeToken.OnChange(() => _files.Watch(name), Reload);
    }

    // The absolute path of the catalogue file.
    public string Path { get; }

    // Every sensor, ordered by id.
    public IReadOnlyList<Sensor> Sensors => _snapshot.Sensors;

    // The sensor with id, or null.
    public Sensor? Find(string id) => _snapshot.ById.GetValueOrDefault(id);

    // The owner of presentedKey, or null: looked up by the key's stored form (its SHA-256 digest). A lookup's time can
    // depend only on that digest, and what it could tell about digests near a stored one says nothing about any key
    // (finding a key for a digest is a preimage attack), so no constant-time comparison with every stored digest is
    // needed: that scan cost one comparison per sensor on every request, growing with the catalogue.
    public KeyOwner? Authenticate(string presentedKey) =>
        _snapshot.ByKeyHash.GetValueOrDefault(ApiKeys.Hash(presentedKey));

    private void Reload()
    {
        try
        {
            var snapshot = Load(Path, _refuseDevelopmentKeys);
            _snapshot = snapshot;
            _logger.LogInformation("Reloaded {SensorCount} sensors from {CatalogPath}", snapshot.Sensors.Count, Path);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or JsonException
            or UnauthorizedAccessException)
        {
            _logger.LogError(ex, "The changed catalogue {CatalogPath} could not be loaded; keeping the previous one",
                Path);
        }
    }

    // Reads and checks a catalogue file. Throws InvalidDataException when the file is not a valid catalogue.
    internal static CatalogFile Read(string path)
    {
        using var stream = File.OpenRead(path);
        CatalogFile? file;
        try
        {
            file = JsonSerializer.Deserialize(stream, CatalogJsonContext.Default.CatalogFile);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not a valid sensor catalogue: {ex.Message}", ex);
        }
        if (file?.Sensors is null)
        {
            throw new InvalidDataException($"{path} has no \"sensors\" array.");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in file.Sensors)
        {
            if (entry?.Id is null || !SensorIdPattern().IsMatch(entry.Id))
            {
                throw new InvalidDataException($"{path}: sensor id '{entry?.Id}' does not match {SensorIdPattern()}.");
            }
            if (!seen.Add(entry.Id))
            {
                throw new InvalidDataException($"{path}: sensor '{entry.Id}' is listed twice.");
            }
            if (ApiKeys.ParseHash(entry.KeyHash) is null)
            {
                throw new InvalidDataException(
                    $"{path}: sensor '{entry.Id}' has no keyHash of the form sha256:<64 hex digits>.");
            }
            if (entry.Location is null || !IsValidLocation(entry.Location.Lat, entry.Location.Lon))
            {
                throw new InvalidDataException($"{path}: sensor '{entry.Id}' has no valid location.");
            }
            if (entry.IntervalSeconds is { } interval && !IsValidInterval(interval))
            {
                throw new InvalidDataException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{path}: sensor '{entry.Id}' has intervalSeconds {interval}; "
                    + $"it must be more than 0 and at most {ReadingLimits.MaxDurationSeconds}."));
            }
        }
        return file;
    }

    // Writes a catalogue atomically (a temporary file renamed over the old one), so a watcher never reads half a file.
    // Without overwrite an existing file is left alone (IOException).
    internal static async Task WriteAsync(string path, CatalogFile file, CancellationToken cancellationToken,
        bool overwrite = true)
    {
        var temporary = path + ".tmp";
        await using (var stream = File.Create(temporary))
        {
            await JsonSerializer.SerializeAsync(stream, file, WriteContext.CatalogFile, cancellationToken);
            stream.WriteByte((byte)'\n');
        }
        try
        {
            File.Move(temporary, path, overwrite);
        }
        catch (IOException)
        {
            File.Delete(temporary);
            throw;
        }
    }

    // Names like "Kärntner Straße" stay readable in the file instead of becoming \u escapes.
    private static readonly CatalogJsonContext WriteContext = new(
        new JsonSerializerOptions(CatalogJsonContext.Default.Options)
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });

    internal static bool IsValidLocation(double lat, double lon) =>
        double.IsFinite(lat) && double.IsFinite(lon) && lat is >= -90 and <= 90 && lon is >= -180 and <= 180;

    // A reporting interval Ingest accepts: positive and at most a day, as a reading's duration.
    internal static bool IsValidInterval(double seconds) =>
        double.IsFinite(seconds) && seconds is > 0 and <= ReadingLimits.MaxDurationSeconds;

    [GeneratedRegex(ReadingLimits.SensorIdPattern, RegexOptions.CultureInvariant)]
    internal static partial Regex SensorIdPattern();

    private static Snapshot Load(string path, bool refuseDevelopmentKeys)
    {
        var file = Read(path);
        if (refuseDevelopmentKeys && DevelopmentKeys.SensorsWithDevelopmentKeys(file) is { Count: > 0 } exposed)
        {
            var names = string.Join(", ", exposed.Take(10))
                + (exposed.Count > 10 ? $" and {exposed.Count - 10} more" : "");
            throw new InvalidDataException(
                $"{path}: sensor(s) {names} have a publicly known development key (dev-key-<id>), refused outside "
                + "Development. Give them new keys with `sensors rotate --id <id>`, or create a fresh catalogue with "
                + "`sensors init`.");
        }
        var sensors = file.Sensors
            .Select(e => new Sensor(e.Id, e.Name, e.Zone, e.Location, e.IntervalSeconds))
            .OrderBy(s => s.Id, StringComparer.Ordinal)
            .ToArray();
        var owners = file.Sensors
            .GroupBy(e => e.KeyHash.ToLowerInvariant(), StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g =>
            {
                var ids = g.Select(e => e.Id).Order(StringComparer.Ordinal).ToArray();
                var name = ids.Length == 1 ? ids[0] : $"{ids[0]}+{ids.Length - 1}";
                return new KeyOwner(name, ids.ToFrozenSet(StringComparer.Ordinal));
            }, StringComparer.Ordinal);
        return new Snapshot(sensors, sensors.ToFrozenDictionary(s => s.Id, StringComparer.Ordinal), owners);
    }

    public void Dispose()
    {
        _watch?.Dispose();
        _files?.Dispose();
    }

    // ByKeyHash: each key's owner by the key's stored form in lower case (ApiKeys.Hash, sha256:<hex>).
    private sealed record Snapshot(IReadOnlyList<Sensor> Sensors, FrozenDictionary<string, Sensor> ById,
        FrozenDictionary<string, KeyOwner> ByKeyHash);
}

// Finds the catalogue file.
public static class CatalogPaths
{
    // An absolute path is taken as it is. A relative one is looked up from contentRoot and then each of its parents, so
    // the default deploy/sensors.dev.json is found from the repository root, from the project folder (where ./nop up
    // starts the service) and from a test's bin folder alike. Throws FileNotFoundException when there is no such
    // file on the way up.
    public static string Resolve(string configured, string contentRoot)
    {
        if (System.IO.Path.IsPathRooted(configured))
        {
            return File.Exists(configured)
                ? configured
                : throw new FileNotFoundException($"Sensor catalogue {configured} not found.", configured);
        }
        for (var directory = new DirectoryInfo(contentRoot); directory is not null; directory = directory.Parent)
        {
            var candidate = System.IO.Path.Combine(directory.FullName, configured);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException(
            $"Sensor catalogue '{configured}' not found in {contentRoot} or any parent folder; "
            + "set Ingest:CatalogPath.", configured);
    }
}
