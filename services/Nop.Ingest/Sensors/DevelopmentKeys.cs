using System.Collections.Frozen;

namespace Nop.Ingest.Sensors;

// The publicly known development keys: dev-key-<id>, the convention of deploy/sensors.dev.json (dev-001 … dev-050)
// and deploy/sensors.bench.json (bench-001 … bench-500), printed in the READMEs. Outside Development a catalogue
// holding one of them is refused: anyone who read the README could post as that sensor. The hashes are computed
// rather than read from those files, which a production image need not contain (OWASP ASVS 4.0.3 V2.10.4 and
// V2.5.4: no default or shared accounts; V2.10.4: no API keys in source code).
public static class DevelopmentKeys
{
    private static readonly FrozenSet<string> Shipped = Enumerable.Range(1, 50).Select(i => $"dev-{i:000}")
        .Concat(Enumerable.Range(1, 500).Select(i => $"bench-{i:000}"))
        .Select(HashOf)
        .ToFrozenSet(StringComparer.Ordinal);

    // The development key of sensor id.
    public static string For(string id) => "dev-key-" + id;

    // The sensors of file whose key is a development key: dev-key-<any id of the file or of the shipped
    // development catalogues>.
    public static IReadOnlyList<string> SensorsWithDevelopmentKeys(CatalogFile file)
    {
        var known = file.Sensors.Select(e => HashOf(e.Id)).ToHashSet(StringComparer.Ordinal);
        known.UnionWith(Shipped);
        return [.. file.Sensors.Where(e => known.Contains(e.KeyHash.ToLowerInvariant())).Select(e => e.Id)];
    }

    private static string HashOf(string id) => ApiKeys.Hash(For(id));
}
