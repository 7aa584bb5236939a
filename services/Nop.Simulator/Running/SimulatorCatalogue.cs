using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Nop.Simulator.Generation;

namespace Nop.Simulator.Running;

// A sensor to simulate, with the key to post as.
public sealed record SimulatedSensor(string Id, string Name, SensorZone Zone, string ApiKey);

// Reads the sensors and finds their keys. The catalogue stores only key digests, so the key of a sensor is
// dev-key-<id> (the development convention) or comes from a keys file; either is checked against the digest.
public static class SimulatorCatalogue
{
    public static IReadOnlyList<SimulatedSensor> Load(string catalogPath, string? keysPath)
    {
        var path = Find(catalogPath);
        using var stream = File.OpenRead(path);
        var file = JsonSerializer.Deserialize(stream, SimulatorJsonContext.Default.CatalogueFile)
            ?? throw new InvalidDataException($"{path} is not a sensor catalogue.");
        var keys = keysPath is null
            ? new Dictionary<string, string>()
            : JsonSerializer.Deserialize(File.ReadAllText(Find(keysPath)),
                SimulatorJsonContext.Default.DictionaryStringString) ?? [];

        var sensors = new List<SimulatedSensor>();
        var keyless = new List<string>();
        foreach (var entry in file.Sensors)
        {
            var key = keys.GetValueOrDefault(entry.Id) ?? "dev-key-" + entry.Id;
            if (!string.Equals(entry.KeyHash,
                "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))),
                StringComparison.OrdinalIgnoreCase))
            {
                keyless.Add(entry.Id);
                continue;
            }
            var zone = Enum.TryParse<SensorZone>(entry.Zone, ignoreCase: true, out var z) ? z : SensorZone.Residential;
            sensors.Add(new SimulatedSensor(entry.Id, entry.Name, zone, key));
        }
        if (sensors.Count == 0)
        {
            throw new InvalidDataException($"No sensor of {path} has a known key (dev-key-<id>, or one from --keys).");
        }
        if (keyless.Count > 0)
        {
            var shown = string.Join(", ", keyless.Take(5)) + (keyless.Count > 5 ? ", ..." : "");
            Console.Error.WriteLine($"Skipping {keyless.Count} sensor(s) without a known key: {shown}");
        }
        return sensors;
    }

    // count sensors spread evenly over the catalogue, so a few still cover every zone.
    public static IReadOnlyList<SimulatedSensor> Spread(IReadOnlyList<SimulatedSensor> sensors, int? count)
    {
        if (count is null || count == sensors.Count)
        {
            return sensors;
        }
        if (count > sensors.Count)
        {
            throw new ArgumentException(
                $"--sensors {count}: the catalogue has {sensors.Count} sensors with known keys. "
                + "Use a larger catalogue (e.g. deploy/sensors.bench.json).");
        }
        return Enumerable.Range(0,
            count.Value).Select(i => sensors[(int)((long)i * sensors.Count / count.Value)]).ToList();
    }

    // An absolute path, or a relative one found from the current folder or any folder above it.
    public static string Find(string path)
    {
        if (Path.IsPathRooted(path))
        {
            return path;
        }
        for (var directory = new DirectoryInfo(Directory.GetCurrentDirectory()); directory is not null;
            directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, path);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException(
            $"'{path}' not found in {Directory.GetCurrentDirectory()} or any folder above it.", path);
    }
}

public sealed record CatalogueEntry(string Id, string Name, string Zone, string KeyHash);

public sealed record CatalogueFile(IReadOnlyList<CatalogueEntry> Sensors);

// The JSON the simulator reads and writes.
public sealed record ReadingBatch(IReadOnlyList<SimulatedReading> Readings);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(CatalogueFile))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(ReadingBatch))]
[JsonSerializable(typeof(AcceptedAnswer))]
internal sealed partial class SimulatorJsonContext : JsonSerializerContext;

// Ingest's 202 body.
public sealed record AcceptedAnswer(int Accepted, string? CorrelationId);
