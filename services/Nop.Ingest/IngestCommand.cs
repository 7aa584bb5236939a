using System.CommandLine;
using System.Globalization;
using Nop.Contracts;
using Nop.Ingest.Readings;
using Nop.Ingest.Sensors;

namespace Nop.Ingest;

// Ingest's command line instead of the service: `sensors add|list|rotate|remove|init` manage a catalogue file without
// a running service (a running Ingest picks the change up). A new key is printed once; only its SHA-256 digest is
// stored. --catalog has no default: a command meant for production must not quietly edit the development catalogue,
// and a missing file is an error (only init creates one).
public static class IngestCommand
{
    public static bool Handles(string[] args) => args is ["sensors", ..];

    public static Task<int> RunAsync(string[] args, TextWriter? output = null) =>
        Build(output ?? Console.Out).Parse(args).InvokeAsync();

    private static RootCommand Build(TextWriter output)
    {
        var catalog = new Option<string>("--catalog", "--catalogue")
        {
            Description = "The catalogue file (found from the current folder upwards when relative), "
                + "e.g. deploy/sensors.dev.json in development.",
            Required = true,
        };
        var id = new Option<string>("--id")
        {
            Description = "Sensor id: " + ReadingLimits.SensorIdPattern,
            Required = true,
        };
        var name = new Option<string>("--name")
        {
            Description = "A name people recognise, e.g. the street.",
            Required = true,
        };
        var zone = new Option<Zone>("--zone")
        {
            Description = "residential, commercial, industrial or quiet.",
            Required = true,
        };
        zone.CustomParser = result =>
            Enum.TryParse<Zone>(result.Tokens.Single().Value, ignoreCase: true, out var z) && Enum.IsDefined(z)
                ? z
                : Fail<Zone>(result, "--zone must be residential, commercial, industrial or quiet.");
        var lat = new Option<double>("--lat") { Description = "Latitude (WGS 84).", Required = true };
        var lon = new Option<double>("--lon") { Description = "Longitude (WGS 84).", Required = true };
        var key = new Option<string?>("--key")
        {
            Description = $"Use this key instead of a new random one (at least {ApiKeys.MinBits} bits).",
        };
        var interval = new Option<double?>("--interval")
        {
            Description =
                "Seconds between the sensor's levels (0 < s <= 86400): the length of a reading without a duration.",
        };

        var add = new Command("add", "Add a sensor and print its new API key (shown once).")
        {
            catalog, id, name, zone, lat, lon, key, interval,
        };
        add.SetAction(async (result, cancellationToken) =>
        {
            var path = ResolvePath(result.GetValue(catalog)!);
            var sensorId = result.GetValue(id)!;
            var location = new GeoLocation(result.GetValue(lat), result.GetValue(lon));
            if (!SensorCatalog.SensorIdPattern().IsMatch(sensorId))
            {
                return Error(output, $"'{sensorId}' is not a valid sensor id ({ReadingLimits.SensorIdPattern}).");
            }
            if (!SensorCatalog.IsValidLocation(location.Lat, location.Lon))
            {
                return Error(output, "--lat must be in [-90, 90] and --lon in [-180, 180].");
            }
            if (result.GetValue(interval) is { } seconds && !SensorCatalog.IsValidInterval(seconds))
            {
                return Error(output, "--interval must be more than 0 and at most 86400 seconds.");
            }
            var file = SensorCatalog.Read(path);
            if (file.Sensors.Any(s => s.Id == sensorId))
            {
                return Error(output, $"{path} already has a sensor '{sensorId}'.");
            }
            if (result.GetValue(key) is { } given && ApiKeys.Weakness(given) is { } weakness)
            {
                return Error(output, "--key refused: " + weakness);
            }
            var apiKey = result.GetValue(key) ?? ApiKeys.Generate();
            var entry = new CatalogEntry(sensorId, result.GetValue(name)!, result.GetValue(zone), location,
                ApiKeys.Hash(apiKey), result.GetValue(interval));
            await SensorCatalog.WriteAsync(path, new CatalogFile([.. file.Sensors, entry]), cancellationToken);
            output.WriteLine($"Added {sensorId} ({entry.Name}, {Kebab(entry.Zone)}) to {path}.");
            output.WriteLine("API key (shown only now; the catalogue keeps its SHA-256 digest):");
            output.WriteLine(apiKey);
            return 0;
        });

        var list = new Command("list", "List the sensors of a catalogue (without keys).") { catalog };
        list.SetAction(result =>
        {
            var path = ResolvePath(result.GetValue(catalog)!);
            foreach (var s in SensorCatalog.Read(path).Sensors)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{s.Id,-12} {Kebab(s.Zone),-12} "
                    + $"{s.Location.Lat,9:0.00000} {s.Location.Lon,10:0.00000}  {s.Name}"));
            }
            return 0;
        });

        return new RootCommand("NOP Ingest. Without arguments it runs the service; `sensors` manages the catalogue.")
        {
            new Command("sensors", "Manage the sensor catalogue.")
            {
                add, list, Rotate(output, catalog, id), Remove(output, catalog, id), Init(output, catalog),
            },
        };
    }

    // A new key for a sensor: the old one stops working. Every sensor sharing the old key (a gateway) gets the new one,
    // since a leaked key must stop working for all the sensors it opened.
    private static Command Rotate(TextWriter output, Option<string> catalog, Option<string> id)
    {
        var rotate = new Command("rotate", "Give a sensor a new API key (printed once); the old key stops working.")
        {
            catalog, id,
        };
        rotate.SetAction(async (result, cancellationToken) =>
        {
            var path = ResolvePath(result.GetValue(catalog)!);
            var sensorId = result.GetValue(id)!;
            var file = SensorCatalog.Read(path);
            if (file.Sensors.FirstOrDefault(s => s.Id == sensorId) is not { } target)
            {
                return Error(output, $"{path} has no sensor '{sensorId}'.");
            }
            var apiKey = ApiKeys.Generate();
            var hash = ApiKeys.Hash(apiKey);
            var sharing = file.Sensors.Where(s => s.KeyHash.Equals(target.KeyHash, StringComparison.OrdinalIgnoreCase))
                .Select(s => s.Id).ToArray();
            var rotated = file.Sensors.Select(s => sharing.Contains(s.Id) ? s with { KeyHash = hash } : s).ToArray();
            await SensorCatalog.WriteAsync(path, new CatalogFile(rotated), cancellationToken);
            output.WriteLine($"New key for {string.Join(", ", sharing)} in {path}; the old key no longer works.");
            output.WriteLine("API key (shown only now; the catalogue keeps its SHA-256 digest):");
            output.WriteLine(apiKey);
            return 0;
        });
        return rotate;
    }

    private static Command Remove(TextWriter output, Option<string> catalog, Option<string> id)
    {
        var remove = new Command("remove", "Remove a sensor; its key no longer works for it.") { catalog, id };
        remove.SetAction(async (result, cancellationToken) =>
        {
            var path = ResolvePath(result.GetValue(catalog)!);
            var sensorId = result.GetValue(id)!;
            var file = SensorCatalog.Read(path);
            if (file.Sensors.All(s => s.Id != sensorId))
            {
                return Error(output, $"{path} has no sensor '{sensorId}'.");
            }
            await SensorCatalog.WriteAsync(path, new CatalogFile([.. file.Sensors.Where(s => s.Id != sensorId)]),
                cancellationToken);
            output.WriteLine($"Removed {sensorId} from {path}.");
            return 0;
        });
        return remove;
    }

    // A fresh catalogue with a new 256-bit key per sensor, for a deployment that must not use the public development
    // keys. The keys go to a file only the owner can read, for the Simulator's --keys or for handing to the sensors.
    private static Command Init(TextWriter output, Option<string> catalog)
    {
        var count = new Option<int>("--count")
        {
            Description = $"How many sensors (1 to {NewCatalog.MaxCount}).",
            Required = true,
        };
        var keysOut = new Option<string>("--keys-out")
        {
            Description = "Where to write the keys as {\"sensor-id\": \"api-key\"} (mode 0600; replaced if present).",
            Required = true,
        };
        var init = new Command("init", "Create a new catalogue of sensors with new random keys; "
            + "refuses to overwrite an existing catalogue.") { catalog, count, keysOut };
        init.SetAction(async (result, cancellationToken) =>
        {
            var path = Path.GetFullPath(result.GetValue(catalog)!);
            var keysPath = Path.GetFullPath(result.GetValue(keysOut)!);
            var n = result.GetValue(count);
            if (n is < 1 or > NewCatalog.MaxCount)
            {
                return Error(output, $"--count must be 1 to {NewCatalog.MaxCount}.");
            }
            if (File.Exists(path))
            {
                return Error(output, $"{path} already exists; init does not overwrite a catalogue.");
            }
            if (keysPath == path)
            {
                return Error(output, "--keys-out must not be the catalogue.");
            }
            var (file, keys) = NewCatalog.Create(n);
            // Keys first: if writing the catalogue then fails, init can simply run again.
            await NewCatalog.WriteKeysAsync(keysPath, keys, cancellationToken);
            try
            {
                await SensorCatalog.WriteAsync(path, file, cancellationToken, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                return Error(output, $"{path} already exists; init does not overwrite a catalogue.");
            }
            output.WriteLine($"Created {path} with {n} sensors; their keys are in {keysPath} (readable by you only).");
            return 0;
        });
        return init;
    }

    private static string ResolvePath(string configured) =>
        CatalogPaths.Resolve(configured, Directory.GetCurrentDirectory());

    private static string Kebab(Zone zone) => zone.ToString().ToLowerInvariant();

    private static int Error(TextWriter output, string message)
    {
        output.WriteLine("error: " + message);
        return 1;
    }

    private static T Fail<T>(System.CommandLine.Parsing.ArgumentResult result, string message)
    {
        result.AddError(message);
        return default!;
    }
}
