using System.Text.Json;
using Nop.Contracts;

namespace Nop.Ingest.Sensors;

// What `sensors init` writes: a fresh catalogue of n sensors, each with its own random 256-bit key, and the keys file
// the Simulator's --keys reads ({"sensor-id": "api-key"}).
public static class NewCatalog
{
    public const int MaxCount = 10_000;

    // Around Stephansplatz, like the development sensors; the operator edits names and locations afterwards.
    private const double CentreLat = 48.20849, CentreLon = 16.37315;

    // The sensors sensor-001 … sensor-n (more digits past 999), zones in turn, spread over a 6 km disc, with a new
    // key each. Returns the entries and the keys by sensor id.
    public static (CatalogFile File, IReadOnlyDictionary<string, string> Keys) Create(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxCount);
        var digits = Math.Max(3, count.ToString(System.Globalization.CultureInfo.InvariantCulture).Length);
        var zones = Enum.GetValues<Zone>();
        var entries = new List<CatalogEntry>(count);
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i <= count; i++)
        {
            var number = i.ToString("D" + digits, System.Globalization.CultureInfo.InvariantCulture);
            var id = "sensor-" + number;
            var key = ApiKeys.Generate();
            keys[id] = key;
            entries.Add(new CatalogEntry(id, "Sensor " + number, zones[(i - 1) % zones.Length], Spiral(i, count),
                ApiKeys.Hash(key)));
        }
        return (new CatalogFile(entries), keys);
    }

    // Writes the keys file readable by its owner only (mode 0600 on Unix): it holds every sensor's secret. Written to
    // a temporary file created with that mode and renamed, so the keys are never readable by others, not even briefly.
    public static async Task WriteKeysAsync(string path, IReadOnlyDictionary<string, string> keys,
        CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        File.Delete(temporary);
        await using (var stream = new FileStream(temporary, options))
        {
            await using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            foreach (var (id, key) in keys)
            {
                json.WriteString(id, key);
            }
            json.WriteEndObject();
            await json.FlushAsync(cancellationToken);
            stream.WriteByte((byte)'\n');
        }
        File.Move(temporary, path, overwrite: true);
    }

    // Sunflower (Vogel) spiral: evenly spread points on a disc of 6 km radius, the same for the same i and n.
    private static GeoLocation Spiral(int i, int count)
    {
        var radiusKm = 6 * Math.Sqrt((i - 0.5) / count);
        var angle = i * Math.PI * (3 - Math.Sqrt(5));
        var lat = CentreLat + radiusKm / 111.32 * Math.Sin(angle);
        var lon = CentreLon + radiusKm / (111.32 * Math.Cos(CentreLat * Math.PI / 180)) * Math.Cos(angle);
        return new GeoLocation(Math.Round(lat, 5), Math.Round(lon, 5));
    }
}
