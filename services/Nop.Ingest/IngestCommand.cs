using System.CommandLine;
using System.Globalization;
using Nop.Contracts;
using Nop.Ingest.Readings;
using Nop.Ingest.Sensors;

namespace Nop.Ingest;

// Ingest's command line instead of the service: `sensors add|list` manage a catalogue file without a running
// service. `add` prints the new sensor's API key once; only its SHA-256 digest is stored.
public static class IngestCommand
{
    public static bool Handles(string[] args) => args is ["sensors", ..];

    public static Task<int> RunAsync(string[] args, TextWriter? output = null) =>
        Build(output ?? Console.Out).Parse(args).InvokeAsync();

    private static RootCommand Build(TextWriter output)
    {
        var catalog = new Option<string>("--catalog", "--catalogue")
        {
            Description = "The catalogue file (found from the current folder upwards when relative).",
            DefaultValueFactory = _ => "deploy/sensors.dev.json",
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
            Description = "Use this key instead of a new random one (development only).",
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
            new Command("sensors", "Manage the sensor catalogue.") { add, list },
        };
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
