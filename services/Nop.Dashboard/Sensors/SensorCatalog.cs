using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Nop.Contracts;

namespace Nop.Dashboard.Sensors;

// A sensor on the page.
public sealed record SensorInfo(string Id, string Name, Zone Zone, GeoLocation Location);

// The sensors to show: read once from the catalogue file Ingest owns (names and places; never the keys), plus any
// sensor that turns up in a reading without being in the file (a reading is a complete event: it carries zone and
// location).
public sealed class SensorCatalog
{
    private readonly ConcurrentDictionary<string, SensorInfo> _sensors = new(StringComparer.Ordinal);

    public SensorCatalog(IOptions<DashboardOptions> options, IHostEnvironment environment,
        ILogger<SensorCatalog> logger)
    {
        if (string.IsNullOrWhiteSpace(options.Value.CatalogPath))
        {
            logger.LogInformation(
                "No sensor catalogue (Dashboard:CatalogPath); sensors appear as their readings arrive");
            return;
        }
        var path = PathLookup.Find(options.Value.CatalogPath, environment.ContentRootPath);
        if (path is null)
        {
            logger.LogWarning("Sensor catalogue {CatalogPath} not found; sensors appear as their readings arrive",
                options.Value.CatalogPath);
            return;
        }
        try
        {
            using var stream = File.OpenRead(path);
            var file = JsonSerializer.Deserialize(stream, CatalogJson.Default.CatalogFile);
            foreach (var entry in file?.Sensors ?? [])
            {
                if (entry is { Id.Length: > 0, Location: not null })
                {
                    _sensors[entry.Id] = new SensorInfo(entry.Id, entry.Name ?? entry.Id, entry.Zone, entry.Location);
                }
            }
            logger.LogInformation("Loaded {SensorCount} sensors from {CatalogPath}", _sensors.Count, path);
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            logger.LogWarning(ex,
                "Sensor catalogue {CatalogPath} could not be read; sensors appear as their readings arrive", path);
        }
    }

    // Every known sensor, ordered by id.
    public IReadOnlyList<SensorInfo> All => _sensors.Values.OrderBy(s => s.Id, StringComparer.Ordinal).ToArray();

    // Adds a sensor first seen in a batch of readings; true when it was new.
    public bool TryAdd(ReadingBatchReceived batch) =>
        _sensors.TryAdd(batch.SensorId, new SensorInfo(batch.SensorId, batch.SensorId, batch.Zone, batch.Location));

    public SensorInfo? Find(string id) => _sensors.GetValueOrDefault(id);
}

internal sealed record CatalogEntry(string Id, string? Name, Zone Zone, GeoLocation? Location);

internal sealed record CatalogFile(IReadOnlyList<CatalogEntry>? Sensors);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true,
    ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(CatalogFile))]
internal sealed partial class CatalogJson : JsonSerializerContext;

// Finds a configured file or folder.
public static class PathLookup
{
    // An absolute path as it is; a relative one from start and then each of its parents, so
    // deploy/sensors.dev.json is found from the repository root, the project folder (where ./nop up starts
    // the service) and a test's bin folder alike. Null when there is no such file or folder.
    public static string? Find(string configured, string start)
    {
        if (Path.IsPathRooted(configured))
        {
            return File.Exists(configured) || Directory.Exists(configured) ? configured : null;
        }
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, configured);
            if (File.Exists(candidate) || Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}
