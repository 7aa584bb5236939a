using System.Text.RegularExpressions;

namespace Nop.Dashboard.History;

// What a sensor id may look like (Ingest's rule): anything else is no sensor, and is not asked about.
public static partial class SensorIds
{
    public static bool IsValid(string id) => Pattern().IsMatch(id);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex Pattern();
}
